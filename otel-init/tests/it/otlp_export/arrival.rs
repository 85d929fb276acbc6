//! What our exporters send arrives exactly: the collector decodes spans equal to
//! opentelemetry-proto's transform of the spans the pipeline ended, one resource per
//! request with the scopes grouped, and the configured headers and gzip.

use otel_kit_testing::{Protocol, TestCollector};

use super::{SPANS, WAIT, emit, expected, init, spans_of};

async fn arrives_exactly(protocol: &str, gzip: bool) {
    let collector = TestCollector::start().await.expect("collector");
    let mut extra = vec![("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme")];
    if gzip {
        extra.push(("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"));
    }
    let (telemetry, memory) = init(&collector.endpoint(), protocol, &extra);
    emit(&telemetry);
    collector.wait_for_spans(SPANS, WAIT).await.assert_count(SPANS);

    let requests = collector.trace_requests();
    let ended = memory.get_finished_spans().expect("in-memory spans");
    assert_eq!(ended.len(), SPANS);
    assert_eq!(
        spans_of(requests.clone()),
        expected(ended),
        "{protocol}, gzip {gzip}"
    );
    for request in &requests {
        assert_eq!(request.resource_spans.len(), 1);
        let resource = request.resource_spans[0].resource.as_ref().expect("resource");
        assert!(
            resource.attributes.iter().any(|kv| kv.key == "service.name"),
            "{resource:?}"
        );
        let mut scopes: Vec<&str> = request.resource_spans[0]
            .scope_spans
            .iter()
            .map(|s| s.scope.as_ref().map_or("", |s| s.name.as_str()))
            .collect();
        let count = scopes.len();
        scopes.dedup();
        assert_eq!(scopes.len(), count, "each scope once per request: {scopes:?}");
    }
    let wanted = if protocol == "grpc" {
        Protocol::Grpc
    } else {
        Protocol::HttpProtobuf
    };
    for r in collector.requests() {
        assert_eq!(r.protocol, Some(wanted));
        assert_eq!(r.header("x-tenant"), Some("acme"));
        assert_eq!(r.compression(), gzip.then_some("gzip"), "{protocol}");
        let agent = r.header("user-agent").unwrap_or_default();
        assert!(agent.contains("otel-kit-otlp/"), "ours, not upstream's: {agent}");
    }
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_spans_arrive_exactly() {
    arrives_exactly("grpc", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_gzip_spans_arrive_exactly() {
    arrives_exactly("grpc", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_spans_arrive_exactly() {
    arrives_exactly("http/protobuf", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_gzip_spans_arrive_exactly() {
    arrives_exactly("http/protobuf", true).await;
}
