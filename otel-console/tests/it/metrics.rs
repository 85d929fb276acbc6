//! `ConsoleMetricExporter` behind a real `PeriodicReader`: metric and point lines,
//! histogram buckets, cumulative values, empty collections and shutdown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use otel_kit_console::{ConsoleMetricExporter, MAX_VALUE_CHARS};

use crate::buffer::{buffer, text};

/// A provider whose reader only exports on `force_flush` (the interval is an hour).
fn provider(exporter: impl PushMetricExporter) -> SdkMeterProvider {
    let reader = PeriodicReader::builder(exporter)
        .with_interval(Duration::from_secs(3600))
        .build();
    SdkMeterProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("checkout").build())
        .with_reader(reader)
        .build()
}

/// The lines of the block that starts at `metric <name> `, header line included.
fn block<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    let head = format!("metric {name} ");
    let mut lines = out.lines().skip_while(|l| !l.starts_with(&head));
    let mut found: Vec<&str> = lines.next().into_iter().collect();
    found.extend(lines.take_while(|l| l.starts_with("  ")));
    found
}

#[test]
fn each_kind_prints_its_name_unit_and_points() {
    let buf = buffer();
    let provider = provider(ConsoleMetricExporter::new(buf.clone()));
    let meter = provider.meter("shop");
    let orders = meter.u64_counter("orders").with_unit("{order}").build();
    orders.add(2, &[KeyValue::new("region", "eu"), KeyValue::new("paid", true)]);
    let queue = meter.i64_up_down_counter("queue.depth").build();
    queue.add(5, &[]);
    queue.add(-7, &[]);
    let temp = meter.f64_gauge("temperature").with_unit("Cel").build();
    temp.record(21.0, &[KeyValue::new("room", 3)]);
    let revenue = meter.f64_counter("revenue").build();
    revenue.add(1.5, &[]);
    provider.force_flush().unwrap();

    let out = text(&buf);
    assert_eq!(
        out.lines().next(),
        Some("# service checkout, 4 metrics (cumulative)")
    );
    // Attributes are sorted by key whatever order the SDK stored them in.
    assert_eq!(
        block(&out, "orders"),
        [
            "metric orders counter unit={order}",
            r#"  {paid=true region="eu"} value=2"#
        ]
    );
    assert_eq!(
        block(&out, "queue.depth"),
        ["metric queue.depth updown_counter", "  value=-2"]
    );
    assert_eq!(
        block(&out, "temperature"),
        ["metric temperature gauge unit=Cel", "  {room=3} value=21.0"]
    );
    assert_eq!(block(&out, "revenue"), ["metric revenue counter", "  value=1.5"]);
    assert_eq!(out.lines().count(), 9, "{out}");
}

#[test]
fn histogram_shows_count_sum_min_max_and_non_empty_buckets() {
    let buf = buffer();
    let provider = provider(ConsoleMetricExporter::new(buf.clone()));
    let meter = provider.meter("http");
    let duration = meter
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .with_boundaries(vec![0.25, 1.0, 2.0, 5.0])
        .build();
    let route = [KeyValue::new("http.route", "/a")];
    // Binary fractions, so the sum is exact: 0.125 + 0.25 + 0.5 + 7.0 = 7.875.
    for value in [0.125, 0.25, 0.5, 7.0] {
        duration.record(value, &route);
    }
    let sizes = meter
        .u64_histogram("body.size")
        .with_boundaries(vec![10.0, 100.0])
        .build();
    sizes.record(50, &[]);
    sizes.record(70, &[]);
    provider.force_flush().unwrap();

    let out = text(&buf);
    assert_eq!(
        block(&out, "http.server.request.duration"),
        [
            "metric http.server.request.duration histogram unit=s",
            // (1, 2] and (2, 5] are empty and left out; 7.0 lands in the overflow bucket.
            r#"  {http.route="/a"} count=4 sum=7.875 min=0.125 max=7.0 le=0.25:2 le=1:1 le=+Inf:1"#,
        ]
    );
    // Integer histograms keep integer sums, mins and maxes.
    assert_eq!(
        block(&out, "body.size"),
        [
            "metric body.size histogram",
            "  count=2 sum=120 min=50 max=70 le=100:2"
        ]
    );
}

#[test]
fn values_are_cumulative_across_collections() {
    let buf = buffer();
    let exporter = ConsoleMetricExporter::new(buf.clone());
    assert_eq!(exporter.temporality(), Temporality::Cumulative);
    let provider = provider(exporter);
    let jobs = provider.meter("w").u64_counter("jobs").build();
    jobs.add(2, &[]);
    provider.force_flush().unwrap();
    jobs.add(3, &[]);
    provider.force_flush().unwrap();

    let out = text(&buf);
    let values: Vec<&str> = out.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(values, ["  value=2", "  value=5"]);
    assert_eq!(out.lines().filter(|l| l.starts_with('#')).count(), 2);
}

#[test]
fn several_attribute_sets_get_one_line_each() {
    let buf = buffer();
    let provider = provider(ConsoleMetricExporter::new(buf.clone()));
    let hits = provider.meter("w").u64_counter("hits").build();
    for (route, n) in [("/a", 1), ("/b", 4), ("/a", 2)] {
        hits.add(n, &[KeyValue::new("route", route)]);
    }
    provider.force_flush().unwrap();
    let out = text(&buf);
    let mut points = block(&out, "hits").split_off(1);
    // Point order follows the SDK's internal map; compare as a set.
    points.sort_unstable();
    assert_eq!(points, [r#"  {route="/a"} value=3"#, r#"  {route="/b"} value=4"#]);
}

#[test]
fn long_attribute_values_are_truncated() {
    let buf = buffer();
    let provider = provider(ConsoleMetricExporter::new(buf.clone()));
    let hits = provider.meter("w").u64_counter("hits").build();
    hits.add(1, &[KeyValue::new("q", "z".repeat(MAX_VALUE_CHARS + 10))]);
    provider.force_flush().unwrap();
    let out = text(&buf);
    assert_eq!(
        block(&out, "hits")[1],
        format!("  {{q=\"{}\"…(+10)}} value=1", "z".repeat(MAX_VALUE_CHARS))
    );
}

#[test]
fn an_empty_collection_prints_nothing() {
    let buf = buffer();
    let provider = provider(ConsoleMetricExporter::new(buf.clone()));
    // An instrument that never recorded has no points, so no metric either.
    let _unused = provider.meter("w").u64_counter("never").build();
    provider.force_flush().unwrap();
    assert_eq!(text(&buf), "");
}

/// Forwards to a console exporter the test also holds, recording each export's result.
#[derive(Clone)]
struct Observed {
    console: Arc<ConsoleMetricExporter>,
    results: Arc<Mutex<Vec<bool>>>,
}

impl PushMetricExporter for Observed {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let result = self.console.export(metrics).await;
        let already = matches!(result, Err(OTelSdkError::AlreadyShutdown));
        self.results.lock().expect("not poisoned").push(already);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.console.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.console.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.console.temporality()
    }
}

#[test]
fn after_shutdown_exports_fail_and_print_nothing() {
    let buf = buffer();
    let observed = Observed {
        console: Arc::new(ConsoleMetricExporter::new(buf.clone())),
        results: Arc::default(),
    };
    let provider = provider(observed.clone());
    let jobs = provider.meter("w").u64_counter("jobs").build();
    jobs.add(1, &[]);
    provider.force_flush().unwrap();
    let printed = text(&buf);
    assert!(printed.contains("  value=1"));

    observed.console.shutdown().unwrap();
    jobs.add(1, &[]);
    assert!(provider.force_flush().is_err());
    assert_eq!(text(&buf), printed);
    assert_eq!(*observed.results.lock().unwrap(), [false, true]);
    assert!(matches!(
        observed.console.shutdown(),
        Err(OTelSdkError::AlreadyShutdown)
    ));
}

#[test]
fn provider_shutdown_reaches_the_exporter() {
    let buf = buffer();
    let observed = Observed {
        console: Arc::new(ConsoleMetricExporter::new(buf.clone())),
        results: Arc::default(),
    };
    let provider = provider(observed.clone());
    provider.meter("w").u64_counter("jobs").build().add(4, &[]);
    // Shutdown collects one last time, then shuts the exporter down.
    provider.shutdown().unwrap();
    assert!(text(&buf).contains("  value=4"));
    assert!(matches!(
        observed.console.shutdown(),
        Err(OTelSdkError::AlreadyShutdown)
    ));
}
