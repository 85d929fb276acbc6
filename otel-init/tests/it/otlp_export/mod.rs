//! Our OTLP exporters (gRPC and HTTP/protobuf, otel-kit-otlp's) as `init()` configures
//! them from `OTEL_EXPORTER_OTLP_*`, end to end: what arrives at the in-process
//! collector is exactly opentelemetry-proto's transform of the spans the pipeline
//! ended, with the configured headers and compression; a real collector (rotel) accepts
//! it over both transports. (How HTTP statuses are retried is otel-kit-otlp's test
//! `export::retries`.)

mod app_metrics;
mod arrival;
mod counter_exemplars;
mod exemplars;
mod logs;
mod metrics;
mod rotel;
mod short_lived;
mod zstd;

use std::time::Duration;

use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState, Tracer as _,
    TracerProvider as _,
};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span as ProtoSpan;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SimpleSpanProcessor, SpanData};
use otel_kit_init::Telemetry;

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);

/// Runs `check(collector, endpoint, protocol)` over OTLP/gRPC and OTLP/HTTP-protobuf
/// through a real collector, rotel, relaying to a fresh in-process collector each time;
/// skipped, saying so, without `TEST_OTLP_COLLECTOR_BIN`.
async fn through_rotel(check: impl AsyncFn(&otel_kit_testing::TestCollector, &str, &'static str)) {
    use otel_kit_testing::{Protocol, Rotel, TestCollector};

    let Some(bin) = Rotel::binary_from_env() else {
        eprintln!("skipped: TEST_OTLP_COLLECTOR_BIN is not set");
        return;
    };
    for protocol in ["grpc", "http/protobuf"] {
        let collector = TestCollector::start().await.expect("collector");
        let rotel = Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel");
        check(&collector, &rotel.endpoint(protocol), protocol).await;
    }
}

/// Runs `check` once per protocol (gRPC, then HTTP/protobuf), exporting straight to a
/// fresh `TestCollector`, given that collector, its endpoint and the protocol.
async fn directly(check: impl AsyncFn(&otel_kit_testing::TestCollector, &str, &'static str)) {
    for protocol in ["grpc", "http/protobuf"] {
        let collector = otel_kit_testing::TestCollector::start().await.expect("collector");
        check(&collector, &collector.endpoint(), protocol).await;
    }
}

/// Shuts `telemetry` down off the runtime's worker threads (its flush blocks), and
/// checks it shut down cleanly.
async fn shut_down(telemetry: Telemetry) {
    tokio::task::spawn_blocking(move || telemetry.shutdown())
        .await
        .expect("join")
        .expect("clean shutdown");
}

/// How many spans [`emit`] ends.
const SPANS: usize = 12;

/// `init()` exporting to `endpoint` over `protocol` (fast schedules, traces only), with
/// an in-memory copy of every ended span beside the exporter.
fn init(endpoint: &str, protocol: &str, extra: &[(&str, &str)]) -> (Telemetry, InMemorySpanExporter) {
    let memory = InMemorySpanExporter::default();
    let mut pairs = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "orders"),
    ];
    pairs.extend_from_slice(extra);
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .environment(env(&pairs))
        .with_span_processor(SimpleSpanProcessor::new(memory.clone()))
        .init()
        .expect("init");
    (telemetry, memory)
}

/// Ends [`SPANS`] spans from two scopes: every attribute value type, events, a link
/// with a trace state, each status and each kind, remote and local parents.
fn emit(telemetry: &Telemetry) {
    let provider = telemetry.tracer_provider();
    let scopes = [provider.tracer("orders"), provider.tracer("payments")];
    let kinds = [
        SpanKind::Server,
        SpanKind::Client,
        SpanKind::Internal,
        SpanKind::Producer,
        SpanKind::Consumer,
    ];
    let linked = SpanContext::new(
        TraceId::from(0x1234_u128),
        SpanId::from(0x5678_u64),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_key_value([("vendor", "x1")]).expect("trace state"),
    );
    for i in 0..SPANS {
        let tracer = &scopes[i % 2];
        let mut span = tracer
            .span_builder(format!("op {i}"))
            .with_kind(kinds[i % kinds.len()].clone())
            .with_links(vec![Link::with_context(linked.clone())])
            .start(tracer);
        span.set_attributes([
            KeyValue::new("text", format!("value {i}")),
            KeyValue::new("flag", i % 2 == 0),
            KeyValue::new("count", -(i as i64) * 1_000_000_007),
            KeyValue::new("ratio", i as f64 / 3.0),
            KeyValue::new("texts", Value::Array(Array::String(vec!["a".into(), "".into()]))),
            KeyValue::new("flags", Value::Array(Array::Bool(vec![true, false]))),
            KeyValue::new("counts", Value::Array(Array::I64(vec![i64::MIN, 0, i64::MAX]))),
            KeyValue::new("ratios", Value::Array(Array::F64(vec![-0.5, f64::INFINITY]))),
        ]);
        span.add_event("checkpoint", vec![KeyValue::new("step", i as i64)]);
        span.set_status(match i % 3 {
            0 => Status::Unset,
            1 => Status::Ok,
            _ => Status::error(format!("failure {i}")),
        });
        span.end();
    }
}

/// The spans of decoded requests, in span id order.
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
