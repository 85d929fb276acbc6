//! The span processor that applies a [`ValueLengthLimit`] before export.

use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use super::ValueLengthLimit;

/// Cuts the string values of each ended span's attributes, its events' and its links'
/// to the limit, then hands the span to the inner processor. Runs on the thread that
/// ends the span; allocates only for a value it cuts.
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_otlp::value_length::{TruncatingSpanProcessor, ValueLengthLimit};
///
/// let exporter = InMemorySpanExporter::default();
/// let limit = ValueLengthLimit::new(Some(8));
/// let processor = TruncatingSpanProcessor::new(SimpleSpanProcessor::new(exporter.clone()), limit.clone());
/// let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
/// let mut span = provider.tracer("demo").start("query");
/// span.set_attribute(KeyValue::new("db.query.text", "SELECT * FROM orders"));
/// span.add_event("retry", vec![KeyValue::new("reason", "connection reset")]);
/// span.end();
/// let spans = exporter.get_finished_spans()?;
/// assert_eq!(spans[0].attributes[0].value.as_str(), "SELECT *");
/// assert_eq!(spans[0].events.events[0].attributes[0].value.as_str(), "connecti");
/// assert_eq!(limit.truncated(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct TruncatingSpanProcessor<P> {
    inner: P,
    limit: ValueLengthLimit,
}

impl<P: SpanProcessor> TruncatingSpanProcessor<P> {
    /// Wraps `inner`.
    pub fn new(inner: P, limit: ValueLengthLimit) -> Self {
        TruncatingSpanProcessor { inner, limit }
    }
}

impl<P: SpanProcessor> SpanProcessor for TruncatingSpanProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        if self.limit.max_chars().is_some() {
            self.limit.apply(&mut span.attributes);
            for event in span.events.events.iter_mut() {
                self.limit.apply(&mut event.attributes);
            }
            for link in span.links.links.iter_mut() {
                self.limit.apply(&mut link.attributes);
            }
        }
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
