//! The span processor: `on_end` offers each sampled span to the bounded queue
//! ([`QueueProcessor`]); a worker thread exports batches when a batch is full, a
//! schedule delay after its last export, and on flush and shutdown.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

use super::queue_processor::QueueProcessor;
use super::settings::BatchSettings;
use super::signal::Spans;
use super::stats::SpanQueueStats;

/// A batching span processor with a bounded queue and counted drops; see the
/// [module docs](super).
///
/// ```
/// use std::time::Duration;
///
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
///
/// let settings = BatchSettings {
///     max_queue_size: 8192,
///     schedule_delay: Duration::from_secs(1),
///     ..BatchSettings::SPAN_DEFAULTS
/// };
/// let processor = SpanQueueProcessor::new(InMemorySpanExporter::default(), settings);
/// assert_eq!(processor.stats().capacity(), 8192);
/// let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
/// # drop(provider);
/// ```
#[derive(Debug)]
pub struct SpanQueueProcessor(QueueProcessor<Spans>);

impl SpanQueueProcessor {
    /// Starts the worker thread that owns `exporter`.
    pub fn new<E: SpanExporter + 'static>(exporter: E, settings: BatchSettings) -> Self {
        SpanQueueProcessor(QueueProcessor::new(exporter, settings))
    }

    /// The processor's counters, shared: keep the `Arc` to read them later.
    pub fn stats(&self) -> Arc<SpanQueueStats> {
        self.0.stats()
    }
}

impl SpanProcessor for SpanQueueProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if span.span_context.is_sampled() {
            self.0.offer(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.0.set_resource(resource);
    }
}
