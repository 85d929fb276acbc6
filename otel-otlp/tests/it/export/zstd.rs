//! zstd to a collector that does not accept it. The in-process collector, told to
//! refuse zstd, answers as the OpenTelemetry Collector without it does (HTTP 415, gRPC
//! `UNIMPLEMENTED`): the export fails at once, not retried, with an error that names
//! zstd and what to set instead. rotel (0.0.1-alpha10) answers gRPC's
//! `grpc-encoding: zstd` with `UNIMPLEMENTED` too, but reads an OTLP/HTTP body with
//! `Content-Encoding: zstd` as if uncompressed: a batch that compresses does not decode
//! (400; a tiny one, sent as a raw zstd block, may decode by accident).
//! (spans.rs checks that zstd spans arrive exactly at a collector that accepts zstd.)

use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData, SpanExporter as _};
use otel_kit_otlp::{Compression, Protocol, SpanExporter};
use otel_kit_testing::{Outcome, Rotel, TestCollector};

use super::endpoint;

/// `count` ended spans, to export by hand.
fn spans(count: usize) -> Vec<SpanData> {
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(memory.clone())
        .build();
    for _ in 0..count {
        provider.tracer("app").in_span("compressed", |_| {});
    }
    let spans = memory.get_finished_spans().expect("in-memory spans");
    assert_eq!(spans.len(), count);
    spans
}

/// Exports `batch` with zstd to `base` on a thread of its own (as the batch processor
/// does), and how long it took.
async fn export_zstd(base: &str, protocol: Protocol, batch: Vec<SpanData>) -> (OTelSdkResult, Duration) {
    let exporter = SpanExporter::builder()
        .with_protocol(protocol)
        .with_endpoint(endpoint(base, protocol, "/v1/traces"))
        .with_compression(Compression::Zstd)
        .with_timeout(Duration::from_secs(5))
        .build()
        .expect("exporter");
    let started = Instant::now();
    let result = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(exporter.export(batch))
    })
    .await
    .expect("join");
    (result, started.elapsed())
}

/// The export failed within a second (not retried until the 5 s timeout), saying
/// `refusal` and naming zstd.
fn refused_at_once(protocol: Protocol, (result, elapsed): (OTelSdkResult, Duration), refusal: &str) {
    let error = result
        .expect_err(&format!("{protocol:?}: zstd is refused"))
        .to_string();
    assert!(error.contains(refusal), "{protocol:?}: {error}");
    assert!(
        error.contains("zstd") && error.contains("gzip or none"),
        "{protocol:?}: names zstd and what to set instead: {error}"
    );
    assert!(
        elapsed < Duration::from_secs(1),
        "{protocol:?}: refused at once, not retried: {elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_refuses_zstd_fails_the_export_at_once_naming_it() {
    let collector = TestCollector::builder()
        .refuse_zstd()
        .start()
        .await
        .expect("collector");
    let base = collector.endpoint();
    let grpc = export_zstd(&base, Protocol::Grpc, spans(1)).await;
    refused_at_once(Protocol::Grpc, grpc, "Unimplemented");
    let http = export_zstd(&base, Protocol::HttpProtobuf, spans(1)).await;
    refused_at_once(Protocol::HttpProtobuf, http, "status code 415");
    let requests = collector.requests();
    assert_eq!(requests.len(), 2, "one request each, not retried: {requests:#?}");
    for request in requests {
        assert_eq!(request.compression(), Some("zstd"));
        assert!(matches!(request.outcome, Outcome::Rejected(_)), "{request:?}");
    }
    assert!(collector.spans().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_refuses_zstd_over_grpc_and_cannot_read_it_over_http() {
    let Some(bin) = Rotel::binary_from_env() else {
        eprintln!("zstd to rotel: skipped, TEST_OTLP_COLLECTOR_BIN is not set");
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel");
    // A batch that compresses: a body of raw zstd blocks (a small or incompressible one)
    // carries the request's bytes as they are, and may decode by accident.
    let grpc = export_zstd(&rotel.grpc_endpoint(), Protocol::Grpc, spans(50)).await;
    refused_at_once(Protocol::Grpc, grpc, "Unimplemented");
    let http = export_zstd(&rotel.http_endpoint(), Protocol::HttpProtobuf, spans(50)).await;
    refused_at_once(Protocol::HttpProtobuf, http, "status code 400");
    // rotel forwards what it decoded within 100 ms.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        collector.spans().is_empty(),
        "rotel decodes zstd now: docs/configuration.md says it does not ({:?})",
        collector.spans()
    );
}
