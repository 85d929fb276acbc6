//! [`WaterfallSpanProcessor`]: the waterfall exporter fed span by span, with the
//! provider's `force_flush` passed on.

use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter as _, SpanProcessor};

use super::exporter::WaterfallSpanExporter;

/// Hands each sampled span to a [`WaterfallSpanExporter`] as it ends, on the thread
/// that ended it, as the SDK's simple processor does; unlike that one, the provider's
/// `force_flush` prints the traces still waiting for their root, marked `INCOMPLETE`.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_console::{WaterfallSpanExporter, WaterfallSpanProcessor};
///
/// let out = Arc::new(Mutex::new(Vec::<u8>::new()));
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(WaterfallSpanProcessor::new(WaterfallSpanExporter::new(out.clone())))
///     .build();
/// let tracer = provider.tracer("demo");
/// let cx = opentelemetry::Context::current_with_span(tracer.start("still running"));
/// drop(tracer.start_with_context("done", &cx));
/// provider.force_flush().unwrap();
/// let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// assert!(text.lines().next().unwrap().ends_with("INCOMPLETE: printed at flush before its root ended"));
/// ```
#[derive(Debug)]
pub struct WaterfallSpanProcessor {
    exporter: WaterfallSpanExporter,
}

impl WaterfallSpanProcessor {
    /// Feeds `exporter`.
    #[must_use]
    pub fn new(exporter: WaterfallSpanExporter) -> Self {
        Self { exporter }
    }
}

impl SpanProcessor for WaterfallSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if !span.span_context.is_sampled() {
            return;
        }
        // A failed write (a full disk) is the exporter's to report; telemetry never
        // fails the code that ended the span.
        let _ = self.exporter.accept(std::slice::from_ref(&span));
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.exporter.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.exporter.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.exporter.set_resource(resource);
    }
}
