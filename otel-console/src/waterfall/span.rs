//! One span as the waterfall reads it ([`WaterfallSpan`]), from the SDK's `SpanData` or
//! any other span model.

use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanId, SpanKind, Status, TraceId};
use opentelemetry_sdk::trace::SpanData;

/// One span as a waterfall draws it: what [`Waterfall::render`](crate::Waterfall::render) reads.
///
/// Build one from the SDK's [`SpanData`] with [`from_span_data`](Self::from_span_data),
/// or fill the fields from any other span model (the struct update syntax with
/// `..WaterfallSpan::default()` keeps that code compiling when fields are added).
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::{SpanId, TraceId};
/// use otel_kit_console::WaterfallSpan;
///
/// let span = WaterfallSpan {
///     trace_id: TraceId::from(1),
///     span_id: SpanId::from(1),
///     name: "GET /users/{id}".into(),
///     end_unix_nanos: 2_000_000,
///     attributes: vec![KeyValue::new("http.route", "/users/{id}")],
///     ..WaterfallSpan::default()
/// };
/// assert!(span.is_local_root());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WaterfallSpan {
    /// The trace the span belongs to.
    pub trace_id: TraceId,
    /// The span's id.
    pub span_id: SpanId,
    /// The parent's id; [`SpanId::INVALID`] for a root.
    pub parent_span_id: SpanId,
    /// Whether the parent was propagated from another process.
    pub parent_is_remote: bool,
    /// The span name.
    pub name: String,
    /// The span kind.
    pub kind: SpanKind,
    /// The span status; an error's description is printed under the span.
    pub status: Status,
    /// Start, in nanoseconds since the Unix epoch.
    pub start_unix_nanos: u64,
    /// End, in nanoseconds since the Unix epoch.
    pub end_unix_nanos: u64,
    /// The `service.name` of the span's resource, if known.
    pub service: Option<String>,
    /// The span's attributes; only the key ones are printed (see [`Waterfall`](crate::Waterfall)).
    pub attributes: Vec<KeyValue>,
}

impl Default for WaterfallSpan {
    fn default() -> Self {
        WaterfallSpan {
            trace_id: TraceId::INVALID,
            span_id: SpanId::INVALID,
            parent_span_id: SpanId::INVALID,
            parent_is_remote: false,
            name: String::new(),
            kind: SpanKind::Internal,
            status: Status::Unset,
            start_unix_nanos: 0,
            end_unix_nanos: 0,
            service: None,
            attributes: Vec::new(),
        }
    }
}

impl WaterfallSpan {
    /// The SDK's finished span, with the `service.name` of its provider's resource
    /// (the SDK keeps the resource out of [`SpanData`]). All attributes are kept;
    /// [`Waterfall::keep_key_attributes`](crate::Waterfall::keep_key_attributes) drops the others.
    ///
    /// ```
    /// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    /// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
    /// use otel_kit_console::WaterfallSpan;
    ///
    /// let exporter = InMemorySpanExporter::default();
    /// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    /// provider.tracer("demo").in_span("work", |_| {});
    /// let data = exporter.get_finished_spans().unwrap();
    /// let span = WaterfallSpan::from_span_data(&data[0], Some("checkout"));
    /// assert_eq!((span.name.as_str(), span.service.as_deref()), ("work", Some("checkout")));
    /// ```
    pub fn from_span_data(span: &SpanData, service: Option<&str>) -> Self {
        WaterfallSpan {
            trace_id: span.span_context.trace_id(),
            span_id: span.span_context.span_id(),
            parent_span_id: span.parent_span_id,
            parent_is_remote: span.parent_span_is_remote,
            name: span.name.to_string(),
            kind: span.span_kind.clone(),
            status: span.status.clone(),
            start_unix_nanos: unix_nanos(span.start_time),
            end_unix_nanos: unix_nanos(span.end_time),
            service: service.map(str::to_owned),
            attributes: span.attributes.clone(),
        }
    }

    /// True when the span is the root of its process's part of the trace: it has no
    /// parent, or its parent came from another process.
    pub fn is_local_root(&self) -> bool {
        self.parent_span_id == SpanId::INVALID || self.parent_is_remote
    }

    pub(crate) fn duration_nanos(&self) -> u64 {
        self.end_unix_nanos.saturating_sub(self.start_unix_nanos)
    }
}

/// Nanoseconds since the epoch; a time before it (a clock gone wrong) is the epoch.
fn unix_nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}
