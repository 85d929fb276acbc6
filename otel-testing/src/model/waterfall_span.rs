//! A [`SpanRecord`] as the waterfall draws it: the bridge to otel-kit-console's renderer.

use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry::{Array, KeyValue, StringValue, Value};
use opentelemetry_proto::tonic::trace::v1::SpanFlags;
use otel_kit_console::WaterfallSpan;
use otel_kit_semconv::resource::SERVICE_NAME;

use super::span::SpanRecord;
use super::value::AttributeValue;

impl SpanRecord {
    /// This span as [`Waterfall`](otel_kit_console::Waterfall) draws it: ids parsed
    /// from hex (an id that is not hex becomes the invalid id), the `service.name` of
    /// its resource, and its attributes (bytes, maps and empty values as text).
    ///
    /// ```
    /// use opentelemetry::trace::Tracer as _;
    /// use otel_kit_testing::{TestTelemetry, Waterfall};
    ///
    /// let t = TestTelemetry::new();
    /// t.tracer("demo").in_span("checkout", |_| {});
    /// let spans: Vec<_> = t.spans().iter().map(|s| s.waterfall_span()).collect();
    /// let text = Waterfall::new().render(&spans);
    /// assert!(text.lines().nth(2).unwrap().starts_with("checkout "));
    /// ```
    pub fn waterfall_span(&self) -> WaterfallSpan {
        let remote_known = self.flags & SpanFlags::ContextHasIsRemoteMask as u32 != 0;
        WaterfallSpan {
            trace_id: TraceId::from_hex(&self.trace_id).unwrap_or(TraceId::INVALID),
            span_id: SpanId::from_hex(&self.span_id).unwrap_or(SpanId::INVALID),
            parent_span_id: self
                .parent_span_id
                .as_deref()
                .and_then(|p| SpanId::from_hex(p).ok())
                .unwrap_or(SpanId::INVALID),
            parent_is_remote: remote_known && self.flags & SpanFlags::ContextIsRemoteMask as u32 != 0,
            name: self.name.clone(),
            kind: self.kind.clone(),
            status: self.status.clone(),
            start_unix_nanos: self.start_time_unix_nano,
            end_unix_nanos: self.end_time_unix_nano,
            service: self
                .resource_attribute(SERVICE_NAME)
                .and_then(AttributeValue::as_str)
                .map(str::to_owned),
            attributes: self
                .attributes
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), otel_value(v)))
                .collect(),
        }
    }
}

/// The API's value for an OTLP one; what the API has no type for shows as text.
fn otel_value(v: &AttributeValue) -> Value {
    match v {
        AttributeValue::String(s) => Value::from(s.clone()),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Int(i) => Value::I64(*i),
        AttributeValue::Double(d) => Value::F64(*d),
        AttributeValue::Array(items) if items.iter().all(|i| matches!(i, AttributeValue::String(_))) => {
            Value::Array(Array::String(
                items
                    .iter()
                    .filter_map(AttributeValue::as_str)
                    .map(|s| StringValue::from(s.to_owned()))
                    .collect(),
            ))
        }
        AttributeValue::Array(items) if items.iter().all(|i| matches!(i, AttributeValue::Int(_))) => {
            Value::Array(Array::I64(
                items.iter().filter_map(AttributeValue::as_i64).collect(),
            ))
        }
        other => Value::from(other.to_string()),
    }
}
