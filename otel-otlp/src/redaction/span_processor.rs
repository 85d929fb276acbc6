//! The span processor that applies a [`Redactor`] before export.

use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use super::Redactor;

/// Redacts each ended span, then hands it to the inner processor (the batch processor,
/// so the export queue never holds an unredacted span). Runs on the thread that ends the
/// span: no lock, no I/O, never blocks.
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_otlp::redaction::{Redaction, RedactingSpanProcessor};
///
/// let exporter = InMemorySpanExporter::default();
/// let processor = RedactingSpanProcessor::new(
///     SimpleSpanProcessor::new(exporter.clone()),
///     Redaction::default().build()?,
/// );
/// let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
/// let mut span = provider.tracer("demo").start("login");
/// span.set_attribute(KeyValue::new("user.password", "hunter2"));
/// span.set_attribute(KeyValue::new("note", "paid with 4111-1111-1111-1111"));
/// span.end();
/// let spans = exporter.get_finished_spans()?;
/// assert_eq!(spans[0].attributes, [KeyValue::new("note", "paid with [REDACTED:card]")]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedactingSpanProcessor<P> {
    inner: P,
    redactor: Redactor,
}

impl<P: SpanProcessor> RedactingSpanProcessor<P> {
    /// Wraps `inner`.
    pub fn new(inner: P, redactor: Redactor) -> Self {
        RedactingSpanProcessor { inner, redactor }
    }
}

impl<P: SpanProcessor> SpanProcessor for RedactingSpanProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        self.redactor.redact_span(&mut span);
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
