//! The processor: `on_end` offers each span to a bounded queue; a worker thread exports
//! batches every schedule delay, when a batch is full, and on flush and shutdown.
//!
//! The worker is not woken per span: it sleeps until the schedule delay is up, and
//! `on_end` wakes it only when a full batch is waiting. Waking a sleeping thread costs
//! a system call and a context switch (microseconds of CPU); per span, that was the
//! largest cost of a traced request under load. The queue holds the spans as the
//! batches the exporter is handed ([`SpanQueue`]), so a span is moved once on its way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, select, unbounded};
use opentelemetry::Context;
use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

use super::block_on::block_on;
use super::settings::BatchSettings;
use super::span_queue::{Pushed, SpanQueue};
use super::stats::SpanQueueStats;
use otel_kit_core::report_gate::ReportGate;

/// How long the worker of a zero-delay processor sleeps when nothing wakes it.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

enum Control {
    Flush(Sender<OTelSdkResult>),
    Shutdown(Duration, Sender<OTelSdkResult>),
    SetResource(Resource, Sender<OTelSdkResult>),
}

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
pub struct SpanQueueProcessor {
    spans: Arc<SpanQueue>,
    /// Holds at most one pending wake-up: while one is pending, more cost nothing.
    wake: Sender<()>,
    /// Every span wakes the worker (a zero schedule delay: export at once), not only
    /// one that completes a batch.
    wake_per_span: bool,
    control: Sender<Control>,
    stats: Arc<SpanQueueStats>,
    worker: Mutex<Option<JoinHandle<()>>>,
    shut_down: AtomicBool,
    drop_warnings: ReportGate,
    share_warnings: ReportGate,
    flush_timeout: Duration,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Control::Flush(_) => "Flush",
            Control::Shutdown(..) => "Shutdown",
            Control::SetResource(..) => "SetResource",
        })
    }
}

impl SpanQueueProcessor {
    /// Starts the worker thread that owns `exporter`.
    pub fn new<E: SpanExporter + 'static>(exporter: E, settings: BatchSettings) -> Self {
        let capacity = settings.max_queue_size.max(1);
        let (control, control_rx) = unbounded();
        let (wake, wake_rx) = bounded(1);
        let stats = Arc::new(SpanQueueStats::default());
        stats.capacity.store(capacity as u64, Ordering::Relaxed);
        let max_batch = settings.max_export_batch_size.clamp(1, capacity);
        let max_per_trace = BatchSettings {
            max_queue_size: capacity,
            ..settings
        }
        .max_spans_per_trace();
        let spans = Arc::new(SpanQueue::new(capacity, max_batch, max_per_trace));
        let worker = Worker {
            exporter,
            spans: Arc::clone(&spans),
            wake: wake_rx,
            control: control_rx,
            stats: Arc::clone(&stats),
            delay: settings.schedule_delay,
            failures_unlogged: 0,
            failure_reports: ReportGate::new(),
        };
        let handle = std::thread::Builder::new()
            .name("otel-span-batch".to_owned())
            .spawn(move || worker.run())
            .map_err(|e| tracing::error!(target: "otel_kit_otlp", "the span export thread could not start ({e}); spans will be dropped"))
            .ok();
        SpanQueueProcessor {
            spans,
            wake,
            wake_per_span: settings.schedule_delay.is_zero(),
            control,
            stats,
            worker: Mutex::new(handle),
            shut_down: AtomicBool::new(false),
            drop_warnings: ReportGate::new(),
            share_warnings: ReportGate::new(),
            // A flush waits for at most one export of everything queued.
            flush_timeout: settings.export_timeout.max(Duration::from_secs(1)),
        }
    }

    /// The processor's counters, shared: keep the `Arc` to read them later.
    pub fn stats(&self) -> Arc<SpanQueueStats> {
        Arc::clone(&self.stats)
    }

    fn note_drop(&self) {
        let dropped = self.stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        // One thread wins the right to log; the others keep going without waiting.
        if self.drop_warnings.pass() {
            tracing::warn!(
                target: "otel_kit_otlp",
                "the span export queue is full ({} spans): spans are being dropped, {dropped} so far; \
                 the collector is slow or unreachable, or the queue size (OTEL_BSP_MAX_QUEUE_SIZE with otel-kit-init) is too small",
                self.stats.capacity()
            );
        }
    }

    fn note_over_share(&self, trace_id: TraceId) {
        let dropped = self.stats.over_trace_share.fetch_add(1, Ordering::Relaxed) + 1;
        if self.share_warnings.pass() {
            tracing::warn!(
                target: "otel_kit_otlp",
                "trace {} holds its share of the span export queue: its further spans are being dropped, \
                 {dropped} so far; one request is making spans faster than they are exported \
                 (the share is OTEL_KIT_BSP_MAX_TRACE_SHARE with otel-kit-init)",
                trace_id
            );
        }
    }

    fn request(&self, make: impl FnOnce(Sender<OTelSdkResult>) -> Control, wait: Duration) -> OTelSdkResult {
        let (tx, rx) = bounded(1);
        self.control
            .send(make(tx))
            .map_err(|_| OTelSdkError::AlreadyShutdown)?;
        match rx.recv_timeout(wait) {
            Ok(result) => result,
            Err(_) => Err(OTelSdkError::Timeout(wait)),
        }
    }
}

impl SpanProcessor for SpanQueueProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if !span.span_context.is_sampled() {
            return;
        }
        self.stats.ended.fetch_add(1, Ordering::Relaxed);
        // Kept for the warning: the span itself moves into the queue.
        let trace_id = span.span_context.trace_id();
        match self.spans.push(span, &self.stats.queued) {
            Pushed::Queued { batch_full } => {
                if batch_full || self.wake_per_span {
                    // The worker is asleep, or a wake-up is already pending.
                    let _ = self.wake.try_send(());
                }
            }
            Pushed::Dropped => self.note_drop(),
            Pushed::OverTraceShare => self.note_over_share(trace_id),
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        if self.shut_down.load(Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        self.request(Control::Flush, self.flush_timeout)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        if self.shut_down.swap(true, Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        let result = self.request(|tx| Control::Shutdown(timeout, tx), timeout);
        if result.is_ok()
            && let Some(handle) = self.worker.lock().unwrap_or_else(PoisonError::into_inner).take()
        {
            let _ = handle.join();
        }
        result
    }

    /// Waits until the worker has handed the resource to the exporter: the provider
    /// calls this while it is built, before any span exists, so no batch can go out
    /// without its `service.name`.
    fn set_resource(&mut self, resource: &Resource) {
        let resource = resource.clone();
        let _ = self.request(|tx| Control::SetResource(resource, tx), Duration::from_secs(1));
    }
}

struct Worker<E> {
    exporter: E,
    spans: Arc<SpanQueue>,
    wake: Receiver<()>,
    control: Receiver<Control>,
    stats: Arc<SpanQueueStats>,
    delay: Duration,
    failures_unlogged: u64,
    failure_reports: ReportGate,
}

impl<E: SpanExporter> Worker<E> {
    fn run(mut self) {
        let mut next = Instant::now() + self.delay;
        loop {
            // With a schedule delay of 0 every span wakes the worker, which otherwise
            // sleeps: a zero wait would spin a core.
            let wait = if self.delay.is_zero() {
                IDLE_WAIT
            } else {
                next.saturating_duration_since(Instant::now())
            };
            select! {
                recv(self.wake) -> woken => {
                    if woken.is_err() {
                        return;
                    }
                    // Full batches now; a remainder waits for the schedule (or, with a
                    // zero delay, goes at once). Failures are counted and logged inside
                    // `export`.
                    while let Some(batch) = self.spans.take(false, &self.stats.queued) {
                        let _ = self.export(batch);
                    }
                    if self.delay.is_zero() {
                        let _ = self.drain();
                    }
                }
                recv(self.control) -> message => match message {
                    Ok(Control::Flush(reply)) => {
                        let result = self.drain();
                        let _ = reply.send(result);
                        next = Instant::now() + self.delay;
                    }
                    Ok(Control::Shutdown(timeout, reply)) => {
                        let started = Instant::now();
                        let mut result = self.drain();
                        let left = timeout.saturating_sub(started.elapsed());
                        if let Err(e) = self.exporter.shutdown_with_timeout(left) {
                            result = result.and(Err(e));
                        }
                        let _ = reply.send(result);
                        return;
                    }
                    Ok(Control::SetResource(resource, done)) => {
                        self.exporter.set_resource(&resource);
                        let _ = done.send(Ok(()));
                    }
                    Err(_) => return,
                },
                default(wait) => {
                    let _ = self.drain();
                    next = Instant::now() + self.delay;
                }
            }
        }
    }

    /// Exports everything queued now, a batch at a time: at most one batch is out of
    /// the queue (and off its bound) while the exporter works on it.
    fn drain(&mut self) -> OTelSdkResult {
        let mut result = Ok(());
        while let Some(batch) = self.spans.take(true, &self.stats.queued) {
            if let Err(e) = self.export(batch) {
                result = Err(e);
            }
        }
        result
    }

    fn export(&mut self, batch: Vec<SpanData>) -> OTelSdkResult {
        let count = batch.len() as u64;
        // Processed as the export is invoked, whatever comes of it (semconv 1.44).
        self.stats.submitted.fetch_add(count, Ordering::Relaxed);
        let result = block_on(self.exporter.export(batch));
        match &result {
            Ok(()) => {
                self.stats.exported.fetch_add(count, Ordering::Relaxed);
            }
            Err(e) => {
                self.stats.failed.fetch_add(count, Ordering::Relaxed);
                self.failures_unlogged += 1;
                if self.failure_reports.pass() {
                    tracing::warn!(
                        target: "otel_kit_otlp",
                        "span export failed ({} failed exports since the last report, {} spans lost in all): {e}",
                        self.failures_unlogged,
                        self.stats.failed()
                    );
                    self.failures_unlogged = 0;
                }
            }
        }
        result
    }
}

impl<E> Drop for Worker<E> {
    /// However the worker ends (shut down, its processor dropped, a panicking exporter,
    /// or a thread that never started), later spans are dropped and counted, as are any
    /// still queued: none waits for an export that will not come.
    fn drop(&mut self) {
        let left = self.spans.close(&self.stats.queued);
        self.stats.dropped.fetch_add(left as u64, Ordering::Relaxed);
    }
}
