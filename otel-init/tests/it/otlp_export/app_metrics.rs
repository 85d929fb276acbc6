//! Application metrics (`otel_kit_init::app_metrics`) through `init()` and a real
//! collector (rotel): an attribute key the metric did not declare is absent from the
//! exported point, with one warning however often it is recorded, and the declared
//! ones arrive. The instruments are declared after `init()` built the provider: the
//! view `init()` installs reads the declarations when the SDK creates the instrument.

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use otel_kit_init::app_metrics::{AppCounter, AppUpDownCounter, DurationHistogram};
use otel_kit_testing::{MetricData, TestCollector};

use super::{WAIT, through_rotel};
use crate::support::env;
use crate::support::subscriber::Capture;

/// Each metric's points' attribute keys, sorted.
fn point_keys(data: &MetricData) -> Vec<Vec<String>> {
    let keys = |attributes: &[(String, otel_kit_testing::AttributeValue)]| {
        let mut keys: Vec<String> = attributes.iter().map(|(k, _)| k.clone()).collect();
        keys.sort();
        keys
    };
    match data {
        MetricData::Sum { points, .. } => points.iter().map(|p| keys(&p.attributes)).collect(),
        MetricData::Histogram { points, .. } => points.iter().map(|p| keys(&p.attributes)).collect(),
        other => panic!("unexpected {}", other.kind()),
    }
}

async fn undeclared_keys_are_dropped(collector: &TestCollector, endpoint: &str, protocol: &'static str) {
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .without_runtime_metrics()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_SERVICE_NAME", "shop"),
        ]))
        .init()
        .expect("init");
    let meter = telemetry.meter_provider().meter("shop");
    // A name per protocol: declarations are process-wide and the tests run in parallel.
    let suffix = protocol.replace(['/', '-'], "_");
    let placed = AppCounter::<u64>::builder(format!("shop.it_{suffix}.orders.placed"), "{order}")
        .attributes(["shop.order.outcome"])
        .build(&meter)
        .expect("valid");
    let duration = DurationHistogram::builder(format!("shop.it_{suffix}.checkout.duration"))
        .attributes(["shop.payment.method"])
        .build(&meter)
        .expect("valid");
    let active = AppUpDownCounter::builder(format!("shop.it_{suffix}.checkouts.active"), "{checkout}")
        .build(&meter)
        .expect("valid");

    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        for _ in 0..5 {
            let hostile = KeyValue::new("user.email", "someone@example.com");
            placed.add(1, &[KeyValue::new("shop.order.outcome", "paid"), hostile.clone()]);
            duration.record(
                Duration::from_millis(30),
                &[KeyValue::new("shop.payment.method", "card"), hostile.clone()],
            );
            active.add(1, &[hostile]);
        }
    });
    telemetry.meter_provider().force_flush().expect("flush");
    let name = format!("shop.it_{suffix}.checkouts.active");
    let metrics = collector.wait_for_metric(&name, WAIT).await;

    let expect = [
        (
            format!("shop.it_{suffix}.orders.placed"),
            vec!["shop.order.outcome".to_owned()],
        ),
        (
            format!("shop.it_{suffix}.checkout.duration"),
            vec!["shop.payment.method".to_owned()],
        ),
        (name.clone(), vec![]),
    ];
    for (name, keys) in expect {
        let metric = metrics.find(&name).unwrap_or_else(|| panic!("{name} exported"));
        assert_eq!(point_keys(&metric.data), vec![keys], "{name}");
    }
    let duration_metric = metrics
        .find(&format!("shop.it_{suffix}.checkout.duration"))
        .expect("duration");
    assert_eq!(duration_metric.unit, "s");

    let warnings: Vec<String> = capture
        .lines()
        .into_iter()
        .filter(|l| l.contains("attribute key not declared"))
        .collect();
    assert_eq!(warnings.len(), 3, "one per metric and key:\n{}", capture.text());
    assert!(warnings.iter().all(|w| w.contains("user.email")), "{warnings:?}");
    assert!(
        !capture.text().contains("someone@example.com"),
        "the value is never printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undeclared_attribute_keys_never_reach_the_collector() {
    through_rotel(undeclared_keys_are_dropped).await;
}
