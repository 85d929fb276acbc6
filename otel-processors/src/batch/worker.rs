//! The export worker: a thread that owns the exporter and exports the queue's batches
//! when woken for a full batch, a schedule delay after its last export, and on flush
//! and shutdown.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

use super::queue::BatchQueue;
use super::signal::{BatchExporter, BatchedSignal};
use super::stats::QueueStats;
use otel_kit_core::__private::report_gate::ReportGate;

/// How long the worker of a zero-delay processor sleeps when nothing wakes it.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

/// What the processor asks of its worker, each with the channel of the answer.
pub(super) enum Control {
    Flush(Sender<OTelSdkResult>),
    Shutdown(Duration, Sender<OTelSdkResult>),
    SetResource(Resource, Sender<OTelSdkResult>),
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

pub(super) struct Worker<S: BatchedSignal, E> {
    pub(super) exporter: E,
    pub(super) queue: Arc<BatchQueue<S>>,
    pub(super) wake: Receiver<()>,
    pub(super) control: Receiver<Control>,
    pub(super) stats: Arc<QueueStats<S>>,
    pub(super) delay: Duration,
    pub(super) failures_unlogged: u64,
    pub(super) failure_reports: ReportGate,
}

impl<S: BatchedSignal, E: BatchExporter<S>> Worker<S, E> {
    // Never inlined into the thread's closure: the profiles (perf/http-peers/profile)
    // find the export threads' work by this function's name.
    #[inline(never)]
    pub(super) fn run(mut self) {
        // What the exporter does here (its HTTP client's own events, say) must not make
        // more telemetry to export.
        let _suppressed = opentelemetry::Context::enter_telemetry_suppressed_scope();
        let mut next = Instant::now() + self.delay;
        loop {
            // With a schedule delay of 0 every item wakes the worker, which otherwise
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
                    // The full batches there are now; a remainder waits for the
                    // schedule (or, with a zero delay, goes at once), which restarts
                    // when an export starts, as the SDKs' processors restart theirs.
                    // Failures are counted and logged inside `export`.
                    let started = Instant::now();
                    let submitted = self.stats.submitted.load(Ordering::Relaxed);
                    let _ = self.export_queued(self.delay.is_zero());
                    if self.stats.submitted.load(Ordering::Relaxed) != submitted {
                        next = started + self.delay;
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
                        if let Err(e) = self.exporter.shutdown(left) {
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

    /// Exports everything queued now: see [`export_queued`](Self::export_queued).
    fn drain(&mut self) -> OTelSdkResult {
        self.export_queued(true)
    }

    /// Exports what is queued now, a batch at a time (with `partial`, the batch being
    /// filled too; else only full ones): at most one batch is out of the queue (and off
    /// its bound) while the exporter works on it. Items that arrive meanwhile wait for
    /// the next export, so that a flush, a shutdown or a wake-up under a steady stream
    /// of items ends.
    fn export_queued(&mut self, partial: bool) -> OTelSdkResult {
        let mut left = self.stats.queued.load(Ordering::Relaxed);
        let mut result = Ok(());
        while left > 0
            && let Some(batch) = self.queue.take(partial, &self.stats.queued)
        {
            left = left.saturating_sub(batch.len() as u64);
            if let Err(e) = self.export(batch) {
                result = Err(e);
            }
        }
        result
    }

    fn export(&mut self, batch: Vec<S::Item>) -> OTelSdkResult {
        let count = batch.len() as u64;
        // Processed as the export is invoked, whatever comes of it (semconv 1.44).
        self.stats.submitted.fetch_add(count, Ordering::Relaxed);
        // A panicking exporter fails its batch, counted and reported like any failure;
        // it does not end the thread, which would drop everything after it.
        let exporter = &mut self.exporter;
        let result = std::panic::catch_unwind(AssertUnwindSafe(move || exporter.export(batch)))
            .unwrap_or_else(|_| Err(OTelSdkError::InternalFailure("the exporter panicked".to_owned())));
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
                        "{} export failed ({} failed exports since the last report, {} {}s lost in all): {e}",
                        S::ITEM,
                        self.failures_unlogged,
                        self.stats.failed(),
                        S::ITEM,
                    );
                    self.failures_unlogged = 0;
                }
            }
        }
        result
    }
}

impl<S: BatchedSignal, E> Drop for Worker<S, E> {
    /// However the worker ends (shut down, its processor dropped, an exporter that
    /// panics in `shutdown`, or a thread that never started), later items are dropped and counted, as are any
    /// still queued: none waits for an export that will not come.
    fn drop(&mut self) {
        let left = self.queue.close(&self.stats.queued);
        self.stats.dropped.fetch_add(left as u64, Ordering::Relaxed);
    }
}
