//! [`TransformingSpanProcessor`]: a span processor that changes each ended span with a
//! [`SpanTransform`] (a [`Redactor`](crate::redaction::Redactor), a
//! [`ValueLengthLimit`](crate::value_length::ValueLengthLimit), or one's own), then hands
//! it to the processor it wraps.

use std::fmt;
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

/// What a [`TransformingSpanProcessor`] does to each ended span, and to each starting one
/// if it has an [`on_start`](Self::on_start). It runs on the thread that starts or ends
/// the span: no lock, no I/O, never blocking.
///
/// ```
/// use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor, SpanData};
/// use otel_kit_processors::{SpanTransform, TransformingSpanProcessor};
///
/// #[derive(Debug)]
/// struct NoEvents;
///
/// impl SpanTransform for NoEvents {
///     fn transform(&self, span: &mut SpanData) {
///         span.events.events.clear();
///     }
/// }
///
/// let exporter = InMemorySpanExporter::default();
/// let processor = TransformingSpanProcessor::new(SimpleSpanProcessor::new(exporter.clone()), NoEvents);
/// let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
/// provider.tracer("demo").in_span("work", |cx| cx.span().add_event("noise", vec![]));
/// assert!(exporter.get_finished_spans()?[0].events.events.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SpanTransform: fmt::Debug + Send + Sync {
    /// Changes a starting `span`, whose parent context is `cx`, before the inner
    /// processor sees it; nothing by default.
    fn on_start(&self, span: &mut Span, cx: &Context) {
        let _ = (span, cx);
    }

    /// Changes `span` in place.
    fn transform(&self, span: &mut SpanData);
}

/// Applies `T` to each ended span (and each starting one), then hands it to the inner
/// processor `P` (the batch processor, so the export queue never holds an untransformed
/// span). Everything else is passed through to `P`.
/// [`RedactingSpanProcessor`](crate::redaction::RedactingSpanProcessor) and
/// [`TruncatingSpanProcessor`](crate::value_length::TruncatingSpanProcessor) are this
/// processor with the crate's transforms, and so is
/// [`BaggageSpanProcessor`](crate::baggage::BaggageSpanProcessor).
#[derive(Debug)]
pub struct TransformingSpanProcessor<T, P> {
    inner: P,
    transform: T,
}

impl<T: SpanTransform, P: SpanProcessor> TransformingSpanProcessor<T, P> {
    /// Wraps `inner`.
    pub fn new(inner: P, transform: T) -> Self {
        TransformingSpanProcessor { inner, transform }
    }
}

impl<T: SpanTransform, P: SpanProcessor> SpanProcessor for TransformingSpanProcessor<T, P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.transform.on_start(span, cx);
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        self.transform.transform(&mut span);
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
