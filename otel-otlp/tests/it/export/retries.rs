//! OTLP/HTTP statuses, as opentelemetry-otlp treats them: 503 (and 429) are retried,
//! after the server's `Retry-After` when it gives one; 400 is not. (gRPC's
//! `UNAVAILABLE` is retried: otel-kit-init's
//! `init::pipeline::a_collector_outage_loses_nothing_queued`.)

use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_otlp::{Protocol, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
use otel_kit_testing::{ExportFailure, Outcome, TestCollector};

use super::{WAIT, blocking, endpoint};

/// A tracer provider exporting to `collector` over OTLP/HTTP-protobuf, every 50 ms.
fn provider(collector: &TestCollector) -> SdkTracerProvider {
    let exporter = SpanExporter::builder()
        .with_protocol(Protocol::HttpProtobuf)
        .with_endpoint(endpoint(
            &collector.endpoint(),
            Protocol::HttpProtobuf,
            "/v1/traces",
        ))
        .build()
        .expect("exporter");
    let settings = BatchSettings {
        schedule_delay: Duration::from_millis(50),
        ..BatchSettings::SPAN_DEFAULTS
    };
    SdkTracerProvider::builder()
        .with_span_processor(SpanQueueProcessor::new(exporter, settings))
        .build()
}

/// Shuts `provider` down off the runtime's worker threads, and checks it did cleanly.
async fn shut_down(provider: SdkTracerProvider) {
    blocking(move || provider.shutdown())
        .await
        .expect("clean shutdown");
}

fn failed(collector: &TestCollector) -> usize {
    collector
        .requests()
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_http_export_is_retried_after_the_servers_delay() {
    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(
        1,
        ExportFailure::unavailable().with_retry_after(Duration::from_secs(1)),
    );
    let provider = provider(&collector);
    let started = Instant::now();
    provider.tracer("app").in_span("throttled", |_| {});
    collector.wait_for_spans(1, WAIT).await.assert_count(1);
    assert_eq!(failed(&collector), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried after Retry-After: {:?}",
        started.elapsed()
    );
    shut_down(provider).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_http_export_is_not_retried() {
    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(1, ExportFailure::invalid_argument());
    let provider = provider(&collector);
    let tracer = provider.tracer("app");
    tracer.in_span("rejected", |_| {});
    let deadline = Instant::now() + WAIT;
    while failed(&collector) == 0 {
        assert!(Instant::now() < deadline, "no request arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The next batch goes through; the rejected one was never sent again.
    tracer.in_span("accepted", |_| {});
    let spans = collector.wait_for_spans(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(collector.spans().len(), 1, "{spans:?}");
    assert_eq!(collector.spans().as_slice()[0].name, "accepted");
    assert_eq!(failed(&collector), 1);
    shut_down(provider).await;
}
