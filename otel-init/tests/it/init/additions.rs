//! What an application adds to `init()`'s pipelines (`Builder::with_span_processor`,
//! `with_log_processor`, `with_metric_reader`, `with_view`): each sees the telemetry
//! after redaction, beside the exporting pipeline, which keeps its counted queue.

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Key, KeyValue, Value};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SimpleLogProcessor};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, Instrument, PeriodicReader, Stream};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SimpleSpanProcessor};
use otel_kit_init::Exporter;
use otel_kit_testing::TestCollector;

const CARD: &str = "paid with 4111 1111 1111 1111";

fn builder() -> otel_kit_init::Builder {
    otel_kit_init::builder()
        .environment(|_| None)
        .service_name("additions")
        .without_globals()
        .without_tracing_subscriber()
}

#[test]
fn an_audit_processor_sees_every_ended_span_already_redacted_beside_the_otlp_queue() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let collector = runtime.block_on(TestCollector::start()).unwrap();
    let audit = InMemorySpanExporter::default();
    let telemetry = builder()
        .otlp_endpoint(collector.endpoint())
        .traces_exporter(Exporter::Otlp)
        .metrics_exporter(Exporter::None)
        .logs_exporter(Exporter::None)
        .with_span_processor(SimpleSpanProcessor::new(audit.clone()))
        .init()
        .unwrap();
    let tracer = telemetry.tracer_provider().tracer("audit-test");
    for i in 0..20 {
        let mut span = tracer.start(format!("charge {i}"));
        span.set_attribute(KeyValue::new("note", CARD));
        span.set_attribute(KeyValue::new("db.password", "hunter2"));
        span.set_attribute(KeyValue::new("order.id", i));
        span.end();
    }
    telemetry.force_flush().unwrap();

    let seen = audit.get_finished_spans().unwrap();
    assert_eq!(seen.len(), 20, "every ended span");
    for span in &seen {
        let value = |key: &str| {
            span.attributes
                .iter()
                .find(|kv| kv.key.as_str() == key)
                .map(|kv| kv.value.clone())
        };
        assert_eq!(
            value("note"),
            Some(Value::from("paid with [REDACTED:card]")),
            "{}",
            span.name
        );
        assert_eq!(value("db.password"), None, "dropped by the default rules");
        assert!(value("order.id").is_some());
    }
    // The exporting pipeline is unchanged: its queue counts, and the collector gets all.
    let stats = telemetry.span_queue_stats().expect("an OTLP queue");
    assert_eq!(stats.dropped(), 0);
    let received = runtime.block_on(collector.wait_for_spans(20, std::time::Duration::from_secs(10)));
    assert_eq!(received.len(), 20);
    telemetry.shutdown().unwrap();
}

#[test]
fn an_added_log_processor_sees_records_redacted_even_without_a_log_exporter() {
    let audit = InMemoryLogExporter::default();
    let telemetry = builder()
        .exporter(Exporter::None)
        .with_log_processor(SimpleLogProcessor::new(audit.clone()))
        .init()
        .unwrap();
    let logger = telemetry.logger_provider().logger("audit-test");
    let mut record = logger.create_log_record();
    record.set_body(CARD.into());
    record.add_attribute("session.cookie", "abc");
    record.add_attribute("order.id", 7);
    logger.emit(record);

    let logs = audit.get_emitted_logs().unwrap();
    assert_eq!(logs.len(), 1);
    let record = &logs[0].record;
    assert_eq!(record.body(), Some(&AnyValue::from("paid with [REDACTED:card]")));
    let keys: Vec<&str> = record.attributes_iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["order.id"], "the cookie is dropped");
    telemetry.shutdown().unwrap();
}

#[test]
fn an_added_metric_reader_and_view_shape_what_the_application_records() {
    let exporter = InMemoryMetricExporter::default();
    let telemetry = builder()
        .exporter(Exporter::None)
        .with_metric_reader(PeriodicReader::builder(exporter.clone()).build())
        .with_view(|i: &Instrument| {
            if i.name() != "orders" {
                return None;
            }
            Stream::builder().with_name("shop.orders").build().ok()
        })
        .init()
        .unwrap();
    let counter = telemetry
        .meter_provider()
        .meter("audit-test")
        .u64_counter("orders")
        .build();
    counter.add(3, &[]);
    counter.add(4, &[]);
    telemetry.force_flush().unwrap();

    let exported: Vec<ResourceMetrics> = exporter.get_finished_metrics().unwrap();
    let sum = exported
        .iter()
        .flat_map(ResourceMetrics::scope_metrics)
        .flat_map(|s| s.metrics())
        .find(|m| m.name() == "shop.orders")
        .map(|m| match m.data() {
            AggregatedMetrics::U64(MetricData::Sum(sum)) => sum.data_points().map(|p| p.value()).sum::<u64>(),
            other => panic!("a u64 sum, not {other:?}"),
        });
    assert_eq!(sum, Some(7), "renamed by the view, read by the added reader");
    let resource_name = exported[0].resource().get(&Key::from_static_str("service.name"));
    assert_eq!(
        resource_name,
        Some(Value::from("additions")),
        "the shared resource"
    );
    telemetry.shutdown().unwrap();
}

#[test]
fn otel_sdk_disabled_turns_off_what_was_added_too() {
    let audit = InMemorySpanExporter::default();
    let telemetry = otel_kit_init::builder()
        .environment(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".to_owned()))
        .without_globals()
        .without_tracing_subscriber()
        .with_span_processor(SimpleSpanProcessor::new(audit.clone()))
        .init()
        .unwrap();
    telemetry.tracer_provider().tracer("t").start("x").end();
    assert!(audit.get_finished_spans().unwrap().is_empty());
}

#[test]
fn a_custom_sampler_decides_inside_init_with_health_checks_still_excluded() {
    use opentelemetry::trace::SpanKind;
    use opentelemetry_sdk::trace::{Sampler, SamplingDecision, SamplingResult, ShouldSample};
    use otel_kit_init::sampling::Sampling;

    // Keeps only spans whose name starts with "checkout".
    #[derive(Clone, Debug)]
    struct CheckoutOnly;
    impl ShouldSample for CheckoutOnly {
        fn should_sample(
            &self,
            parent: Option<&opentelemetry::Context>,
            trace_id: opentelemetry::trace::TraceId,
            name: &str,
            kind: &SpanKind,
            attributes: &[KeyValue],
            links: &[opentelemetry::trace::Link],
        ) -> SamplingResult {
            let inner = if name.starts_with("checkout") {
                Sampler::AlwaysOn
            } else {
                Sampler::AlwaysOff
            };
            let mut result = inner.should_sample(parent, trace_id, name, kind, attributes, links);
            if result.decision == SamplingDecision::RecordAndSample {
                result.attributes.push(KeyValue::new("sampler", "checkout-only"));
            }
            result
        }
    }

    let audit = InMemorySpanExporter::default();
    let telemetry = builder()
        .exporter(Exporter::None)
        .sampling(Sampling::custom("checkout only", CheckoutOnly).excluding_health_checks())
        .with_span_processor(SimpleSpanProcessor::new(audit.clone()))
        .init()
        .unwrap();
    assert!(
        telemetry
            .effective_config()
            .to_string()
            .contains("sampler=custom(checkout only) excluding routes")
    );
    let tracer = telemetry.tracer_provider().tracer("t");
    tracer.start("checkout pay").end();
    tracer.start("browse").end();
    tracer
        .span_builder("checkout health")
        .with_attributes([KeyValue::new("http.route", "/health")])
        .start(&tracer)
        .end();

    let names: Vec<String> = audit
        .get_finished_spans()
        .unwrap()
        .into_iter()
        .map(|s| s.name.into_owned())
        .collect();
    assert_eq!(names, ["checkout pay"]);
    let kept = &audit.get_finished_spans().unwrap()[0];
    assert!(
        kept.attributes
            .contains(&KeyValue::new("sampler", "checkout-only"))
    );
    assert!(matches!(
        telemetry.control().set_sampling_ratio(0.5),
        Err(otel_kit_init::ControlError::NotRatioBased { .. })
    ));
}
