//! `ExportTraceServiceRequest`, written from the SDK's `SpanData`.

use opentelemetry::trace::{Link, SpanId, SpanKind, Status};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SpanData;
use prost::encoding::WireType;

use super::attributes;
use super::request_frame::{RequestFrame, scope_message};
use super::scope_groups::{ScopeGroups, same_scope};
use super::time::nanos;
use super::wire;
use otel_kit_core::__private::trace_state_header;

// `Span.flags` and `Link.flags`: whether the parent (or the linked span) is remote is
// known, and whether it is.
const HAS_IS_REMOTE: u32 = 0x100;
const IS_REMOTE: u32 = 0x200;

/// Encodes batches of spans as OTLP `ExportTraceServiceRequest` protobuf bytes, written
/// straight from the SDK's `SpanData` (no intermediate proto structs), equal to what
/// opentelemetry-proto's transform and prost produce for the same batch, but for an
/// attribute whose key was set twice on a span that ended in error: the SDK keeps both,
/// OTLP wants keys unique, and the API says a second set overwrites, so it is written
/// once, with its last value ([`exported`](otel_kit_core::__private::repeated_keys::exported)).
///
/// The resource is encoded once, when the encoder is given it, and copied into each
/// request; each instrumentation scope is written once per request, followed by its
/// spans. The grouping's vectors are kept from one batch to the next, and the request
/// is written into a buffer the caller owns and passes again, so a steady exporter
/// allocates nothing per batch.
///
/// A value the encoder cannot represent (a variant the OpenTelemetry API adds after
/// 0.33) is never a panic: its attribute is left out and added to the dropped count of
/// the span, event, link or scope it belonged to, and counted in
/// [`dropped_values`](Self::dropped_values).
///
/// ```
/// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::Resource;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use otel_kit_otlp::otlp_encoding::TraceEncoder;
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder()
///     .with_simple_exporter(exporter.clone())
///     .build();
/// provider.tracer("checkout").in_span("charge", |_| {});
/// let spans = exporter.get_finished_spans()?;
///
/// let resource = Resource::builder_empty().with_service_name("shop").build();
/// let mut encoder = TraceEncoder::new(&resource);
/// let mut body = Vec::new();
/// encoder.encode(&spans, &mut body);
/// assert!(body.windows(6).any(|w| w == b"charge"));
/// // The next batch reuses the buffer's capacity.
/// encoder.encode(&spans, &mut body);
/// assert_eq!(encoder.dropped_values(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct TraceEncoder {
    frame: RequestFrame,
    groups: ScopeGroups,
}

impl TraceEncoder {
    /// An encoder for spans of `resource`.
    pub fn new(resource: &Resource) -> Self {
        TraceEncoder {
            frame: RequestFrame::new(resource),
            groups: ScopeGroups::default(),
        }
    }

    /// Replaces the resource the requests carry (the SDK hands it to the exporter once,
    /// when the provider is built).
    pub fn set_resource(&mut self, resource: &Resource) {
        self.frame.set_resource(resource);
    }

    /// Writes the `ExportTraceServiceRequest` for `spans` into `out`, replacing what it
    /// held and keeping its capacity.
    pub fn encode(&mut self, spans: &[SpanData], out: &mut Vec<u8>) {
        self.groups.assign(spans, |a, b| {
            same_scope(&a.instrumentation_scope, &b.instrumentation_scope)
        });
        let groups = &self.groups;
        self.frame.write(out, |out| {
            let mut dropped = 0;
            for (first, members) in groups.iter() {
                let scope = &spans[first].instrumentation_scope;
                dropped += scope_message(out, scope, scope.name(), |out| {
                    members.iter().map(|&i| span(out, &spans[i as usize])).sum()
                });
            }
            dropped
        });
    }

    /// How many attribute values, in all, had no OTLP form and were left out.
    pub fn dropped_values(&self) -> u64 {
        self.frame.dropped_values()
    }
}

/// One `ScopeSpans.spans` field. Returns how many attributes were left out.
fn span(out: &mut Vec<u8>, span: &SpanData) -> u32 {
    // Most spans take 128 bytes to 16 KiB.
    let nested = wire::begin(out, 2, 2);
    let context = &span.span_context;
    wire::bytes_always(out, 1, &context.trace_id().to_bytes());
    wire::bytes_always(out, 2, &context.span_id().to_bytes());
    trace_state(out, 3, context.trace_state());
    if span.parent_span_id != SpanId::INVALID {
        wire::bytes_always(out, 4, &span.parent_span_id.to_bytes());
    }
    wire::bytes(out, 5, span.name.as_bytes());
    wire::varint(out, 6, kind(&span.span_kind));
    wire::fixed64(out, 7, nanos(span.start_time));
    wire::fixed64(out, 8, nanos(span.end_time));
    // A key set twice on a span that ended in error (the SDK keeps both): its last
    // value, once.
    let span_attributes = otel_kit_core::__private::repeated_keys::exported(&span.status, &span.attributes);
    let mut left_out = attributes::attributes(out, 9, &span_attributes);
    wire::varint(
        out,
        10,
        u64::from(span.dropped_attributes_count.saturating_add(left_out)),
    );
    for event in span.events.iter() {
        let nested = wire::begin(out, 11, 1);
        wire::fixed64(out, 1, nanos(event.timestamp));
        wire::bytes(out, 2, event.name.as_bytes());
        let n = attributes::attributes(out, 3, &event.attributes);
        wire::varint(
            out,
            4,
            u64::from(event.dropped_attributes_count.saturating_add(n)),
        );
        wire::end(out, nested);
        left_out += n;
    }
    wire::varint(out, 12, u64::from(span.events.dropped_count));
    for l in span.links.iter() {
        left_out += link(out, l);
    }
    wire::varint(out, 14, u64::from(span.links.dropped_count));
    status(out, &span.status);
    let flags = u32::from(span.span_context.trace_flags().to_u8()) | remote_flags(span.parent_span_is_remote);
    wire::fixed32(out, 16, flags);
    wire::end(out, nested);
    left_out
}

/// One `Span.links` field. Returns how many attributes were left out.
fn link(out: &mut Vec<u8>, link: &Link) -> u32 {
    let nested = wire::begin(out, 13, 1);
    let context = &link.span_context;
    wire::bytes_always(out, 1, &context.trace_id().to_bytes());
    wire::bytes_always(out, 2, &context.span_id().to_bytes());
    trace_state(out, 3, context.trace_state());
    let left_out = attributes::attributes(out, 4, &link.attributes);
    wire::varint(
        out,
        5,
        u64::from(link.dropped_attributes_count.saturating_add(left_out)),
    );
    let flags = u32::from(context.trace_flags().to_u8()) | remote_flags(context.is_remote());
    wire::fixed32(out, 6, flags);
    wire::end(out, nested);
    left_out
}

/// The W3C `tracestate` header, written from the entries in place; nothing for an
/// empty state.
fn trace_state(out: &mut Vec<u8>, tag: u32, state: &opentelemetry::trace::TraceState) {
    let len = trace_state_header::len(state);
    if len > 0 {
        wire::put_key(out, tag, WireType::LengthDelimited);
        wire::put_varint(out, len as u64);
        trace_state_header::append(state, out);
    }
}

/// `Span.status`, always present (opentelemetry-proto sets it to `Some`), its length
/// known before it is written.
fn status(out: &mut Vec<u8>, status: &Status) {
    let (code, message) = match status {
        Status::Unset => (0, ""),
        Status::Ok => (1, ""),
        Status::Error { description } => (2, description.as_ref()),
    };
    let message_len = if message.is_empty() {
        0
    } else {
        wire::field_len(message.len())
    };
    let code_len = if code == 0 { 0 } else { 2 };
    wire::put_key(out, 15, WireType::LengthDelimited);
    wire::put_varint(out, (message_len + code_len) as u64);
    wire::bytes(out, 2, message.as_bytes());
    wire::varint(out, 3, code);
}

fn remote_flags(is_remote: bool) -> u32 {
    if is_remote {
        HAS_IS_REMOTE | IS_REMOTE
    } else {
        HAS_IS_REMOTE
    }
}

/// `Span.SpanKind`.
fn kind(kind: &SpanKind) -> u64 {
    match kind {
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}
