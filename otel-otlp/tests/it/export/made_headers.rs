//! Headers the application makes at each export (`with_dynamic_headers`): a rotated token
//! goes with the next request, over gRPC and HTTP/protobuf, and a function that hangs
//! never holds an export longer than its deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{SdkTracerProvider, SimpleSpanProcessor};
use otel_kit_otlp::{DynamicHeaders, Protocol, SpanExporter};
use otel_kit_testing::TestCollector;

use super::{WAIT, blocking, endpoint};

/// A provider exporting each span as it ends, through an exporter whose headers
/// `source` makes.
fn provider(base: &str, protocol: Protocol, source: DynamicHeaders) -> SdkTracerProvider {
    let exporter = SpanExporter::builder()
        .with_protocol(protocol)
        .with_endpoint(endpoint(base, protocol, "/v1/traces"))
        .with_header("authorization", "Bearer fixed")
        .with_dynamic_headers(source)
        .build()
        .expect("exporter");
    SdkTracerProvider::builder()
        .with_span_processor(SimpleSpanProcessor::new(exporter))
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_export_carries_the_token_the_function_makes_then() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let collector = TestCollector::start().await.expect("collector");
        let calls = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&calls);
        let source = DynamicHeaders::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            vec![("authorization".to_owned(), format!("Bearer rotated-{n}"))]
        });
        let provider = provider(&collector.endpoint(), protocol, source);
        let ended = blocking(move || {
            let tracer = provider.tracer("checkout");
            for i in 0..3 {
                tracer.in_span(format!("step {i}"), |_| {});
            }
            provider
        })
        .await;
        collector.wait_for_spans(3, WAIT).await;
        let tokens: Vec<String> = collector
            .requests()
            .iter()
            .map(|r| r.header("authorization").unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            tokens,
            ["Bearer rotated-1", "Bearer rotated-2", "Bearer rotated-3"],
            "{protocol:?}: each export asks again, and the made header wins over the fixed one"
        );
        blocking(move || ended.shutdown()).await.expect("shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_that_never_returns_delays_an_export_by_its_deadline_only() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let collector = TestCollector::start().await.expect("collector");
        let calls = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&calls);
        let source = DynamicHeaders::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            // A secret store that accepted the call and never answers.
            std::thread::sleep(Duration::from_secs(3600));
            Vec::new()
        });
        let provider = provider(&collector.endpoint(), protocol, source);
        let started = Instant::now();
        let ended = blocking(move || {
            let tracer = provider.tracer("checkout");
            for i in 0..3 {
                tracer.in_span(format!("step {i}"), |_| {});
            }
            provider
        })
        .await;
        collector.wait_for_spans(3, WAIT).await;
        let took = started.elapsed();
        // The first export waits for the call up to 2 s; the next ones not at all.
        assert!(took < Duration::from_secs(6), "{protocol:?}: {took:?}");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "{protocol:?}: one call at a time"
        );
        for r in collector.requests() {
            assert_eq!(r.header("authorization"), Some("Bearer fixed"), "{protocol:?}");
        }
        blocking(move || ended.shutdown()).await.expect("shutdown");
    }
}
