//! The span and log queue processors' counters reach the collector as the semconv
//! metrics when `init()` builds the pipeline (it registers them on its meter provider).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Telemetry;
use otel_kit_testing::{MetricData, Number, TestCollector};

/// One signal's queue, as the test drives it.
struct Queue {
    /// The signal's part of the metric names: `span`, `log`.
    signal: &'static str,
    /// The endpoint variable pointed at the black hole.
    endpoint: &'static str,
    /// The exporter variable of the other signal with a queue, set to `none`.
    other_off: &'static str,
    /// The batch variables' prefix: `OTEL_BSP`, `OTEL_BLRP`.
    batch: &'static str,
    unit: &'static str,
    processor_type: &'static str,
    exporter_type: &'static str,
    /// Makes 1,000 items.
    make: fn(&Telemetry),
    /// The queue's ended, dropped, submitted and exported counts, and its capacity.
    counts: fn(&Telemetry) -> [u64; 5],
}

/// The `error.type = queue_full` point of `metric`, once the collector has it.
fn queue_full(metrics: &otel_kit_testing::Metrics, metric: &str) -> Option<Number> {
    match &metrics.find(metric)?.data {
        MetricData::Sum { points, .. } => points
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

/// Sends 1,000 items into a 16-item queue whose exports go to a black hole (accepted
/// connections that never answer), and checks the drops, what was passed to the
/// exporter and the capacity as the collector receives them.
async fn drops_reach_the_collector(queue: Queue) {
    let collector = TestCollector::start().await.expect("collector");
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let batch = queue.batch;
    let env: HashMap<String, String> = HashMap::from([
        ("OTEL_EXPORTER_OTLP_PROTOCOL".to_owned(), "grpc".to_owned()),
        (queue.endpoint.to_owned(), hole.endpoint()),
        (
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT".to_owned(),
            collector.endpoint(),
        ),
        // The black hole holds the first batch's export open past the checks below.
        ("OTEL_EXPORTER_OTLP_TIMEOUT".to_owned(), "60000".to_owned()),
        (queue.other_off.to_owned(), "none".to_owned()),
        (format!("{batch}_MAX_QUEUE_SIZE"), "16".to_owned()),
        (format!("{batch}_MAX_EXPORT_BATCH_SIZE"), "8".to_owned()),
        (format!("{batch}_SCHEDULE_DELAY"), "20".to_owned()),
        ("OTEL_METRIC_EXPORT_INTERVAL".to_owned(), "100".to_owned()),
    ]);
    let t = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .shutdown_timeout(Duration::from_millis(500))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("init");
    (queue.make)(&t);
    let [ended, dropped, ..] = (queue.counts)(&t);
    assert!(dropped >= 1000 - 16 - 8, "dropped {dropped}");
    assert_eq!(ended, 1000);

    let processed = format!("otel.sdk.processor.{}.processed", queue.signal);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = collector.metrics();
        let reported = queue_full(&metrics, &processed);
        if reported == Some(Number::Int(dropped as i64)) {
            let m = metrics.metric(&processed);
            m.has_unit(queue.unit).is_counter();
            m.point(&[
                ("error.type", "queue_full".into()),
                ("otel.component.type", queue.processor_type.into()),
            ])
            .has_value(dropped as i64);
            // Semantic conventions 1.44: an item is processed once it is passed to the
            // exporter, not when the export concludes. The black hole holds the first
            // batch's export open, so nothing is exported, yet that batch is processed.
            let [_, _, submitted, exported, capacity] = (queue.counts)(&t);
            assert_eq!((submitted, exported), (8, 0), "one batch out, none delivered");
            assert_eq!(capacity, 16);
            let Some(MetricData::Sum { points, .. }) = metrics.find(&processed).map(|m| &m.data) else {
                unreachable!("found above")
            };
            let passed = points
                .iter()
                .find(|p| !p.attributes.iter().any(|(k, _)| k == "error.type"))
                .map(|p| p.value);
            assert_eq!(passed, Some(Number::Int(8)), "{points:?}");
            metrics
                .metric(&format!("otel.sdk.processor.{}.queue.capacity", queue.signal))
                .point(&[])
                .has_value(16);
            metrics
                .metric(&format!("otel.sdk.exporter.{}.exported", queue.signal))
                .point(&[
                    ("otel.component.type", queue.exporter_type.into()),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drops_are_reported_to_the_collector_as_the_semconv_metric() {
    drops_reach_the_collector(Queue {
        signal: "span",
        endpoint: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        other_off: "OTEL_LOGS_EXPORTER",
        batch: "OTEL_BSP",
        unit: "{span}",
        processor_type: "batching_span_processor",
        exporter_type: "otlp_grpc_span_exporter",
        make: |t| {
            let tracer = t.tracer_provider().tracer("app");
            for _ in 0..1000 {
                tracer.in_span("lost", |_| {});
            }
        },
        counts: |t| {
            let s = t.span_queue_stats().expect("an OTLP traces pipeline");
            // The guard's own count is the queue's.
            assert_eq!(t.dropped_spans(), s.dropped());
            [s.ended(), s.dropped(), s.submitted(), s.exported(), s.capacity()]
        },
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_record_drops_are_reported_to_the_collector_as_the_semconv_metric() {
    drops_reach_the_collector(Queue {
        signal: "log",
        endpoint: "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        other_off: "OTEL_TRACES_EXPORTER",
        batch: "OTEL_BLRP",
        unit: "{log_record}",
        processor_type: "batching_log_processor",
        exporter_type: "otlp_grpc_log_exporter",
        make: |t| {
            let logger = t.logger_provider().logger("app");
            for i in 0..1000 {
                let mut record = logger.create_log_record();
                record.set_body(format!("lost {i}").into());
                logger.emit(record);
            }
        },
        counts: |t| {
            let s = t.log_queue_stats().expect("an OTLP logs pipeline");
            [s.ended(), s.dropped(), s.submitted(), s.exported(), s.capacity()]
        },
    })
    .await;
}
