//! The process and tokio runtime metrics as `init()` wires them (`runtime-metrics`):
//! under otel-kit-init's scope, for the runtimes named before and after start-up, off
//! when asked. The metrics themselves are tested in otel-kit-runtime-metrics.

use std::time::Duration;

use otel_kit_init::Telemetry;
use otel_kit_testing::{AttributeValue, Metrics, TestCollector};

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);

fn init(collector: &TestCollector, extra: &[(&str, &str)]) -> otel_kit_init::Builder {
    let endpoint = collector.endpoint();
    let mut vars = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        // Only the flushes below export.
        ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
        ("OTEL_TRACES_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "runtime-metrics"),
    ];
    vars.extend_from_slice(extra);
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&vars))
}

/// One collection: what one flush exports.
async fn collect(collector: &TestCollector, telemetry: &Telemetry, wait_for: &str) -> Metrics {
    collector.reset();
    telemetry.meter_provider().force_flush().expect("flush");
    collector.wait_for_metric(wait_for, WAIT).await;
    collector.metrics()
}

async fn shut_down(telemetry: Telemetry) {
    tokio::task::spawn_blocking(move || telemetry.shutdown())
        .await
        .expect("join")
        .expect("clean shutdown");
}

/// A runtime built after `init()` is observed under its name, beside the current one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runtime_built_later_is_observed_under_its_name() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = init(&collector, &[]).init().expect("init");
    let late = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(3)
        .build()
        .expect("runtime");
    assert!(telemetry.observe_tokio_runtime("late", late.handle()));
    let metrics = collect(&collector, &telemetry, "tokio.worker.count").await;
    for (runtime, workers) in [("late", 3_i64), ("main", 2)] {
        metrics
            .metric("tokio.worker.count")
            .has_scope_name("otel-kit-init")
            .point(&[("tokio.runtime.name", AttributeValue::from(runtime))])
            .has_value(workers);
    }
    shut_down(telemetry).await;
    tokio::task::spawn_blocking(move || drop(late))
        .await
        .expect("join");
}

/// Off in code, with `OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED=false`, or with
/// `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED=false` (the Java agent's default for
/// every instrumentation no switch names): no `process.*` nor `tokio.*` metric, and no
/// runtime can be added.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turned_off_in_code_or_by_the_variable_nothing_is_registered() {
    let collector = TestCollector::start().await.expect("collector");
    let in_code = init(&collector, &[])
        .without_runtime_metrics()
        .init()
        .expect("init");
    let by_variable = init(
        &collector,
        &[("OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED", "false")],
    )
    .init()
    .expect("init");
    let by_common_default = init(
        &collector,
        &[("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false")],
    )
    .init()
    .expect("init");
    // Named on, it wins over the common default.
    let named_on = init(
        &collector,
        &[
            ("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false"),
            ("OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED", "true"),
        ],
    )
    .init()
    .expect("init");
    assert!(named_on.runtime_metrics_enabled());
    shut_down(named_on).await;
    for telemetry in [in_code, by_variable, by_common_default] {
        assert!(!telemetry.runtime_metrics_enabled());
        assert!(!telemetry.observe_tokio_runtime("late", &tokio::runtime::Handle::current()));
        // Something to wait for: the collection did happen.
        use opentelemetry::metrics::MeterProvider as _;
        telemetry
            .meter_provider()
            .meter("app")
            .u64_counter("app.marker")
            .build()
            .add(1, &[]);
        let metrics = collect(&collector, &telemetry, "app.marker").await;
        let ours: Vec<&str> = metrics
            .names()
            .into_iter()
            .filter(|n| n.starts_with("process.") || n.starts_with("tokio."))
            .collect();
        assert!(ours.is_empty(), "{ours:?}");
        shut_down(telemetry).await;
    }
}
