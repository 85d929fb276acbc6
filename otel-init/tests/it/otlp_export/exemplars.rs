//! Exemplars end to end: histogram measurements made in sampled spans arrive on their
//! data points, one per bucket (the latest), each naming a span the collector received;
//! the filter (`OTEL_METRICS_EXEMPLAR_FILTER` or the builder) decides which are kept;
//! delta points do not repeat the last period's.

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState, Tracer as _,
    TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use otel_kit_init::Telemetry;
use otel_kit_init::config::ExemplarFilter;
use otel_kit_testing::{ExemplarRecord, Number, TestCollector};

use super::WAIT;
use crate::support::env;

const METRIC: &str = "http.server.request.duration";

fn init(endpoint: &str, protocol: &str, extra: &[(&str, &str)], filter: Option<ExemplarFilter>) -> Telemetry {
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
    let mut builder = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&pairs));
    if let Some(filter) = filter {
        builder = builder.exemplar_filter(filter);
    }
    builder.init().expect("init")
}

/// Records `value` seconds on route `/a` in a new span named `name` (or outside any
/// span for `None`), under a parent whose sampled flag is `sampled`.
fn measure(telemetry: &Telemetry, name: Option<&'static str>, value: f64, sampled: bool) {
    let histogram = telemetry
        .meter_provider()
        .meter("orders")
        .f64_histogram(METRIC)
        .with_unit("s")
        .with_boundaries(vec![0.01, 0.1, 1.0])
        .build();
    let attributes = [KeyValue::new("http.route", "/a")];
    let Some(name) = name else {
        histogram.record(value, &attributes);
        return;
    };
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    let parent = Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(0x5eed_u128 + u128::from(sampled)),
        SpanId::from(0x77_u64),
        flags,
        true,
        TraceState::NONE,
    ));
    let tracer = telemetry.tracer_provider().tracer("orders");
    // The default sampler follows the parent.
    let span = tracer.start_with_context(name, &parent);
    let cx = parent.with_span(span);
    let _attached = cx.clone().attach();
    histogram.record(value, &attributes);
    cx.span().end();
}

async fn flush(telemetry: &Telemetry) {
    tokio::task::block_in_place(|| telemetry.force_flush()).expect("flush");
}

fn exemplars(collector: &TestCollector) -> Vec<ExemplarRecord> {
    let metrics = collector.metrics();
    let point = metrics
        .metric(METRIC)
        .histogram_point(&[("http.route", "/a".into())])
        .record();
    point.exemplars.clone()
}

fn value(e: &ExemplarRecord) -> f64 {
    match e.value {
        Number::Double(d) => d,
        Number::Int(i) => i as f64,
    }
}

/// Four measurements in sampled spans (two in one bucket), one in an unsampled span:
/// three exemplars, one per bucket, the latest of the shared bucket, each a span the
/// collector received.
async fn one_per_bucket_naming_received_spans(collector: &TestCollector, endpoint: &str, protocol: &str) {
    let telemetry = init(endpoint, protocol, &[], None);
    measure(&telemetry, Some("fast"), 0.005, true);
    measure(&telemetry, Some("medium"), 0.05, true);
    measure(&telemetry, Some("medium again"), 0.06, true);
    measure(&telemetry, Some("unsampled"), 0.07, false);
    measure(&telemetry, Some("slow"), 5.0, true);
    flush(&telemetry).await;
    let spans = collector.wait_for_spans(4, WAIT).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    let got = exemplars(collector);
    let values: Vec<f64> = got.iter().map(value).collect();
    assert_eq!(values, [0.005, 0.06, 5.0], "{protocol}: {got:?}");
    let named: Vec<&str> = got
        .iter()
        .map(|e| {
            let span = spans
                .iter()
                .find(|s| Some(&s.trace_id) == e.trace_id.as_ref() && Some(&s.span_id) == e.span_id.as_ref())
                .unwrap_or_else(|| panic!("{protocol}: exemplar {e:?} names no received span"));
            span.name.as_str()
        })
        .collect();
    assert_eq!(named, ["fast", "medium again", "slow"], "{protocol}");
    collector
        .metrics()
        .metric(METRIC)
        .histogram_point(&[("http.route", "/a".into())])
        .has_exemplar_in(spans.span("slow").record());
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exemplars_arrive_over_grpc_and_http_and_name_received_spans() {
    super::directly(one_per_bucket_naming_received_spans).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exemplars_pass_through_rotel() {
    super::through_rotel(one_per_bucket_naming_received_spans).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_off_keeps_none_and_the_builder_wins_over_the_variable() {
    for (variable, builder) in [
        ("always_off", None),
        ("always_on", Some(ExemplarFilter::AlwaysOff)),
    ] {
        let collector = TestCollector::start().await.expect("collector");
        let extra = [("OTEL_METRICS_EXEMPLAR_FILTER", variable)];
        let telemetry = init(&collector.endpoint(), "grpc", &extra, builder);
        measure(&telemetry, Some("sampled"), 0.05, true);
        flush(&telemetry).await;
        collector.wait_for_metric(METRIC, WAIT).await;
        assert!(exemplars(&collector).is_empty(), "{variable} / {builder:?}");
        telemetry.shutdown().expect("shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_on_keeps_measurements_outside_spans_without_ids() {
    let collector = TestCollector::start().await.expect("collector");
    let extra = [("OTEL_METRICS_EXEMPLAR_FILTER", "always_on")];
    let telemetry = init(&collector.endpoint(), "grpc", &extra, None);
    measure(&telemetry, Some("unsampled"), 0.005, false);
    measure(&telemetry, None, 0.5, true);
    flush(&telemetry).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    let got = exemplars(&collector);
    assert_eq!(got.len(), 2, "{got:?}");
    // always_on keeps the unsampled span's measurement, with its ids.
    assert!(
        got[0].trace_id.as_deref().is_some_and(|t| t.ends_with("5eed")),
        "{got:?}"
    );
    assert!(
        got[0].span_id.as_deref().is_some_and(|s| s.len() == 16),
        "{got:?}"
    );
    assert_eq!(
        (got[1].trace_id.as_deref(), got[1].span_id.as_deref()),
        (None, None),
        "{got:?}"
    );
    telemetry.shutdown().expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_point_carries_only_its_own_periods_exemplars() {
    let collector = TestCollector::start().await.expect("collector");
    let extra = [("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta")];
    let telemetry = init(&collector.endpoint(), "grpc", &extra, None);
    measure(&telemetry, Some("first"), 0.05, true);
    flush(&telemetry).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    assert_eq!(
        exemplars(&collector).iter().map(value).collect::<Vec<_>>(),
        [0.05]
    );
    collector.reset();
    measure(&telemetry, Some("second"), 0.5, true);
    flush(&telemetry).await;
    collector.wait_for_metric(METRIC, WAIT).await;
    assert_eq!(exemplars(&collector).iter().map(value).collect::<Vec<_>>(), [0.5]);
    telemetry.shutdown().expect("shutdown");
}
