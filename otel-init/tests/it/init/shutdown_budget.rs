//! Shutdown flushes spans and logs side by side, then metrics (whose last export must
//! count the final span flush): three slow exports, one after the other, would not fit
//! the budget; two rounds do.

use std::time::Duration;

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_testing::TestCollector;

use crate::support::env;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_signal_gets_flushed_when_each_export_fits_the_budget() {
    let collector = TestCollector::start().await.expect("collector");
    // Each export takes 0.8 s; the shutdown budget is 2 s: spans and logs together, then
    // metrics, fit (1.6 s); the three one after the other would not (2.4 s).
    collector.set_response_delay(Duration::from_millis(800));
    let endpoint = collector.endpoint();
    let t = otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_secs(2))
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "600000"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
        ]))
        .init()
        .expect("init");
    t.tracer_provider().tracer("app").in_span("work", |_| {});
    let logger = t.logger_provider().logger("app");
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Info);
    record.set_body("last words".into());
    logger.emit(record);
    t.meter_provider()
        .meter("app")
        .u64_counter("jobs")
        .build()
        .add(1, &[]);

    let started = std::time::Instant::now();
    let result = tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join");
    let took = started.elapsed();
    // A real program exits right after shutdown returns: what has not landed by now is lost.
    let (spans, logs, metrics) = (
        collector.spans().len(),
        collector.logs().len(),
        collector.metrics().names().len(),
    );
    assert!(
        spans == 1 && logs == 1 && metrics > 0,
        "shutdown returned {result:?} after {took:?}; delivered by then: spans={spans} logs={logs} metric names={metrics}"
    );
}
