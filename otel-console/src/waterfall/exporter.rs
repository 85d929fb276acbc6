//! `OTEL_KIT_CONSOLE_FORMAT=waterfall`: each finished trace printed as a waterfall when
//! its local root span ends.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::pending::{Limits, Pending, Ready};
use super::render::Waterfall;
use super::span::WaterfallSpan;
use crate::format::service_name;
use crate::writer::{SharedWriter, Sink};

/// Prints each trace as a [`Waterfall`] when its local root span ends (a span with no
/// parent, or whose parent came from another process): the spans that ended under it
/// are kept until then.
///
/// Install it with [`WaterfallSpanProcessor`](crate::WaterfallSpanProcessor), which
/// passes the provider's `force_flush` on to it; behind the SDK's [simple span
/// processor](opentelemetry_sdk::trace::SimpleSpanProcessor) it works too, but that
/// processor's `force_flush` does nothing, so waiting traces print only at shutdown.
/// What it keeps is bounded, and nothing is dropped without saying so:
///
/// | case | what is printed |
/// | --- | --- |
/// | the local root ends | the root and every kept span below it, at once |
/// | a trace has more spans than [`with_max_spans_per_trace`](Self::with_max_spans_per_trace) (default 1000) | the first ones; the header says how many were dropped |
/// | more spans wait than [`with_max_pending_spans`](Self::with_max_pending_spans) (default 10 000) | the oldest trace, now, marked `INCOMPLETE` |
/// | a span ends after its trace was printed (a task that outlived its request) | that span (and what waited below it), marked `LATE` |
/// | `force_flush` or `shutdown` | every waiting trace, marked `INCOMPLETE` |
///
/// Exports after [`shutdown`](SpanExporter::shutdown) fail with `AlreadyShutdown` and
/// print nothing.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_console::{WaterfallSpanExporter, WaterfallSpanProcessor};
///
/// let out = Arc::new(Mutex::new(Vec::<u8>::new()));
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(WaterfallSpanProcessor::new(WaterfallSpanExporter::new(out.clone())))
///     .build();
/// let tracer = provider.tracer("demo");
/// tracer.in_span("checkout", |_| tracer.in_span("charge card", |_| {}));
///
/// let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// let lines: Vec<&str> = text.lines().collect();
/// assert!(lines[0].starts_with("trace ") && lines[0].contains(": 2 spans, 1 service, "));
/// assert!(lines[2].starts_with("checkout "));
/// assert!(lines[3].starts_with("  charge card "));
/// ```
#[derive(Debug)]
pub struct WaterfallSpanExporter {
    sink: Sink,
    service: String,
    waterfall: Waterfall,
    limits: Limits,
    pending: Mutex<Pending>,
}

impl WaterfallSpanExporter {
    /// Writes to standard output; what otel-kit-init installs for
    /// `OTEL_TRACES_EXPORTER=console` with `OTEL_KIT_CONSOLE_FORMAT=waterfall`.
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_console::{WaterfallSpanExporter, WaterfallSpanProcessor};
    ///
    /// let provider = SdkTracerProvider::builder()
    ///     .with_span_processor(WaterfallSpanProcessor::new(WaterfallSpanExporter::stdout()))
    ///     .build();
    /// # provider.shutdown().unwrap();
    /// ```
    #[must_use]
    pub fn stdout() -> Self {
        Self::with_sink(Sink::stdout())
    }

    /// Writes to `writer`, for capturing the output or sending it somewhere else.
    #[must_use]
    pub fn new(writer: SharedWriter) -> Self {
        Self::with_sink(Sink::new(writer))
    }

    fn with_sink(sink: Sink) -> Self {
        Self {
            sink,
            service: service_name(None),
            waterfall: Waterfall::new(),
            limits: Limits {
                spans_per_trace: 1000,
                pending_spans: 10_000,
            },
            pending: Mutex::new(Pending::default()),
        }
    }

    /// Renders with this [`Waterfall`] (for its extra key attributes).
    ///
    /// ```
    /// use otel_kit_console::{Waterfall, WaterfallSpanExporter};
    ///
    /// let exporter = WaterfallSpanExporter::stdout()
    ///     .with_waterfall(Waterfall::new().with_key_attribute("shop.cache.hit"));
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn with_waterfall(mut self, waterfall: Waterfall) -> Self {
        self.waterfall = waterfall;
        self
    }

    /// The most spans kept for one trace (at least 1); later ones are counted and
    /// dropped.
    ///
    /// ```
    /// let exporter = otel_kit_console::WaterfallSpanExporter::stdout().with_max_spans_per_trace(200);
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn with_max_spans_per_trace(mut self, max: usize) -> Self {
        self.limits.spans_per_trace = max.max(1);
        self.limits.pending_spans = self.limits.pending_spans.max(self.limits.spans_per_trace);
        self
    }

    /// The most spans kept in all while their roots have not ended (at least the
    /// per-trace limit); past it the oldest trace is printed, incomplete.
    ///
    /// ```
    /// let exporter = otel_kit_console::WaterfallSpanExporter::stdout().with_max_pending_spans(50_000);
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn with_max_pending_spans(mut self, max: usize) -> Self {
        self.limits.pending_spans = max.max(self.limits.spans_per_trace);
        self
    }

    fn print(&self, ready: Vec<Ready>) -> OTelSdkResult {
        let mut out = String::new();
        for group in &ready {
            let spans: Vec<&WaterfallSpan> = group.spans.iter().collect();
            self.waterfall.render_trace(&spans, &group.note, &mut out);
            // A blank line between traces: each reads as one block.
            out.push('\n');
        }
        self.sink.write(&out)
    }

    /// Takes finished spans; prints the traces they complete.
    pub(crate) fn accept(&self, batch: &[SpanData]) -> OTelSdkResult {
        self.sink.ensure_open()?;
        let mut ready = Vec::new();
        {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            for data in batch {
                let mut span = WaterfallSpan::from_span_data(data, Some(&self.service));
                self.waterfall.keep_key_attributes(&mut span);
                pending.push(span, self.limits, &mut ready);
            }
        }
        self.print(ready)
    }

    pub(crate) fn drain(&self, why: &str) -> OTelSdkResult {
        let mut ready = Vec::new();
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(self.limits, why, &mut ready);
        self.print(ready)
    }
}

impl SpanExporter for WaterfallSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.accept(&batch)
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.sink.ensure_open()?;
        let printed = self.drain("printed at shutdown before its root ended");
        self.sink.shutdown().and(printed)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.sink.ensure_open()?;
        self.drain("printed at flush before its root ended")?;
        self.sink.flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.service = service_name(Some(resource));
    }
}
