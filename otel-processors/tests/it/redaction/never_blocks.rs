//! The redacting span processor holds nothing across the processor it wraps: with that
//! processor stuck on one thread (an exporter's `on_end` that never returns), spans with
//! 1 MB hostile values end on every other thread, redacted, without waiting.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, Span, SpanData, SpanProcessor};
use otel_kit_processors::redaction::{RedactingSpanProcessor, Redaction, Scrub};

/// Holds the `stuck` span's thread until released; counts the others' spans and checks
/// each arrived redacted.
#[derive(Debug, Default)]
struct Inner {
    release: AtomicBool,
    ended: AtomicUsize,
    leaked: AtomicUsize,
}

#[derive(Debug, Clone, Default)]
struct Holding(Arc<Inner>);

impl SpanProcessor for Holding {
    fn on_start(&self, _: &mut Span, _: &Context) {}

    fn on_end(&self, span: SpanData) {
        if span.name == "stuck" {
            let until = Instant::now() + Duration::from_secs(20);
            while !self.0.release.load(Ordering::Acquire) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
            return;
        }
        if format!("{:?}", span.attributes).contains("ada@example.com") {
            self.0.leaked.fetch_add(1, Ordering::Relaxed);
        }
        self.0.ended.fetch_add(1, Ordering::Relaxed);
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _: Duration) -> OTelSdkResult {
        Ok(())
    }
}

#[test]
fn spans_end_on_every_thread_while_the_wrapped_processor_is_stuck_on_one() {
    let inner = Holding::default();
    let redacting = RedactingSpanProcessor::new(
        inner.clone(),
        Redaction::default().scrub(Scrub::ALL).build().expect("rules"),
    );
    let provider = SdkTracerProvider::builder()
        .with_span_processor(redacting)
        .build();
    let stuck_started = Arc::new(Barrier::new(2));
    let stuck = {
        let (provider, started) = (provider.clone(), Arc::clone(&stuck_started));
        std::thread::spawn(move || {
            let mut span = provider.tracer("t").start("stuck");
            started.wait();
            span.end();
        })
    };
    stuck_started.wait();
    // Let the stuck thread reach the wrapped processor.
    std::thread::sleep(Duration::from_millis(50));
    // 1 MB of text an e-mail matcher must walk, with an address at its end.
    let hostile = format!("{} ada@example.com", "a.b@".repeat(256 * 1024));
    let started = Instant::now();
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (provider, hostile) = (provider.clone(), hostile.clone());
            std::thread::spawn(move || {
                for _ in 0..20 {
                    let mut span = provider.tracer("t").start("work");
                    span.set_attribute(KeyValue::new("note", hostile.clone()));
                    span.end();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    let took = started.elapsed();
    assert_eq!(
        inner.0.ended.load(Ordering::Relaxed),
        60,
        "every other span ended"
    );
    assert_eq!(inner.0.leaked.load(Ordering::Relaxed), 0, "each arrived redacted");
    assert!(took < Duration::from_secs(10), "the other threads took {took:?}");
    assert!(
        !stuck.is_finished(),
        "the stuck thread is still held by the wrapped processor"
    );
    inner.0.release.store(true, Ordering::Release);
    stuck.join().expect("stuck thread");
}
