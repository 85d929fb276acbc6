//! [`NoopSpanProcessor`]: spans are built, recorded and ended, then dropped.

use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

/// A span processor that does nothing with the spans it is given: the SDK still builds,
/// records and ends each one, so a benchmark over it measures what instrumentation costs
/// on the request path, without any export.
///
/// ```
/// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_testing::NoopSpanProcessor;
///
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(NoopSpanProcessor)
///     .build();
/// provider.tracer("bench").in_span("work", |_| {});
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopSpanProcessor;

impl SpanProcessor for NoopSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, _span: SpanData) {}

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}
