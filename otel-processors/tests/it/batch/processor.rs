//! The batch span processor: a full queue drops (counted) and never blocks the caller,
//! an exporter that panics fails its batch (counted) and the worker goes on, and every
//! span is accounted for. (That drops reach the collector as the semconv
//! metric is otel-kit-init's test `batch::span_queue_metrics`: `init()` registers them.)

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};

/// An exporter that holds every export until released, like a collector that hangs.
#[derive(Debug, Clone, Default)]
struct Gate {
    open: Arc<(Mutex<bool>, Condvar)>,
    received: Arc<Mutex<usize>>,
}

impl Gate {
    fn release(&self) {
        let (lock, cv) = &*self.open;
        *lock.lock().expect("test lock") = true;
        cv.notify_all();
    }
}

impl SpanExporter for Gate {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let (lock, cv) = &*self.open;
        let mut open = lock.lock().expect("test lock");
        while !*open {
            open = cv.wait(open).expect("test lock");
        }
        *self.received.lock().expect("test lock") += batch.len();
        Ok(())
    }
}

fn config(queue: usize, batch: usize, delay_ms: u64) -> BatchSettings {
    BatchSettings {
        max_queue_size: queue,
        max_export_batch_size: batch,
        schedule_delay: Duration::from_millis(delay_ms),
        ..BatchSettings::SPAN_DEFAULTS
    }
}

#[test]
fn a_full_queue_drops_counts_and_never_blocks() {
    let gate = Gate::default();
    let processor = SpanQueueProcessor::new(gate.clone(), config(10, 5, 5));
    let stats = processor.stats();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("t");
    let started = Instant::now();
    for _ in 0..1000 {
        tracer.in_span("s", |_| {});
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "on_end waited for the exporter: {took:?}"
    );
    assert_eq!(stats.ended(), 1000);
    // At most the queue plus one batch in the exporter's hands can be held.
    assert!(stats.dropped() >= 1000 - 10 - 5, "dropped {}", stats.dropped());
    assert_eq!(stats.capacity(), 10);

    gate.release();
    provider.force_flush().expect("flush");
    let received = *gate.received.lock().expect("test lock") as u64;
    assert_eq!(stats.exported(), received);
    assert_eq!(
        stats.exported() + stats.dropped() + stats.failed(),
        stats.ended(),
        "every span is accounted for"
    );
    assert_eq!(stats.queued(), 0);
    provider.shutdown().expect("shutdown");
}

#[test]
fn unsampled_spans_are_not_queued() {
    let gate = Gate::default();
    gate.release();
    let processor = SpanQueueProcessor::new(gate.clone(), config(10, 5, 5));
    let stats = processor.stats();
    let provider = SdkTracerProvider::builder()
        .with_sampler(opentelemetry_sdk::trace::Sampler::AlwaysOff)
        .with_span_processor(processor)
        .build();
    provider.tracer("t").in_span("unsampled", |_| {});
    provider.force_flush().expect("flush");
    assert_eq!(stats.ended(), 0);
    assert_eq!(*gate.received.lock().expect("test lock"), 0);
}

#[test]
fn batches_are_exported_on_schedule_and_when_full_and_shutdown_flushes() {
    let gate = Gate::default();
    gate.release();
    let processor = SpanQueueProcessor::new(gate.clone(), config(100, 10, 60_000));
    let stats = processor.stats();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("t");
    for _ in 0..25 {
        tracer.in_span("s", |_| {});
    }
    // Two full batches go out without waiting for the (one minute) schedule.
    let deadline = Instant::now() + Duration::from_secs(5);
    while *gate.received.lock().expect("test lock") < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(*gate.received.lock().expect("test lock"), 20);
    provider.shutdown().expect("shutdown");
    assert_eq!(
        *gate.received.lock().expect("test lock"),
        25,
        "shutdown exported the rest"
    );
    assert_eq!(stats.exported(), 25);
    assert!(provider.force_flush().is_err(), "flush after shutdown is refused");
}

/// Panics on an export holding a span named "boom", like an exporter with a bug;
/// records the names of the spans it exports.
#[derive(Debug, Clone, Default)]
struct Fragile {
    received: Arc<Mutex<Vec<String>>>,
}

impl SpanExporter for Fragile {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        assert!(batch.iter().all(|span| span.name != "boom"), "the exporter's bug");
        self.received
            .lock()
            .expect("test lock")
            .extend(batch.iter().map(|span| span.name.to_string()));
        Ok(())
    }
}

#[test]
fn a_panicking_export_fails_its_batch_counted_and_the_queue_goes_on() {
    let exporter = Fragile::default();
    // Batches of two, and a schedule that never comes: "one" and "boom" make the first
    // batch, whose export panics; "three" and "four" the second.
    let processor = SpanQueueProcessor::new(exporter.clone(), config(64, 2, 60_000));
    let stats = processor.stats();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("t");
    for name in ["one", "boom", "three", "four"] {
        tracer.in_span(name, |_| {});
    }
    // Whether the panicked batch went out before the flush or during it (then the flush
    // reports it as an error), the flush returns.
    let started = Instant::now();
    let _ = provider.force_flush();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "the flush waited {took:?}");
    tracer.in_span("five", |_| {});
    provider.force_flush().expect("the worker lives on");
    let received = exporter.received.lock().expect("test lock").clone();
    assert_eq!(received, ["three", "four", "five"]);
    assert_eq!(
        (stats.ended(), stats.exported(), stats.failed(), stats.dropped()),
        (5, 3, 2, 0),
        "the panicked batch counts as failed"
    );
    assert_eq!(
        stats.exported() + stats.failed() + stats.dropped(),
        stats.ended(),
        "every span is accounted for"
    );
    provider.shutdown().expect("shutdown");
}
