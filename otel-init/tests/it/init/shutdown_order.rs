//! Shutdown order: the meter provider's last export comes after the final span flush,
//! so the self-metrics it carries count every span that flush exported; and a
//! collector that never answers for spans neither holds shutdown past its bound nor
//! keeps that last metrics export from going out. Each alone in its own process: they
//! measure time.

use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value;
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use otel_kit_semconv::attribute::ERROR_TYPE;
use otel_kit_semconv::metric::{OTEL_SDK_EXPORTER_SPAN_EXPORTED, OTEL_SDK_PROCESSOR_SPAN_PROCESSED};
use otel_kit_testing::TestCollector;

use crate::support::own_process::ran_in_own_process;

/// The `otel.sdk.processor.span.processed` points of one export, by `error.type`
/// (`None`: passed to the exporter): `None` when the export does not carry the metric.
fn spans_processed(request: &ExportMetricsServiceRequest) -> Option<Vec<(Option<String>, i64)>> {
    span_counts(request, OTEL_SDK_PROCESSOR_SPAN_PROCESSED)
}

/// The points of the span counter `name` in one export, by `error.type`.
fn span_counts(request: &ExportMetricsServiceRequest, name: &str) -> Option<Vec<(Option<String>, i64)>> {
    let metric = request
        .resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .find(|m| m.name == name)?;
    let Some(metric::Data::Sum(sum)) = &metric.data else {
        panic!("{name} is not a sum: {metric:?}");
    };
    let points = sum
        .data_points
        .iter()
        .map(|p| {
            let error_type = p
                .attributes
                .iter()
                .find(|kv| kv.key == ERROR_TYPE)
                .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                    any_value::Value::StringValue(s) => Some(s.clone()),
                    _ => None,
                });
            let value = match p.value {
                Some(number_data_point::Value::AsInt(v)) => v,
                other => panic!("an integer count, not {other:?}"),
            };
            (error_type, value)
        })
        .collect();
    Some(points)
}

/// The environment of both tests: every export only at shutdown (no timer fires first).
fn at_shutdown_only(traces: String, metrics: String) -> impl Fn(&str) -> Option<String> + Send + Sync {
    move |key| {
        let value = match key {
            "OTEL_EXPORTER_OTLP_PROTOCOL" => "grpc",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" => &traces,
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" => &metrics,
            "OTEL_LOGS_EXPORTER" => "none",
            "OTEL_BSP_SCHEDULE_DELAY" | "OTEL_METRIC_EXPORT_INTERVAL" => "600000",
            _ => return None,
        };
        Some(value.to_owned())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_metrics_export_counts_every_span_of_the_final_flush() {
    if ran_in_own_process(
        module_path!(),
        "the_last_metrics_export_counts_every_span_of_the_final_flush",
    ) {
        return;
    }
    const SPANS: usize = 151;
    let collector = TestCollector::start().await.expect("collector");
    // Each export takes a moment, as over a real network: a metrics export started
    // beside the span export would read the span counters before it lands.
    collector.set_response_delay(Duration::from_millis(200));
    let endpoint = collector.endpoint();
    let t = otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_secs(5))
        .environment(at_shutdown_only(endpoint.clone(), endpoint))
        .init()
        .expect("init");
    let tracer = t.tracer_provider().tracer("app");
    for _ in 0..SPANS {
        tracer.in_span("work", |_| {});
    }
    assert!(collector.spans().is_empty(), "nothing exported before shutdown");
    let result = tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join");
    result.expect("a clean shutdown");
    assert_eq!(collector.spans().len(), SPANS, "every span exported at shutdown");
    let requests = collector.metric_requests();
    let last = requests
        .iter()
        .rev()
        .find_map(spans_processed)
        .expect("a metrics export with the span processor's counts");
    let exported: i64 = last
        .iter()
        .filter(|(error_type, _)| error_type.is_none())
        .map(|(_, v)| v)
        .sum();
    assert_eq!(
        exported,
        SPANS as i64,
        "the last metrics export ({} exports in all) says {last:?}",
        requests.len()
    );
    // What became of them is the exporter's metric (semantic conventions 1.44).
    let delivered = requests
        .iter()
        .rev()
        .find_map(|r| span_counts(r, OTEL_SDK_EXPORTER_SPAN_EXPORTED))
        .expect("a metrics export with the exporter's counts");
    assert!(
        delivered.contains(&(None, SPANS as i64)) && delivered.contains(&(Some("export_failed".into()), 0)),
        "{delivered:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_silent_for_spans_neither_holds_shutdown_nor_the_last_metrics() {
    if ran_in_own_process(
        module_path!(),
        "a_collector_silent_for_spans_neither_holds_shutdown_nor_the_last_metrics",
    ) {
        return;
    }
    let timeout = Duration::from_secs(1);
    let collector = TestCollector::start().await.expect("collector");
    // The metrics export takes 0.3 s: it lands within the bound only if it started
    // well before the span export gave up.
    collector.set_response_delay(Duration::from_millis(300));
    // Spans go to a black hole: connections accepted, never answered.
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let t = otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(timeout)
        .environment(at_shutdown_only(hole.endpoint(), collector.endpoint()))
        .init()
        .expect("init");
    let tracer = t.tracer_provider().tracer("app");
    for _ in 0..20 {
        tracer.in_span("lost", |_| {});
    }
    let started = Instant::now();
    let result = tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join");
    let took = started.elapsed();
    assert!(
        result.is_err(),
        "the span export cannot have finished: {result:?}"
    );
    // The bound, and the 50 ms the providers' own timeouts get beyond it; the rest is
    // scheduling slack on a loaded machine.
    assert!(
        took < timeout + Duration::from_millis(400),
        "shutdown took {took:?} with a {timeout:?} bound: {result:?}"
    );
    let requests = collector.metric_requests();
    assert!(
        requests.iter().any(|r| spans_processed(r).is_some()),
        "the metrics' last export never left: {} metric exports ({result:?})",
        requests.len()
    );
    drop(hole);
}
