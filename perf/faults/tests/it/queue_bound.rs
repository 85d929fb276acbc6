//! The span queue's memory bound, in bytes: with the exporter stuck (a black-holed
//! collector), ending ten times the queue's capacity in spans leaves at most the queue
//! plus the batch held by the stuck export in memory; the rest are dropped and counted.
//!
//! The bytes are the process's (the batch worker's thread too), counted by
//! otel-kit-testing's `allocations` (this binary's global allocator): the test runs
//! alone in a child process of this binary, so that no other test's are counted.

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_init::batch::{BatchSettings, SpanQueueProcessor};
use otel_kit_testing::allocations::Measurement;
use otel_kit_testing::alone;

/// An exporter that holds its first batch until released, as a collector that never
/// answers holds an export.
#[derive(Debug)]
struct Stuck(Mutex<Option<mpsc::Receiver<()>>>);

impl SpanExporter for Stuck {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let release = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(release) = release {
            let _ = release.recv();
        }
        drop(batch);
        Ok(())
    }
}

/// The attributes of an HTTP server span as otel-kit-http records them.
fn server_span_attributes(i: usize) -> Vec<KeyValue> {
    vec![
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new("http.route", "/orders/{id}"),
        KeyValue::new("http.response.status_code", 200_i64),
        KeyValue::new("url.path", format!("/orders/{i}")),
        KeyValue::new("url.scheme", "http"),
        KeyValue::new("server.address", "127.0.0.1"),
        KeyValue::new("server.port", 8080_i64),
        KeyValue::new("network.protocol.version", "1.1"),
        KeyValue::new("client.address", "127.0.0.1"),
        KeyValue::new("user_agent.original", "load/1.0"),
    ]
}

#[test]
fn a_stuck_export_holds_at_most_the_queue_and_one_batch() {
    alone(
        "queue_bound::a_stuck_export_holds_at_most_the_queue_and_one_batch",
        || {
            let (release, stuck) = mpsc::channel();
            // No timer: the worker wakes only when a full batch is queued, so the stuck export
            // holds exactly one batch (a timer could hand it whatever had queued by then).
            let config = BatchSettings {
                schedule_delay: Duration::from_secs(3600),
                ..BatchSettings::SPAN_DEFAULTS
            };
            let processor = SpanQueueProcessor::new(Stuck(Mutex::new(Some(stuck))), config);
            let stats = processor.stats();
            let provider = SdkTracerProvider::builder()
                .with_span_processor(processor)
                .build();
            let tracer = provider.tracer("bound");
            let capacity = config.max_queue_size;
            let batch = config.max_export_batch_size;

            let measurement = Measurement::start();
            let total = 10 * capacity;
            for i in 0..total {
                let mut span = tracer
                    .span_builder("GET /orders/{id}")
                    .with_kind(SpanKind::Server)
                    .start(&tracer);
                span.set_attributes(server_span_attributes(i));
                span.end();
                if i == batch {
                    // Let the worker take its first batch into the stuck export.
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
            let cost = measurement.finish(&format!("{total} spans ended with the export stuck"), 0);
            let held = usize::try_from(cost.net).unwrap_or(0);
            let kept = (stats.queued() as usize + batch).max(1);
            println!(
                "{total} spans ended with the export stuck: {} queued, {} dropped; {held} bytes held, {} bytes per kept span; \
             bound for the default queue ({capacity} + a batch of {batch}): {} KiB",
                stats.queued(),
                stats.dropped(),
                held / kept,
                (capacity + batch) * (held / kept) / 1024
            );
            assert_eq!(stats.queued() as usize, capacity, "the queue is full");
            assert_eq!(
                stats.dropped() as usize,
                total - capacity - batch,
                "every other span dropped and counted"
            );
            // About 1 KiB per span of this shape; what matters is that it is per kept span, not
            // per ended span: the other 18,000 cost nothing once dropped.
            assert!(held / kept < 2048, "{} bytes per kept span", held / kept);
            assert!(held < (capacity + batch) * 2048, "{held} bytes held");
            let _ = release.send(());
            provider.shutdown().unwrap();
        },
    );
}
