//! Spans through `SpanExporter` behind `SpanQueueProcessor`, on a plain SDK tracer
//! provider: what arrives is exactly opentelemetry-proto's transform of the spans the
//! provider ended, each counted as exported, with the headers and compression (gzip,
//! zstd) given.

use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState, Tracer as _,
    TracerProvider as _,
};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span as ProtoSpan;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor, SpanData};
use otel_kit_otlp::{Compression, Protocol, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
use otel_kit_testing::TestCollector;

use super::{WAIT, blocking, each_route, endpoint};

const SPANS: usize = 10;

/// Ends [`SPANS`] spans from two tracers: attributes of each type, an event, a link,
/// each status and kind.
fn emit(provider: &SdkTracerProvider) {
    let tracers = [provider.tracer("orders"), provider.tracer("payments")];
    let kinds = [
        SpanKind::Server,
        SpanKind::Client,
        SpanKind::Internal,
        SpanKind::Producer,
        SpanKind::Consumer,
    ];
    let linked = SpanContext::new(
        TraceId::from(0xabc_u128),
        SpanId::from(0xdef_u64),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_key_value([("vendor", "x1")]).expect("trace state"),
    );
    for i in 0..SPANS {
        let tracer = &tracers[i % 2];
        let mut span = tracer
            .span_builder(format!("op {i}"))
            .with_kind(kinds[i % kinds.len()].clone())
            .with_links(vec![Link::with_context(linked.clone())])
            .start(tracer);
        span.set_attributes([
            KeyValue::new("text", format!("value {i}")),
            KeyValue::new("flag", i % 2 == 0),
            KeyValue::new("count", i as i64 * -7),
            KeyValue::new("ratio", i as f64 / 3.0),
            KeyValue::new("texts", Value::Array(Array::String(vec!["a".into(), "".into()]))),
        ]);
        span.add_event("checkpoint", vec![KeyValue::new("step", i as i64)]);
        span.set_status([Status::Unset, Status::Ok, Status::error(format!("failure {i}"))][i % 3].clone());
        span.end();
    }
}

/// The spans of the requests, in span id order.
fn spans_of(requests: Vec<ExportTraceServiceRequest>) -> Vec<ProtoSpan> {
    let mut spans: Vec<ProtoSpan> = requests
        .into_iter()
        .flat_map(|r| r.resource_spans)
        .flat_map(|r| r.scope_spans)
        .flat_map(|s| s.spans)
        .collect();
    spans.sort_by(|a, b| a.span_id.cmp(&b.span_id));
    spans
}

/// What opentelemetry-otlp would have sent for these spans, in span id order.
fn expected(spans: Vec<SpanData>) -> Vec<ProtoSpan> {
    let resource = (&Resource::builder_empty().build()).into();
    spans_of(vec![ExportTraceServiceRequest {
        resource_spans: group_spans_by_resource_and_scope(spans, &resource),
    }])
}

async fn arrive_exactly(collector: &TestCollector, base: &str, protocol: Protocol) {
    arrive_compressed(collector, base, protocol, Compression::Gzip).await;
}

/// Every span arrives exactly through an exporter sending with `compression`.
pub(super) async fn arrive_compressed(
    collector: &TestCollector,
    base: &str,
    protocol: Protocol,
    compression: Compression,
) {
    let exporter = SpanExporter::builder()
        .with_protocol(protocol)
        .with_endpoint(endpoint(base, protocol, "/v1/traces"))
        .with_header("x-tenant", "acme")
        .with_compression(compression)
        .build()
        .expect("exporter");
    let settings = BatchSettings {
        schedule_delay: std::time::Duration::from_millis(50),
        ..BatchSettings::SPAN_DEFAULTS
    };
    let processor = SpanQueueProcessor::new(exporter, settings);
    let stats = processor.stats();
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("orders").build())
        .with_span_processor(SimpleSpanProcessor::new(memory.clone()))
        .with_span_processor(processor)
        .build();
    emit(&provider);
    collector.wait_for_spans(SPANS, WAIT).await;

    let requests = collector.trace_requests();
    let ended = memory.get_finished_spans().expect("in-memory spans");
    assert_eq!(ended.len(), SPANS);
    assert_eq!(
        spans_of(requests.clone()),
        expected(ended),
        "{protocol:?} via {base}"
    );
    for request in &requests {
        let resource = request.resource_spans[0].resource.as_ref().expect("resource");
        assert!(
            resource.attributes.iter().any(|kv| kv.key == "service.name"),
            "{resource:?}"
        );
    }
    blocking(move || provider.shutdown())
        .await
        .expect("clean shutdown");
    // Read once the worker has stopped: it counts a batch when the collector has
    // answered, which may be after the collector has stored it.
    assert_eq!(
        (stats.exported(), stats.failed(), stats.dropped()),
        (SPANS as u64, 0, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_span_arrives_exactly_over_grpc_and_http_directly_and_through_rotel() {
    each_route(arrive_exactly).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_headers_compression_and_our_user_agent_arrive() {
    for (protocol, compression) in [
        (Protocol::Grpc, Compression::Gzip),
        (Protocol::HttpProtobuf, Compression::Gzip),
        (Protocol::Grpc, Compression::Zstd),
        (Protocol::HttpProtobuf, Compression::Zstd),
    ] {
        let collector = TestCollector::start().await.expect("collector");
        arrive_compressed(&collector, &collector.endpoint(), protocol, compression).await;
        let requests = collector.requests();
        assert!(!requests.is_empty());
        for r in requests {
            assert_eq!(r.header("x-tenant"), Some("acme"), "{protocol:?}");
            assert_eq!(r.compression(), Some(compression.as_str()), "{protocol:?}");
            let agent = r.header("user-agent").unwrap_or_default();
            assert!(agent.contains("otel-kit-otlp/"), "ours, not upstream's: {agent}");
        }
    }
}
