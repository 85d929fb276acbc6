use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

use super::*;

fn provider(with_view: bool) -> (SdkMeterProvider, InMemoryMetricExporter) {
    let exporter = InMemoryMetricExporter::default();
    #[cfg_attr(not(feature = "sdk-metrics"), allow(unused_mut))]
    let mut builder =
        SdkMeterProvider::builder().with_reader(PeriodicReader::builder(exporter.clone()).build());
    #[cfg(feature = "sdk-metrics")]
    if with_view {
        builder = builder.with_view(declared_attributes_view);
    }
    #[cfg(not(feature = "sdk-metrics"))]
    let _ = with_view;
    (builder.build(), exporter)
}

/// The attribute keys of each point of `name`.
fn point_keys(exported: &[ResourceMetrics], name: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for rm in exported {
        for sm in rm.scope_metrics() {
            for m in sm.metrics().filter(|m| m.name() == name) {
                let keys = |attrs: &mut dyn Iterator<Item = &KeyValue>| {
                    let mut k: Vec<String> = attrs.map(|kv| kv.key.to_string()).collect();
                    k.sort();
                    k
                };
                match m.data() {
                    AggregatedMetrics::U64(MetricData::Sum(s)) => {
                        out.extend(s.data_points().map(|p| keys(&mut p.attributes())))
                    }
                    AggregatedMetrics::F64(MetricData::Sum(s)) => {
                        out.extend(s.data_points().map(|p| keys(&mut p.attributes())))
                    }
                    AggregatedMetrics::I64(MetricData::Sum(s)) => {
                        out.extend(s.data_points().map(|p| keys(&mut p.attributes())))
                    }
                    AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                        out.extend(h.data_points().map(|p| keys(&mut p.attributes())))
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[test]
fn undeclared_keys_are_dropped_without_the_view() {
    let (provider, exporter) = provider(false);
    let meter = provider.meter("test");
    let placed = AppCounter::<u64>::builder("test.no_view.orders", "{order}")
        .attributes(["shop.order.outcome"])
        .build(&meter)
        .expect("valid");
    for _ in 0..3 {
        placed.add(
            1,
            &[
                KeyValue::new("shop.order.outcome", "paid"),
                KeyValue::new("user.id", "u-1"),
            ],
        );
    }
    assert_eq!(
        placed.filter.warned.lock().map(|w| w.len()).ok(),
        Some(1),
        "one warning per key"
    );
    provider.force_flush().expect("flush");
    let exported = exporter.get_finished_metrics().expect("metrics");
    assert_eq!(
        point_keys(&exported, "test.no_view.orders"),
        vec![vec!["shop.order.outcome".to_owned()]]
    );
}

#[cfg(feature = "sdk-metrics")]
#[test]
fn the_view_gives_the_sdk_the_declared_keys_whatever_the_order() {
    // The provider (with the view) exists before the declaration.
    let (provider, exporter) = provider(true);
    let meter = provider.meter("test");
    let checkout = DurationHistogram::builder("test.view.checkout.duration")
        .attributes(["shop.payment.method"])
        .build(&meter)
        .expect("valid");
    checkout.record(
        Duration::from_millis(5),
        &[KeyValue::new("shop.payment.method", "card")],
    );
    // A plain SDK instrument of the same name, created after the declaration: the view
    // alone drops its undeclared key.
    let raw = meter
        .f64_histogram("test.view.checkout.duration")
        .with_unit("s")
        .build();
    raw.record(
        0.1,
        &[
            KeyValue::new("shop.payment.method", "card"),
            KeyValue::new("user.id", "u-1"),
        ],
    );
    provider.force_flush().expect("flush");
    let exported = exporter.get_finished_metrics().expect("metrics");
    assert_eq!(
        point_keys(&exported, "test.view.checkout.duration"),
        vec![vec!["shop.payment.method".to_owned()]]
    );
}

#[test]
fn a_duration_is_recorded_in_seconds_on_the_kit_buckets() {
    let (provider, exporter) = provider(false);
    let meter = provider.meter("test");
    let h = DurationHistogram::builder("test.buckets.duration")
        .build(&meter)
        .expect("valid");
    h.record(Duration::from_millis(250), &[]);
    provider.force_flush().expect("flush");
    let exported = exporter.get_finished_metrics().expect("metrics");
    let metric = exported
        .iter()
        .flat_map(|rm| rm.scope_metrics())
        .flat_map(|sm| sm.metrics())
        .find(|m| m.name() == "test.buckets.duration")
        .expect("exported");
    assert_eq!(metric.unit(), "s");
    let AggregatedMetrics::F64(MetricData::Histogram(h)) = metric.data() else {
        panic!("a histogram");
    };
    let point = h.data_points().next().expect("a point");
    assert_eq!(
        point.bounds().collect::<Vec<_>>(),
        crate::request_path::duration_histogram::HTTP_RPC_DURATION_BUCKETS.to_vec()
    );
    assert!((point.sum() - 0.25).abs() < 1e-9);
}

#[test]
fn a_counter_drops_amounts_that_would_shrink_it() {
    let (provider, exporter) = provider(false);
    let meter = provider.meter("test");
    let amount = AppCounter::<f64>::builder("test.payment.amount", "{USD}")
        .build(&meter)
        .expect("valid");
    amount.add(10.5, &[]);
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        amount.add(bad, &[]);
    }
    provider.force_flush().expect("flush");
    let exported = exporter.get_finished_metrics().expect("metrics");
    let sum: f64 = exported
        .iter()
        .flat_map(|rm| rm.scope_metrics())
        .flat_map(|sm| sm.metrics())
        .filter(|m| m.name() == "test.payment.amount")
        .filter_map(|m| match m.data() {
            AggregatedMetrics::F64(MetricData::Sum(s)) => s.data_points().next().map(|p| p.value()),
            _ => None,
        })
        .last()
        .expect("a point");
    assert_eq!(sum, 10.5);
}

#[test]
fn bad_declarations_say_what_to_fix() {
    let meter = opentelemetry::global::meter_provider().meter("test");
    let name = AppCounter::<u64>::builder("test.orders_total", "{order}").build(&meter);
    assert!(matches!(name, Err(AppMetricError::Name { .. })), "{name:?}");
    let unit = AppCounter::<u64>::builder("test.bad_unit.orders", "orders").build(&meter);
    assert!(
        unit.as_ref().is_err_and(|e| e.to_string().contains("{orders}")),
        "{unit:?}"
    );
    let seconds = AppUpDownCounter::builder("test.queue.wait", "seconds").build(&meter);
    assert!(seconds.is_err_and(|e| e.to_string().contains("write \"s\"")));
    let key = AppCounter::<u64>::builder("test.bad_key.orders", "{order}")
        .attributes(["User ID"])
        .build(&meter);
    assert!(matches!(key, Err(AppMetricError::AttributeKey { .. })));
    let duration = DurationHistogram::builder("test.step.duration_ms").build(&meter);
    assert!(matches!(duration, Err(AppMetricError::Name { .. })));
}

#[test]
fn a_second_declaration_must_agree_with_the_first() {
    let meter = opentelemetry::global::meter_provider().meter("test");
    let first = || {
        AppCounter::<u64>::builder("test.redeclared.orders", "{order}")
            .attributes(["shop.order.outcome"])
            .build(&meter)
    };
    assert!(first().is_ok());
    assert!(first().is_ok(), "the same declaration again");
    let other = AppCounter::<u64>::builder("test.redeclared.orders", "{order}")
        .attributes(["user.id"])
        .build(&meter);
    assert!(
        matches!(other, Err(AppMetricError::Redeclared { .. })),
        "{other:?}"
    );
    let kind = AppUpDownCounter::builder("test.redeclared.orders", "{order}")
        .attributes(["shop.order.outcome"])
        .build(&meter);
    assert!(matches!(kind, Err(AppMetricError::Redeclared { .. })));
}

#[test]
fn warnings_are_bounded_for_keys_built_from_data() {
    let meter = opentelemetry::global::meter_provider().meter("test");
    let c = AppUpDownCounter::builder("test.hostile.active", "{request}")
        .build(&meter)
        .expect("valid");
    for i in 0..1000 {
        c.add(1, &[KeyValue::new(format!("k{i}"), 1)]);
    }
    let warned = c.filter.warned.lock().map(|w| w.len()).unwrap_or(0);
    assert_eq!(warned, 33, "32 keys and one 'more' warning");
}
