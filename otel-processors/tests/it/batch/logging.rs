//! Export failures are logged at most once per 10 s, however often exports fail.
//! Runs in its own process: it installs a global `tracing` subscriber to see the worker
//! thread's events.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
use tracing_subscriber::layer::SubscriberExt as _;

use crate::support::own_process::ran_in_own_process;
use crate::support::warnings::Warnings;

#[derive(Debug, Default, Clone)]
struct Failing(Arc<AtomicUsize>);

impl SpanExporter for Failing {
    async fn export(&self, _batch: Vec<SpanData>) -> OTelSdkResult {
        self.0.fetch_add(1, Ordering::Relaxed);
        Err(OTelSdkError::InternalFailure("collector unavailable".into()))
    }
}

#[test]
fn failures_and_drops_are_logged_at_most_once_per_ten_seconds() {
    if ran_in_own_process(
        module_path!(),
        "failures_and_drops_are_logged_at_most_once_per_ten_seconds",
    ) {
        return;
    }
    let warnings = Warnings::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(warnings.clone()))
        .expect("subscriber");

    let attempts = Failing::default();
    let config = BatchSettings {
        max_queue_size: 4,
        max_export_batch_size: 2,
        schedule_delay: Duration::from_millis(5),
        ..BatchSettings::SPAN_DEFAULTS
    };
    let processor = SpanQueueProcessor::new(attempts.clone(), config);
    let stats = processor.stats();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("t");
    for _ in 0..200 {
        tracer.in_span("s", |_| {});
        std::thread::sleep(Duration::from_micros(500));
    }
    let _ = provider.force_flush();
    assert!(
        attempts.0.load(Ordering::Relaxed) >= 10,
        "exports were attempted many times"
    );
    assert!(stats.failed() >= 20);

    let logged = warnings.0.lock().expect("test lock").clone();
    let failures: Vec<&String> = logged
        .iter()
        .filter(|m| m.starts_with("span export failed"))
        .collect();
    let drops: Vec<&String> = logged
        .iter()
        .filter(|m| m.starts_with("the span export queue is full"))
        .collect();
    assert_eq!(failures.len(), 1, "{logged:#?}");
    assert!(failures[0].contains("collector unavailable"), "{failures:?}");
    assert!(drops.len() <= 1, "{logged:#?}");
    let _ = provider.shutdown();
}
