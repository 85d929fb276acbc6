//! Finished spans, decoded from OTLP.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, Span, span, status};

use super::hex_id::{hex_id, optional_hex_id};
use super::resource::ResourceInfo;
use super::scope::ScopeInfo;
use super::value::{AttributeValue, attributes_from_otlp, find};

/// One finished span with its resource and instrumentation scope.
///
/// Ids are lowercase hex, as `SpanContext`'s `Display` prints them, so they compare
/// directly with `span.span_context().trace_id().to_string()`.
#[derive(Clone, Debug)]
pub struct SpanRecord {
    /// The span name.
    pub name: String,
    /// The span kind.
    pub kind: SpanKind,
    /// 32 hex digits.
    pub trace_id: String,
    /// 16 hex digits.
    pub span_id: String,
    /// The parent's span id, `None` for a root span.
    pub parent_span_id: Option<String>,
    /// The W3C `tracestate` of the span context.
    pub trace_state: String,
    /// OTLP span flags (sampled bit and the parent-is-remote bits).
    pub flags: u32,
    /// Start time in nanoseconds since the Unix epoch.
    pub start_time_unix_nano: u64,
    /// End time in nanoseconds since the Unix epoch.
    pub end_time_unix_nano: u64,
    /// Attributes in recorded order, with their types.
    pub attributes: Vec<(String, AttributeValue)>,
    /// Events in recorded order.
    pub events: Vec<EventRecord>,
    /// Links in recorded order.
    pub links: Vec<LinkRecord>,
    /// The span status.
    pub status: Status,
    /// Attributes dropped by span limits.
    pub dropped_attributes_count: u32,
    /// Events dropped by span limits.
    pub dropped_events_count: u32,
    /// Links dropped by span limits.
    pub dropped_links_count: u32,
    /// The resource the span was produced under.
    pub resource: Arc<ResourceInfo>,
    /// The instrumentation scope (tracer) that produced the span.
    pub scope: Arc<ScopeInfo>,
}

/// A span event.
#[derive(Clone, Debug)]
pub struct EventRecord {
    /// The event name (`exception` for recorded errors).
    pub name: String,
    /// Time in nanoseconds since the Unix epoch.
    pub time_unix_nano: u64,
    /// Attributes with their types.
    pub attributes: Vec<(String, AttributeValue)>,
}

/// A link to another span.
#[derive(Clone, Debug)]
pub struct LinkRecord {
    /// The linked span's trace id, 32 hex digits.
    pub trace_id: String,
    /// The linked span's id, 16 hex digits.
    pub span_id: String,
    /// Attributes of the link.
    pub attributes: Vec<(String, AttributeValue)>,
}

impl SpanRecord {
    /// The value of an attribute, if present.
    pub fn attribute(&self, key: &str) -> Option<&AttributeValue> {
        find(&self.attributes, key)
    }

    /// The value of a resource attribute, if present.
    pub fn resource_attribute(&self, key: &str) -> Option<&AttributeValue> {
        find(&self.resource.attributes, key)
    }

    /// True when the span has no parent.
    pub fn is_root(&self) -> bool {
        self.parent_span_id.is_none()
    }

    /// The span's duration (zero if the clock went backwards).
    pub fn duration(&self) -> Duration {
        Duration::from_nanos(self.end_time_unix_nano.saturating_sub(self.start_time_unix_nano))
    }

    /// The first event with this name.
    pub fn event(&self, name: &str) -> Option<&EventRecord> {
        self.events.iter().find(|e| e.name == name)
    }
}

impl EventRecord {
    /// The value of an event attribute, if present.
    pub fn attribute(&self, key: &str) -> Option<&AttributeValue> {
        find(&self.attributes, key)
    }
}

impl AsRef<SpanRecord> for SpanRecord {
    fn as_ref(&self) -> &SpanRecord {
        self
    }
}

pub(crate) fn spans_from_otlp(resource_spans: &[ResourceSpans], out: &mut Vec<SpanRecord>) {
    for rs in resource_spans {
        let resource = Arc::new(ResourceInfo::from_otlp(rs.resource.as_ref(), &rs.schema_url));
        for ss in &rs.scope_spans {
            let scope = Arc::new(ScopeInfo::from_otlp(ss.scope.as_ref()));
            out.extend(ss.spans.iter().map(|s| span_from_otlp(s, &resource, &scope)));
        }
    }
}

fn span_from_otlp(s: &Span, resource: &Arc<ResourceInfo>, scope: &Arc<ScopeInfo>) -> SpanRecord {
    let kind = match span::SpanKind::try_from(s.kind) {
        Ok(span::SpanKind::Server) => SpanKind::Server,
        Ok(span::SpanKind::Client) => SpanKind::Client,
        Ok(span::SpanKind::Producer) => SpanKind::Producer,
        Ok(span::SpanKind::Consumer) => SpanKind::Consumer,
        // OTLP says an unspecified kind is to be read as INTERNAL.
        _ => SpanKind::Internal,
    };
    let status = match &s.status {
        Some(st) => match status::StatusCode::try_from(st.code) {
            Ok(status::StatusCode::Ok) => Status::Ok,
            Ok(status::StatusCode::Error) => Status::error(st.message.clone()),
            _ => Status::Unset,
        },
        None => Status::Unset,
    };
    SpanRecord {
        name: s.name.clone(),
        kind,
        trace_id: hex_id(&s.trace_id),
        span_id: hex_id(&s.span_id),
        parent_span_id: optional_hex_id(&s.parent_span_id),
        trace_state: s.trace_state.clone(),
        flags: s.flags,
        start_time_unix_nano: s.start_time_unix_nano,
        end_time_unix_nano: s.end_time_unix_nano,
        attributes: attributes_from_otlp(&s.attributes),
        events: s
            .events
            .iter()
            .map(|e| EventRecord {
                name: e.name.clone(),
                time_unix_nano: e.time_unix_nano,
                attributes: attributes_from_otlp(&e.attributes),
            })
            .collect(),
        links: s
            .links
            .iter()
            .map(|l| LinkRecord {
                trace_id: hex_id(&l.trace_id),
                span_id: hex_id(&l.span_id),
                attributes: attributes_from_otlp(&l.attributes),
            })
            .collect(),
        status,
        dropped_attributes_count: s.dropped_attributes_count,
        dropped_events_count: s.dropped_events_count,
        dropped_links_count: s.dropped_links_count,
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
    }
}
