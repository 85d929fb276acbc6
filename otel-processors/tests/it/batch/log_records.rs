//! The batch log record processor: records reach the exporter whole and in order, a
//! hung exporter makes a full queue drop (counted) and never blocks `emit`, and a
//! processor that takes records leaves an empty one behind, while one that copies
//! leaves the record to the processors after it.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::InstrumentationScope;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{
    InMemoryLogExporter, LogBatch, LogExporter, LogProcessor, SdkLogRecord, SdkLoggerProvider,
};
use otel_kit_processors::batch::{BatchSettings, LogQueueProcessor};

/// An exporter that holds every export until released, like a collector that hangs.
#[derive(Debug, Clone, Default)]
struct Gate {
    open: Arc<(Mutex<bool>, Condvar)>,
    /// The bodies of the records exported.
    received: Arc<Mutex<Vec<Option<AnyValue>>>>,
}

impl Gate {
    fn release(&self) {
        let (lock, cv) = &*self.open;
        *lock.lock().expect("test lock") = true;
        cv.notify_all();
    }
}

impl LogExporter for Gate {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let (lock, cv) = &*self.open;
        let mut open = lock.lock().expect("test lock");
        while !*open {
            open = cv.wait(open).expect("test lock");
        }
        let mut received = self.received.lock().expect("test lock");
        received.extend(batch.iter().map(|(record, _)| record.body().cloned()));
        Ok(())
    }
}

/// Records what the processors after the queue see of each record.
#[derive(Debug, Clone, Default)]
struct Seen(Arc<Mutex<Vec<Option<AnyValue>>>>);

impl LogProcessor for Seen {
    fn emit(&self, record: &mut SdkLogRecord, _scope: &InstrumentationScope) {
        self.0.lock().expect("test lock").push(record.body().cloned());
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
}

fn settings(queue: usize, batch: usize, delay_ms: u64) -> BatchSettings {
    BatchSettings {
        max_queue_size: queue,
        max_export_batch_size: batch,
        schedule_delay: Duration::from_millis(delay_ms),
        ..BatchSettings::LOG_DEFAULTS
    }
}

fn emit(provider: &SdkLoggerProvider, body: &str) {
    let logger = provider.logger("checkout");
    let mut record = logger.create_log_record();
    record.set_body(body.to_owned().into());
    record.set_severity_number(Severity::Warn);
    record.set_target("app::pay");
    record.add_attribute("order.id", 42_i64);
    record.add_attribute("note", "x".repeat(400 * 1024));
    record.set_trace_context(TraceId::from(7), SpanId::from(9), Some(TraceFlags::SAMPLED));
    logger.emit(record);
}

#[test]
fn records_reach_the_exporter_whole_and_in_order_taken_or_copied() {
    for taking in [true, false] {
        let exporter = InMemoryLogExporter::default();
        let processor = LogQueueProcessor::new(exporter.clone(), settings(64, 4, 5000));
        let processor = if taking {
            processor.taking_records()
        } else {
            processor
        };
        let stats = processor.stats();
        let seen = Seen::default();
        let provider = SdkLoggerProvider::builder()
            .with_log_processor(processor)
            .with_log_processor(seen.clone())
            .build();
        for i in 0..10 {
            emit(&provider, &format!("paid {i}"));
        }
        provider.force_flush().expect("flush");
        let logs = exporter.get_emitted_logs().expect("logs");
        let bodies: Vec<_> = logs.iter().map(|l| l.record.body().cloned()).collect();
        let expected: Vec<_> = (0..10)
            .map(|i| Some(AnyValue::from(format!("paid {i}"))))
            .collect();
        assert_eq!(bodies, expected, "taking: {taking}");
        let first = &logs[0];
        assert_eq!(first.instrumentation.name(), "checkout");
        assert_eq!(first.record.severity_number(), Some(Severity::Warn));
        assert_eq!(first.record.target().map(|t| t.as_ref()), Some("app::pay"));
        let context = first.record.trace_context().expect("trace context");
        assert_eq!(
            (context.trace_id, context.span_id),
            (TraceId::from(7), SpanId::from(9))
        );
        let attributes: Vec<_> = first.record.attributes_iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(attributes, ["order.id", "note"]);
        assert_eq!((stats.ended(), stats.exported(), stats.dropped()), (10, 10, 0));
        // The processor after the queue sees an empty record only when the queue took it.
        let after = seen.0.lock().expect("test lock").clone();
        if taking {
            assert!(after.iter().all(Option::is_none), "{after:?}");
        } else {
            assert_eq!(after, expected);
        }
        provider.shutdown().expect("shutdown");
    }
}

#[test]
fn a_hung_exporter_fills_the_queue_then_records_drop_counted_without_blocking() {
    let gate = Gate::default();
    let processor = LogQueueProcessor::new(gate.clone(), settings(10, 5, 5)).taking_records();
    let stats = processor.stats();
    let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
    // Should `emit` wait for the exporter, the gate opens after 10 s and the check
    // below fails instead of the test hanging.
    let watchdog = {
        let gate = gate.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(10));
            gate.release();
        })
    };
    let started = Instant::now();
    for i in 0..1000 {
        emit(&provider, &format!("line {i}"));
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "emit waited for the exporter: {took:?}"
    );
    assert_eq!(stats.ended(), 1000);
    // At most the queue plus one batch in the exporter's hands can be held.
    assert!(stats.dropped() >= 1000 - 10 - 5, "dropped {}", stats.dropped());
    assert!(stats.queued() <= 10);

    gate.release();
    drop(watchdog);
    provider.force_flush().expect("flush");
    let received = gate.received.lock().expect("test lock").len() as u64;
    assert_eq!(stats.exported(), received);
    assert_eq!(
        stats.exported() + stats.dropped() + stats.failed(),
        stats.ended(),
        "every record is accounted for"
    );
    provider.shutdown().expect("shutdown");
}

#[test]
fn a_partial_batch_leaves_on_schedule_and_shutdown_exports_the_rest() {
    let exporter = Gate::default();
    exporter.release();
    let bodies = || exporter.received.lock().expect("test lock").clone();
    let processor = LogQueueProcessor::new(exporter.clone(), settings(64, 8, 50));
    let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
    emit(&provider, "one");
    let deadline = Instant::now() + Duration::from_secs(10);
    while bodies().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the schedule never exported the partial batch"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // A schedule that never comes: only shutdown exports.
    let processor = LogQueueProcessor::new(exporter.clone(), settings(64, 8, 60_000));
    let later = SdkLoggerProvider::builder().with_log_processor(processor).build();
    emit(&later, "two");
    assert_eq!(bodies().len(), 1);
    later.shutdown().expect("shutdown");
    assert_eq!(bodies(), [Some("one".into()), Some("two".into())]);
    drop(provider);
}

/// Panics on an export holding a record whose body is "boom", like an exporter with a bug.
#[derive(Debug, Clone, Default)]
struct Fragile(Gate);

impl LogExporter for Fragile {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let boom = AnyValue::from("boom");
        assert!(
            batch.iter().all(|(record, _)| record.body() != Some(&boom)),
            "the exporter's bug"
        );
        self.0.export(batch).await
    }
}

#[test]
fn a_panicking_export_fails_its_batch_counted_and_the_queue_goes_on() {
    let exporter = Fragile::default();
    exporter.0.release();
    let processor = LogQueueProcessor::new(exporter.clone(), settings(64, 2, 60_000)).taking_records();
    let stats = processor.stats();
    let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
    for body in ["one", "boom", "three", "four"] {
        emit(&provider, body);
    }
    // Whether the panicked batch went out before the flush or during it (then the flush
    // reports it as an error), the flush returns.
    let started = Instant::now();
    let _ = provider.force_flush();
    assert!(started.elapsed() < Duration::from_secs(5));
    emit(&provider, "five");
    provider.force_flush().expect("the worker lives on");
    let received = exporter.0.received.lock().expect("test lock").clone();
    assert_eq!(
        received,
        [Some("three".into()), Some("four".into()), Some("five".into())]
    );
    assert_eq!(
        (stats.ended(), stats.exported(), stats.failed(), stats.dropped()),
        (5, 3, 2, 0),
        "the panicked batch counts as failed"
    );
    provider.shutdown().expect("shutdown");
}

/// Counts its exports, and logs through `provider` on each, as an exporter whose HTTP
/// client logs would.
#[derive(Debug, Clone, Default)]
struct Chatty {
    provider: Arc<std::sync::OnceLock<SdkLoggerProvider>>,
    exported: Arc<Mutex<usize>>,
    pause: Duration,
}

impl LogExporter for Chatty {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        *self.exported.lock().expect("test lock") += batch.iter().count();
        if let Some(provider) = self.provider.get() {
            emit(provider, "the exporter's own line");
        }
        std::thread::sleep(self.pause);
        Ok(())
    }
}

#[test]
fn what_the_exporter_logs_is_not_exported() {
    let exporter = Chatty::default();
    let processor = LogQueueProcessor::new(exporter.clone(), settings(64, 8, 60_000));
    let stats = processor.stats();
    let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
    exporter.provider.set(provider.clone()).expect("set once");
    emit(&provider, "one");
    provider.force_flush().expect("flush");
    provider.force_flush().expect("flush");
    assert_eq!(*exporter.exported.lock().expect("test lock"), 1);
    assert_eq!(stats.ended(), 1, "the exporter's line never reached the queue");
    provider.shutdown().expect("shutdown");
}

#[test]
fn a_flush_under_a_steady_stream_exports_what_was_queued_and_returns() {
    let exporter = Chatty {
        pause: Duration::from_millis(2),
        ..Chatty::default()
    };
    let processor = LogQueueProcessor::new(
        exporter.clone(),
        BatchSettings {
            export_timeout: Duration::from_secs(5),
            ..settings(4096, 8, 60_000)
        },
    );
    let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flood = {
        let (provider, stop) = (provider.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < deadline {
                emit(&provider, "steady");
            }
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let flushed = provider.force_flush();
    let took = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    flood.join().expect("the flood ends");
    // Unbounded, the drain would follow the stream until the flush's 5 s deadline.
    assert!(flushed.is_ok(), "{flushed:?} after {took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
    provider.shutdown().expect("shutdown");
}
