//! The half of a batch processor the application's threads call: it offers each item
//! to the bounded queue, wakes the worker for a full batch, counts and reports drops,
//! and sends flush, shutdown and the resource to the worker. The span and the log
//! processors are this, behind the SDK's two processor traits.
//!
//! The worker is not woken per item: it sleeps until the schedule delay is up, and an
//! item wakes it only when it completes a batch. Waking a sleeping thread costs a
//! system call and a context switch (microseconds of CPU); per span, that was the
//! largest cost of a traced request under load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Sender, bounded, unbounded};
use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

use super::queue::{BatchQueue, Pushed};
use super::settings::BatchSettings;
use super::signal::{BatchExporter, BatchedSignal};
use super::stats::QueueStats;
use super::worker::{Control, Worker};
use otel_kit_core::__private::report_gate::ReportGate;

#[derive(Debug)]
pub(super) struct QueueProcessor<S: BatchedSignal> {
    queue: Arc<BatchQueue<S>>,
    /// Holds at most one pending wake-up: while one is pending, more cost nothing.
    wake: Sender<()>,
    /// Every item wakes the worker (a zero schedule delay: export at once), not only
    /// one that completes a batch.
    wake_per_item: bool,
    control: Sender<Control>,
    stats: Arc<QueueStats<S>>,
    worker: Mutex<Option<JoinHandle<()>>>,
    shut_down: AtomicBool,
    drop_warnings: ReportGate,
    share_warnings: ReportGate,
    flush_timeout: Duration,
}

impl<S: BatchedSignal> QueueProcessor<S> {
    /// Starts the worker thread that owns `exporter`.
    pub(super) fn new<E: BatchExporter<S>>(exporter: E, settings: BatchSettings) -> Self {
        let capacity = settings.max_queue_size.max(1);
        let (control, control_rx) = unbounded();
        let (wake, wake_rx) = bounded(1);
        let stats = Arc::new(QueueStats::default());
        stats.capacity.store(capacity as u64, Ordering::Relaxed);
        let max_batch = settings.max_export_batch_size.clamp(1, capacity);
        let max_per_trace = BatchSettings {
            max_queue_size: capacity,
            ..settings
        }
        .max_spans_per_trace();
        let queue = Arc::new(BatchQueue::new(capacity, max_batch, max_per_trace));
        let worker = Worker {
            exporter,
            queue: Arc::clone(&queue),
            wake: wake_rx,
            control: control_rx,
            stats: Arc::clone(&stats),
            delay: settings.schedule_delay,
            failures_unlogged: 0,
            failure_reports: ReportGate::new(),
        };
        let handle = std::thread::Builder::new()
            .name(S::THREAD.to_owned())
            .spawn(move || worker.run())
            .map_err(|e| {
                tracing::error!(
                    target: "otel_kit_otlp",
                    "the {} export thread could not start ({e}); {}s will be dropped",
                    S::ITEM,
                    S::ITEM
                )
            })
            .ok();
        QueueProcessor {
            queue,
            wake,
            wake_per_item: settings.schedule_delay.is_zero(),
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

    pub(super) fn stats(&self) -> Arc<QueueStats<S>> {
        Arc::clone(&self.stats)
    }

    /// Queues `item`, or drops and counts it; never waits.
    #[inline]
    pub(super) fn offer(&self, item: S::Item) {
        self.stats.ended.fetch_add(1, Ordering::Relaxed);
        match self.queue.push(item, &self.stats.queued) {
            Pushed::Queued { batch_full } => {
                if batch_full || self.wake_per_item {
                    // The worker is asleep, or a wake-up is already pending.
                    let _ = self.wake.try_send(());
                }
            }
            Pushed::Dropped => self.note_drop(),
            Pushed::OverTraceShare(trace) => self.note_over_share(trace),
        }
    }

    fn note_drop(&self) {
        let dropped = self.stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        // One thread wins the right to log; the others keep going without waiting.
        if self.drop_warnings.pass() {
            tracing::warn!(
                target: "otel_kit_otlp",
                "the {item} export queue is full ({} {item}s): {item}s are being dropped, {dropped} so far; \
                 the collector is slow or unreachable, or the queue size ({} with otel-kit-init) is too small",
                self.stats.capacity(),
                S::QUEUE_SIZE_VARIABLE,
                item = S::ITEM,
            );
        }
    }

    fn note_over_share(&self, trace_id: TraceId) {
        let dropped = self.stats.over_trace_share.fetch_add(1, Ordering::Relaxed) + 1;
        if self.share_warnings.pass() {
            tracing::warn!(
                target: "otel_kit_otlp",
                "trace {} holds its share of the {item} export queue: its further {item}s are being dropped, \
                 {dropped} so far; one request is making {item}s faster than they are exported \
                 (the share is {})",
                trace_id,
                S::TRACE_SHARE_SETTING,
                item = S::ITEM,
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

    pub(super) fn force_flush(&self) -> OTelSdkResult {
        if self.shut_down.load(Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        self.request(Control::Flush, self.flush_timeout)
    }

    pub(super) fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
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
    /// calls this while it is built, before any item exists, so no batch can go out
    /// without its `service.name`.
    pub(super) fn set_resource(&self, resource: &Resource) {
        let resource = resource.clone();
        let _ = self.request(|tx| Control::SetResource(resource, tx), Duration::from_secs(1));
    }
}
