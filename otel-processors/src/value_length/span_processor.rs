//! The span processor that applies a [`ValueLengthLimit`] before export.

use opentelemetry_sdk::trace::SpanData;

use super::limit::ValueLengthLimit;
use crate::span_transform::{SpanTransform, TransformingSpanProcessor};

/// Cuts the string values of each ended span's attributes, its events' and its links'
/// to the limit, then hands the span to the inner processor. Runs on the thread that
/// ends the span; allocates only for a value it cuts.
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_processors::value_length::{TruncatingSpanProcessor, ValueLengthLimit};
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
pub type TruncatingSpanProcessor<P> = TransformingSpanProcessor<ValueLengthLimit, P>;

impl SpanTransform for ValueLengthLimit {
    fn transform(&self, span: &mut SpanData) {
        if self.max_chars().is_some() {
            self.apply(&mut span.attributes);
            for event in span.events.events.iter_mut() {
                self.apply(&mut event.attributes);
            }
            for link in span.links.links.iter_mut() {
                self.apply(&mut link.attributes);
            }
        }
    }
}
