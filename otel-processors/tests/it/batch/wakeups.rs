//! The span worker is woken once per full batch, not once per span: waking a sleeping
//! thread is a system call and a context switch, microseconds of CPU per span; and its
//! schedule restarts with each export of full batches. The test
//! that counts the worker thread's wake-ups runs in its own process, so that thread is
//! the only one of its name.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};

use crate::support::own_process::ran_in_own_process;

/// Voluntary context switches of this process's thread named `name` (each one is the
/// thread going to sleep, so each wake-up adds one).
fn voluntary_switches(name: &str) -> Option<u64> {
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path();
        let comm = std::fs::read_to_string(path.join("comm")).ok()?;
        if comm.trim() == name {
            let status = std::fs::read_to_string(path.join("status")).ok()?;
            let line = status
                .lines()
                .find(|l| l.starts_with("voluntary_ctxt_switches:"))?;
            return line.split_whitespace().nth(1)?.parse().ok();
        }
    }
    None
}

fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_worker_wakes_per_full_batch_not_per_span() {
    if ran_in_own_process(module_path!(), "the_worker_wakes_per_full_batch_not_per_span") {
        return;
    }
    let exporter = InMemorySpanExporter::default();
    let config = BatchSettings {
        max_queue_size: 8192,
        max_export_batch_size: 512,
        schedule_delay: Duration::from_secs(60),
        ..BatchSettings::SPAN_DEFAULTS
    };
    let processor = SpanQueueProcessor::new(exporter.clone(), config);
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("t");
    std::thread::sleep(Duration::from_millis(50));
    let before = voluntary_switches("otel-span-batch").expect("worker thread");
    // Spaced out, so that a worker woken per span would sleep between every two.
    for i in 0..2000 {
        tracer.in_span("s", |_| {});
        if i % 50 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    // Three full batches of 512 go out without waiting for the one-minute schedule.
    wait_until(|| exporter.get_finished_spans().map_or(0, |s| s.len()) >= 1536);
    let after = voluntary_switches("otel-span-batch").expect("worker thread");
    assert_eq!(exporter.get_finished_spans().expect("spans").len(), 1536);
    assert!(
        after - before <= 20,
        "the worker slept and woke {} times for 2000 spans",
        after - before
    );
    provider.force_flush().expect("flush");
    assert_eq!(
        exporter.get_finished_spans().expect("spans").len(),
        2000,
        "flush sends the rest"
    );
}

#[test]
fn with_a_zero_delay_each_span_leaves_at_once() {
    let exporter = InMemorySpanExporter::default();
    let config = BatchSettings {
        schedule_delay: Duration::ZERO,
        ..BatchSettings::SPAN_DEFAULTS
    };
    let provider = SdkTracerProvider::builder()
        .with_span_processor(SpanQueueProcessor::new(exporter.clone(), config))
        .build();
    provider.tracer("t").in_span("now", |_| {});
    wait_until(|| exporter.get_finished_spans().map_or(0, |s| s.len()) == 1);
    assert_eq!(
        exporter.get_finished_spans().expect("spans").len(),
        1,
        "no flush needed"
    );
}

/// An exporter that keeps when each export came, and how many spans it held.
#[derive(Debug, Clone, Default)]
struct Timed(Arc<Mutex<Vec<(Instant, usize)>>>);

impl SpanExporter for Timed {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let mut exports = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        exports.push((Instant::now(), batch.len()));
        Ok(())
    }
}

#[test]
fn the_schedule_counts_from_the_last_export() {
    // The SDKs' processors wait the schedule delay between two exports: a full batch
    // sent early restarts it, so the next export is not a sliver of a batch.
    let exporter = Timed::default();
    let config = BatchSettings {
        max_export_batch_size: 4,
        schedule_delay: Duration::from_secs(1),
        ..BatchSettings::SPAN_DEFAULTS
    };
    let provider = SdkTracerProvider::builder()
        .with_span_processor(SpanQueueProcessor::new(exporter.clone(), config))
        .build();
    let tracer = provider.tracer("t");
    let exports = || exporter.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..4 {
        tracer.in_span("full", |_| {});
    }
    wait_until(|| !exports().is_empty());
    tracer.in_span("remainder", |_| {});
    wait_until(|| exports().len() == 2);
    let exports = exports();
    assert_eq!(
        exports.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        [4, 1],
        "the full batch, then the remainder on schedule"
    );
    // Before, the remainder left at the first schedule, about 500 ms after the batch.
    let gap = exports[1].0 - exports[0].0;
    assert!(
        gap >= Duration::from_millis(900),
        "the remainder left {gap:?} after the full batch, not a schedule delay"
    );
}
