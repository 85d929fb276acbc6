//! A real collector (rotel) accepts our OTLP over gRPC and over HTTP/protobuf: it
//! relays exactly the spans the pipeline ended to the in-process collector. Skipped
//! without `TEST_OTLP_COLLECTOR_BIN`.

use otel_kit_testing::{Protocol, Rotel, TestCollector};

use super::{SPANS, WAIT, emit, expected, init, spans_of};

async fn rotel_accepts(protocol: &str) {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel");
    let endpoint = rotel.endpoint(protocol);
    let (telemetry, memory) = init(&endpoint, protocol, &[("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")]);
    emit(&telemetry);
    let arrived = collector.wait_for_spans(SPANS, WAIT).await;
    assert_eq!(arrived.as_slice().len(), SPANS, "rotel's log:\n{}", rotel.log());
    let ended = memory.get_finished_spans().expect("in-memory spans");
    assert_eq!(
        spans_of(collector.trace_requests()),
        expected(ended),
        "{protocol}"
    );
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_accepts_our_spans_over_grpc() {
    rotel_accepts("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_accepts_our_spans_over_http_protobuf() {
    rotel_accepts("http/protobuf").await;
}
