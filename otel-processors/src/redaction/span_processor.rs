//! The span processor that applies a [`Redactor`] before export.

use opentelemetry_sdk::trace::SpanData;

use super::redactor::Redactor;
use crate::span_transform::{SpanTransform, TransformingSpanProcessor};

/// Redacts each ended span, then hands it to the inner processor (the batch processor,
/// so the export queue never holds an unredacted span). Runs on the thread that ends the
/// span: no lock, no I/O, never blocks.
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_processors::redaction::{Redaction, RedactingSpanProcessor};
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
pub type RedactingSpanProcessor<P> = TransformingSpanProcessor<Redactor, P>;

impl SpanTransform for Redactor {
    fn transform(&self, span: &mut SpanData) {
        self.redact_span(span);
    }
}
