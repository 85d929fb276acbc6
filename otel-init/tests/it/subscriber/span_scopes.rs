//! The subscriber `init()` installs gives each `tracing` span its target as the
//! instrumentation scope, as log records have theirs, through a real OTLP export; the
//! target is not left as an attribute.

use std::time::Duration;

use otel_kit_testing::TestCollector;

use crate::support::own_process::ran_in_own_process;

mod checkout {
    pub(super) fn place_order() {
        tracing::info_span!("place order").in_scope(|| tracing::info!("placed"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tracing_span_has_its_target_as_its_scope() {
    if ran_in_own_process(module_path!(), "each_tracing_span_has_its_target_as_its_scope") {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let telemetry = otel_kit_init::builder()
        .environment_variables([
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_BSP_SCHEDULE_DELAY", "20"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "20"),
        ])
        .init()
        .expect("init");
    checkout::place_order();
    tracing::info_span!(target: "payments::gateway", "charge card").in_scope(|| {});
    let spans = collector.wait_for_spans(2, Duration::from_secs(10)).await;
    let target = module_path!().to_owned() + "::checkout";
    let place = spans.span("place order");
    assert_eq!(place.record().scope.name, target);
    place.lacks_attribute("target");
    assert_eq!(spans.span("charge card").record().scope.name, "payments::gateway");
    // As the log record emitted in it.
    let logs = collector.wait_for_logs(1, Duration::from_secs(10)).await;
    assert_eq!(logs.record("placed").record().scope.name, target);
    tokio::task::spawn_blocking(move || telemetry.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}
