//! Exemplars on counters end to end: a counter's measurements made in sampled spans
//! arrive on its sum point as one exemplar naming a span the collector received,
//! directly over gRPC and HTTP/protobuf and through rotel; a collection starts the
//! uniform sampling over, so the next cumulative point carries a newer measurement.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, MeterProvider as _};
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Telemetry;
use otel_kit_testing::{ExemplarRecord, Number, SpanRecord, TestCollector};

use super::WAIT;
use crate::support::env;

const METRIC: &str = "orders.paid";

fn init(endpoint: &str, protocol: &str, extra: &[(&str, &str)]) -> Telemetry {
    let mut pairs = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
        // Only the flushes below export.
        ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
        ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "orders"),
    ];
    pairs.extend_from_slice(extra);
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&pairs))
        .init()
        .expect("init")
}

fn counter(telemetry: &Telemetry) -> Counter<u64> {
    telemetry
        .meter_provider()
        .meter("orders")
        .u64_counter(METRIC)
        .with_unit("{order}")
        .build()
}

const TIER: [(&str, &str); 1] = [("tier", "gold")];

/// Adds `n` in a new span named `name` (sampled: the default sampler).
fn add_in_span(telemetry: &Telemetry, orders: &Counter<u64>, name: &'static str, n: u64) {
    let tier = [KeyValue::new(TIER[0].0, TIER[0].1)];
    telemetry
        .tracer_provider()
        .tracer("orders")
        .in_span(name, |_| orders.add(n, &tier));
}

async fn flush(telemetry: &Telemetry) {
    tokio::task::block_in_place(|| telemetry.force_flush()).expect("flush");
}

/// The exemplars of the counter's point, and the point asserted to carry one of `span`.
fn exemplars_in(collector: &TestCollector, span: &SpanRecord, total: i64) -> Vec<ExemplarRecord> {
    let metrics = collector.metrics();
    let point = metrics
        .metric(METRIC)
        .point(&[("tier", TIER[0].1.into())])
        .has_value(total)
        .has_exemplar_in(span);
    point.record().exemplars.clone()
}

/// A counter added in a sampled span `pay` and once outside any span: its point
/// arrives with one exemplar, of `pay`, whose value is that measurement's.
async fn a_counter_point_names_its_span(collector: &TestCollector, endpoint: &str, protocol: &str) {
    let telemetry = init(endpoint, protocol, &[]);
    let orders = counter(&telemetry);
    add_in_span(&telemetry, &orders, "pay", 3);
    // Outside any span: not admitted by the default filter (`trace_based`).
    orders.add(4, &[KeyValue::new(TIER[0].0, TIER[0].1)]);
    flush(&telemetry).await;
    let spans = collector.wait_for_spans(1, WAIT).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    let got = exemplars_in(collector, spans.span("pay").record(), 7);
    assert_eq!(got.len(), 1, "{protocol}: one exemplar a counter point: {got:?}");
    assert_eq!(got[0].value, Number::Int(3), "{protocol}");
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_exemplar_arrives_over_grpc_and_http() {
    super::directly(a_counter_point_names_its_span).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_exemplar_passes_through_rotel() {
    super::through_rotel(a_counter_point_names_its_span).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_collection_samples_anew_and_always_off_keeps_none() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = init(&collector.endpoint(), "grpc", &[]);
    let orders = counter(&telemetry);
    for _ in 0..1_000 {
        add_in_span(&telemetry, &orders, "pay", 1);
    }
    flush(&telemetry).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    collector.reset();
    // Were the count of measurements not reset by the collection, this one would be
    // kept with a chance of 1 in 1,001.
    add_in_span(&telemetry, &orders, "refund", 1);
    flush(&telemetry).await;
    let spans = collector.wait_for_spans(1, WAIT).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    exemplars_in(&collector, spans.span("refund").record(), 1_001);
    super::shut_down(telemetry).await;

    let collector = TestCollector::start().await.expect("collector");
    let off = [("OTEL_METRICS_EXEMPLAR_FILTER", "always_off")];
    let telemetry = init(&collector.endpoint(), "grpc", &off);
    add_in_span(&telemetry, &counter(&telemetry), "pay", 1);
    flush(&telemetry).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    let metrics = collector.metrics();
    let point = metrics.metric(METRIC).point(&[("tier", TIER[0].1.into())]);
    assert!(point.record().exemplars.is_empty());
    super::shut_down(telemetry).await;
}
