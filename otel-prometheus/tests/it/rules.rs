//! The exposition's rules that only show across instruments: one family per
//! Prometheus name, the text format's counter names, `target_info` only for a
//! resource, and one warning per colliding name.

use std::io::Write;
use std::sync::{Arc, Mutex};

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use otel_kit_prometheus::{ExpositionFormat, PrometheusReader};

fn provider(resource: Resource) -> (SdkMeterProvider, PrometheusReader) {
    let reader = PrometheusReader::new(None);
    let provider = SdkMeterProvider::builder()
        .with_resource(resource)
        .with_reader(reader.clone())
        .build();
    (provider, reader)
}

fn render(reader: &PrometheusReader, format: ExpositionFormat) -> String {
    String::from_utf8(reader.render(format)).expect("the exposition is UTF-8")
}

/// The `tracing` events of the current thread, as text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("no panic while holding it")
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The text and OpenMetrics expositions, and what was logged while they were written.
fn rendered_with_log(reader: &PrometheusReader) -> (String, String, String) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let (text, open_metrics) = tracing::subscriber::with_default(subscriber, || {
        (
            render(reader, ExpositionFormat::Text),
            render(reader, ExpositionFormat::OpenMetrics),
        )
    });
    let log = String::from_utf8(captured.0.lock().expect("no panic while holding it").clone())
        .expect("the log is UTF-8");
    (text, open_metrics, log)
}

#[test]
fn colliding_instruments_keep_the_first_and_warn_once() {
    // "Exporters MUST drop entire metrics to prevent conflicting TYPE comments ... the
    // exporter SHOULD warn the user through error logging."
    let (provider, reader) = provider(Resource::builder_empty().build());
    let meter = provider.meter("shop");
    meter.u64_counter("shop.orders").build().add(1, &[]);
    meter.u64_counter("shop_orders").build().add(2, &[]);
    let other = provider.meter_with_scope(InstrumentationScope::builder("x.other").build());
    other.f64_gauge("shop.orders").build().record(9.0, &[]);

    let (first, second, log) = rendered_with_log(&reader);
    let samples: Vec<&str> = first.lines().filter(|l| l.starts_with("shop_orders")).collect();
    assert_eq!(samples, [r#"shop_orders_total{otel_scope_name="shop"} 1"#]);
    assert_eq!(first.matches("# TYPE shop_orders").count(), 1, "{first}");
    assert!(
        second.contains("shop_orders_total{otel_scope_name=\"shop\"} 1\n"),
        "{second}"
    );
    assert!(
        !second.contains(" 9"),
        "the gauge of the same name is left out: {second}"
    );
    assert_eq!(
        log.matches("two instruments have this Prometheus name").count(),
        1,
        "{log}"
    );
    assert!(log.contains("shop_orders"), "{log}");
}

#[test]
fn the_text_format_names_counters_by_their_sample_and_has_no_openmetrics_lines() {
    let (provider, reader) = provider(Resource::builder_empty().build());
    let meter = provider.meter("shop");
    meter
        .u64_counter("bytes.sent")
        .with_unit("By")
        .with_description("Sent.\nAll of it.")
        .build()
        .add(7, &[]);
    let text = render(&reader, ExpositionFormat::Text);
    assert_eq!(
        text,
        "# HELP bytes_sent_bytes_total Sent.\\nAll of it.\n# TYPE bytes_sent_bytes_total counter\nbytes_sent_bytes_total{otel_scope_name=\"shop\"} 7\n"
    );
    let open_metrics = render(&reader, ExpositionFormat::OpenMetrics);
    assert_eq!(
        open_metrics,
        "# TYPE bytes_sent_bytes counter\n# UNIT bytes_sent_bytes bytes\n# HELP bytes_sent_bytes Sent.\\nAll of it.\nbytes_sent_bytes_total{otel_scope_name=\"shop\"} 7\n# EOF\n"
    );
}

#[test]
fn target_info_is_the_resource_and_only_when_there_is_one() {
    // "an OpenTelemetry Resource SHOULD be converted to a `target` info metric if the
    // resource is not empty"
    let (provider, reader) = provider(Resource::builder_empty().build());
    provider.meter("shop").u64_counter("c").build().add(1, &[]);
    assert!(!render(&reader, ExpositionFormat::Text).contains("target_info"));

    let (provider, reader) = provider_with(KeyValue::new("service.instance.id", "a\"b"));
    provider.meter("shop").u64_counter("c").build().add(1, &[]);
    let text = render(&reader, ExpositionFormat::Text);
    assert!(
        text.starts_with("# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{service_instance_id=\"a\\\"b\"} 1\n"),
        "{text}"
    );
}

fn provider_with(attribute: KeyValue) -> (SdkMeterProvider, PrometheusReader) {
    provider(Resource::builder_empty().with_attribute(attribute).build())
}

#[test]
fn a_metric_named_like_the_resource_family_is_left_out() {
    let (provider, reader) = provider_with(KeyValue::new("service.name", "shop"));
    provider
        .meter("shop")
        .f64_gauge("target.info")
        .build()
        .record(5.0, &[]);
    let text = render(&reader, ExpositionFormat::Text);
    assert_eq!(text.matches("# TYPE target_info").count(), 1, "{text}");
    assert!(!text.contains(" 5\n"), "{text}");
}

#[test]
fn a_family_whose_sample_names_are_taken_is_left_out_with_a_warning() {
    // A counter `shop.orders` writes `shop_orders_total`, which a gauge named
    // `shop.orders.total` would write too; a histogram `shop.latency` writes
    // `shop_latency_count`, a gauge `shop.latency.count`'s name.
    let (provider, reader) = provider(Resource::builder_empty().build());
    let meter = provider.meter("shop");
    meter.u64_counter("shop.orders").build().add(1, &[]);
    meter.f64_gauge("shop.orders.total").build().record(9.0, &[]);
    meter.f64_histogram("shop.latency").build().record(0.5, &[]);
    meter.u64_gauge("shop.latency.count").build().record(42, &[]);

    let (text, open_metrics, log) = rendered_with_log(&reader);
    for exposition in [&text, &open_metrics] {
        let orders: Vec<&str> = exposition
            .lines()
            .filter(|l| l.starts_with("shop_orders_total"))
            .collect();
        assert_eq!(
            orders,
            [r#"shop_orders_total{otel_scope_name="shop"} 1"#],
            "{exposition}"
        );
        let counts: Vec<&str> = exposition
            .lines()
            .filter(|l| l.starts_with("shop_latency_count"))
            .collect();
        assert_eq!(
            counts,
            [r#"shop_latency_count{otel_scope_name="shop"} 1"#],
            "{exposition}"
        );
        assert!(
            !exposition.contains(" 9\n") && !exposition.contains(" 42\n"),
            "{exposition}"
        );
    }
    assert_eq!(
        log.matches("sample names are another instrument's").count(),
        2,
        "{log}"
    );
}

#[test]
fn open_metrics_has_no_sum_for_a_histogram_with_negative_bounds() {
    // "Negative threshold buckets MAY be used, but then the Histogram MetricPoint MUST
    // NOT contain a sum value" (OpenMetrics 1.0); the text format keeps it.
    let (provider, reader) = provider(Resource::builder_empty().build());
    let meter = provider.meter("shop");
    let drift = meter
        .f64_histogram("shop.clock.drift")
        .with_boundaries(vec![-1.0, 0.0, 1.0])
        .build();
    drift.record(-0.5, &[]);
    drift.record(0.25, &[]);
    meter
        .f64_histogram("shop.latency")
        .with_boundaries(vec![0.1, 1.0])
        .build()
        .record(0.5, &[]);

    let open_metrics = render(&reader, ExpositionFormat::OpenMetrics);
    assert!(!open_metrics.contains("shop_clock_drift_sum"), "{open_metrics}");
    assert!(
        open_metrics.contains("shop_clock_drift_count{otel_scope_name=\"shop\"} 2\n"),
        "{open_metrics}"
    );
    assert!(
        open_metrics.contains("shop_latency_sum{otel_scope_name=\"shop\"} 0.5\n"),
        "{open_metrics}"
    );
    let text = render(&reader, ExpositionFormat::Text);
    assert!(
        text.contains("shop_clock_drift_sum{otel_scope_name=\"shop\"} -0.25\n"),
        "{text}"
    );
}
