//! The span and log queue processors' counters reach the collector as the semconv
//! metrics when `init()` builds the pipeline (it registers them on its meter provider).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_testing::TestCollector;

/// The `error.type = queue_full` point of `metric`, once the collector has it.
fn queue_full(metrics: &otel_kit_testing::Metrics, metric: &str) -> Option<otel_kit_testing::Number> {
    match &metrics.find(metric)?.data {
        otel_kit_testing::MetricData::Sum { points, .. } => points
            .iter()
            .find(|p| {
                p.attributes
                    .iter()
                    .any(|(k, v)| k == "error.type" && *v == "queue_full".into())
            })
            .map(|p| p.value),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drops_are_reported_to_the_collector_as_the_semconv_metric() {
    let collector = TestCollector::start().await.expect("collector");
    // Traces go to a black hole: accepted connections that never answer.
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let env: HashMap<&str, String> = HashMap::from([
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", hole.endpoint()),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", collector.endpoint()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "16".to_owned()),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "20".to_owned()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "100".to_owned()),
    ]);
    let t = otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_millis(500))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("init");
    let tracer = t.tracer_provider().tracer("app");
    for _ in 0..1000 {
        tracer.in_span("lost", |_| {});
    }
    let dropped = t.dropped_spans();
    assert!(dropped >= 1000 - 16 - 8, "dropped {dropped}");
    let stats = t.span_queue_stats().expect("an OTLP traces pipeline");
    assert_eq!(stats.ended(), 1000);

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = collector.metrics();
        let reported = queue_full(&metrics, "otel.sdk.processor.span.processed");
        if reported == Some(otel_kit_testing::Number::Int(dropped as i64)) {
            let m = metrics.metric("otel.sdk.processor.span.processed");
            m.has_unit("{span}").is_counter();
            m.point(&[
                ("error.type", "queue_full".into()),
                ("otel.component.type", "batching_span_processor".into()),
            ])
            .has_value(dropped as i64);
            // Semantic conventions 1.44: a span is processed once it is passed to the
            // exporter, not when the export concludes. The black hole holds the first
            // batch's export open, so nothing is exported, yet that batch is processed.
            let submitted = stats.submitted();
            assert_eq!(
                (submitted, stats.exported()),
                (8, 0),
                "one batch out, none delivered"
            );
            let Some(otel_kit_testing::MetricData::Sum { points, .. }) =
                metrics.find("otel.sdk.processor.span.processed").map(|m| &m.data)
            else {
                unreachable!("found above")
            };
            let processed = points
                .iter()
                .find(|p| !p.attributes.iter().any(|(k, _)| k == "error.type"))
                .map(|p| p.value);
            assert_eq!(processed, Some(otel_kit_testing::Number::Int(8)), "{points:?}");
            metrics
                .metric("otel.sdk.processor.span.queue.capacity")
                .point(&[])
                .has_value(16);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "drops never reported; last: {reported:?}\n{}",
            metrics.listing()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = tokio::task::spawn_blocking(move || t.shutdown()).await;
    drop(hole);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_record_drops_are_reported_to_the_collector_as_the_semconv_metric() {
    let collector = TestCollector::start().await.expect("collector");
    // Logs go to a black hole: accepted connections that never answer.
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let env: HashMap<&str, String> = HashMap::from([
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", hole.endpoint()),
        // The black hole holds the first batch's export open past the checks below.
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "60000".to_owned()),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", collector.endpoint()),
        ("OTEL_TRACES_EXPORTER", "none".to_owned()),
        ("OTEL_BLRP_MAX_QUEUE_SIZE", "16".to_owned()),
        ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "8".to_owned()),
        ("OTEL_BLRP_SCHEDULE_DELAY", "20".to_owned()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "100".to_owned()),
    ]);
    let t = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .shutdown_timeout(Duration::from_millis(500))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("init");
    let logger = t.logger_provider().logger("app");
    for i in 0..1000 {
        let mut record = logger.create_log_record();
        record.set_body(format!("lost {i}").into());
        logger.emit(record);
    }
    let stats = t.log_queue_stats().expect("an OTLP logs pipeline");
    let dropped = stats.dropped();
    assert!(dropped >= 1000 - 16 - 8, "dropped {dropped}");
    assert_eq!((stats.ended(), stats.capacity()), (1000, 16));

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = collector.metrics();
        let reported = queue_full(&metrics, "otel.sdk.processor.log.processed");
        if reported == Some(otel_kit_testing::Number::Int(dropped as i64)) {
            let m = metrics.metric("otel.sdk.processor.log.processed");
            m.has_unit("{log_record}").is_counter();
            m.point(&[
                ("error.type", "queue_full".into()),
                ("otel.component.type", "batching_log_processor".into()),
            ])
            .has_value(dropped as i64);
            // The black hole holds the first batch's export open: processed, not exported.
            assert_eq!((stats.submitted(), stats.exported()), (8, 0));
            metrics
                .metric("otel.sdk.processor.log.queue.capacity")
                .point(&[])
                .has_value(16);
            metrics
                .metric("otel.sdk.exporter.log.exported")
                .point(&[
                    ("otel.component.type", "otlp_grpc_log_exporter".into()),
                    ("error.type", "export_failed".into()),
                ])
                .has_value(0);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "drops never reported; last: {reported:?}\n{}",
            metrics.listing()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = tokio::task::spawn_blocking(move || t.shutdown()).await;
    drop(hole);
}
