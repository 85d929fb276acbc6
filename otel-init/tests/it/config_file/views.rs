//! `meter_provider`: a periodic OTLP reader and views from the file (selector by
//! wildcard and type, stream rename, attribute keys kept, drop).

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use otel_kit_init::Telemetry;
use otel_kit_init::config::ExporterKind;
use otel_kit_testing::TestCollector;

const WAIT: Duration = Duration::from_secs(10);

/// A collector, and `init()` from a file whose meter provider exports to it every
/// 100 ms with `views` (the YAML list items under `views:`).
async fn with_views(views: &str) -> (TestCollector, Telemetry) {
    let collector = TestCollector::start().await.expect("collector");
    let yaml = format!(
        r#"file_format: "1.0"
meter_provider:
  readers:
    - periodic:
        interval: 100
        exporter:
          otlp_http:
            endpoint: {}
  views:
{views}"#,
        collector.metrics_url()
    );
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables::<&str, &str>([])
        .config_yaml(yaml)
        .init()
        .expect("init");
    (collector, telemetry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_files_views_rename_keep_keys_and_drop() {
    let (collector, telemetry) = with_views(
        r#"    - selector:
        instrument_name: app.req*
        instrument_type: counter
      stream:
        name: requests
        attribute_keys:
          included: [route]
    - selector:
        instrument_name: app.noise
      stream:
        aggregation:
          drop:
"#,
    )
    .await;
    assert_eq!(
        telemetry.effective_config().export.metrics_exporters,
        [ExporterKind::Otlp]
    );
    let meter = telemetry.meter_provider().meter("app");
    meter
        .u64_counter("app.requests.total")
        .build()
        .add(1, &[KeyValue::new("route", "/a"), KeyValue::new("user", "ada")]);
    meter.u64_counter("app.noise").build().add(1, &[]);
    meter.u64_counter("app.kept").build().add(1, &[]);
    telemetry.force_flush().expect("flush");
    let metrics = collector.wait_for_metric("app.kept", WAIT).await;
    let metrics = if metrics.find("requests").is_some() {
        metrics
    } else {
        collector.wait_for_metric("requests", WAIT).await
    };
    assert!(
        metrics.find("app.requests.total").is_none(),
        "renamed by the view"
    );
    assert!(metrics.find("app.noise").is_none(), "dropped by the view");
    metrics
        .metric("requests")
        .point(&[("route", "/a".into())])
        .has_value(1_u64)
        .lacks_attributes_under("user");
    telemetry.shutdown().expect("shutdown");
}

/// A view that changes only the attribute keys keeps the histogram's advisory buckets
/// (here the conventions' seconds): with the SDK's millisecond defaults every request
/// would fall in the first bucket and every percentile would be wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_of_attribute_keys_only_keeps_the_advisory_buckets() {
    let (collector, telemetry) = with_views(
        r#"    - selector:
        instrument_name: app.request.duration
      stream:
        attribute_keys:
          included: [route]
"#,
    )
    .await;
    let seconds = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];
    telemetry
        .meter_provider()
        .meter("app")
        .f64_histogram("app.request.duration")
        .with_unit("s")
        .with_boundaries(seconds.to_vec())
        .build()
        .record(
            0.03,
            &[KeyValue::new("route", "/a"), KeyValue::new("user", "ada")],
        );
    telemetry.force_flush().expect("flush");
    collector
        .wait_for_metric("app.request.duration", WAIT)
        .await
        .metric("app.request.duration")
        .histogram_point(&[("route", "/a".into())])
        .has_bucket_boundaries(&seconds)
        .has_count(1)
        .lacks_attributes_under("user");
    telemetry.shutdown().expect("shutdown");
}

/// A view's `attribute_keys.excluded` drops those keys before aggregation, from every
/// kind of instrument a view can select: the two measurements that differ only by the
/// excluded key become one point. Instruments the view does not select keep the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluded_attribute_keys_are_dropped_before_aggregation_for_every_instrument_kind() {
    let kinds = [
        "counter",
        "up_down_counter",
        "histogram",
        "gauge",
        "observable_counter",
        "observable_up_down_counter",
        "observable_gauge",
    ];
    let views: String = kinds
        .iter()
        .map(|kind| {
            format!(
                "    - selector:\n        instrument_name: app.{kind}\n        instrument_type: {kind}\n      stream:\n        attribute_keys:\n          excluded: [user.id, session]\n"
            )
        })
        .collect();
    let (collector, telemetry) = with_views(&views).await;
    let meter = telemetry.meter_provider().meter("app");
    let users = |user: &'static str| {
        [
            KeyValue::new("route", "/a"),
            KeyValue::new("user.id", user),
            KeyValue::new("session", "s1"),
        ]
    };
    let counter = meter.u64_counter("app.counter").build();
    let up_down = meter.i64_up_down_counter("app.up_down_counter").build();
    let histogram = meter.f64_histogram("app.histogram").build();
    let gauge = meter.u64_gauge("app.gauge").build();
    let kept = meter.u64_counter("app.not_selected").build();
    for user in ["ada", "bob"] {
        counter.add(1, &users(user));
        up_down.add(2, &users(user));
        histogram.record(0.5, &users(user));
        gauge.record(7, &users(user));
        kept.add(1, &users(user));
    }
    let _observed = [meter
        .u64_observable_counter("app.observable_counter")
        .with_callback(move |o| {
            for user in ["ada", "bob"] {
                o.observe(3, &users(user));
            }
        })
        .build()];
    let _observed_up_down = meter
        .i64_observable_up_down_counter("app.observable_up_down_counter")
        .with_callback(move |o| o.observe(4, &users("ada")))
        .build();
    let _observed_gauge = meter
        .f64_observable_gauge("app.observable_gauge")
        .with_callback(move |o| o.observe(1.5, &users("ada")))
        .build();
    telemetry.force_flush().expect("flush");
    let mut metrics = collector.wait_for_metric("app.observable_gauge", WAIT).await;
    for kind in kinds {
        if metrics.find(&format!("app.{kind}")).is_none() {
            metrics = collector.wait_for_metric(&format!("app.{kind}"), WAIT).await;
        }
    }
    let route = [("route", "/a".into())];
    metrics
        .metric("app.counter")
        .has_point_count(1)
        .point(&route)
        .has_value(2_u64);
    metrics
        .metric("app.up_down_counter")
        .has_point_count(1)
        .point(&route)
        .has_value(4_i64);
    metrics
        .metric("app.histogram")
        .has_point_count(1)
        .histogram_point(&route)
        .has_count(2);
    metrics
        .metric("app.gauge")
        .has_point_count(1)
        .point(&route)
        .has_value(7_u64);
    // Two observations that differ only by the excluded key: the SDK keeps the last.
    metrics
        .metric("app.observable_counter")
        .has_point_count(1)
        .point(&route);
    metrics
        .metric("app.observable_up_down_counter")
        .has_point_count(1)
        .point(&route)
        .has_value(4_i64);
    metrics
        .metric("app.observable_gauge")
        .has_point_count(1)
        .point(&route)
        .has_value(1.5);
    // Not selected: both users, each with its keys.
    metrics.metric("app.not_selected").has_point_count(2);
    assert!(
        telemetry.warnings().iter().all(|w| !w.contains("excluded")),
        "{:?}",
        telemetry.warnings()
    );
    telemetry.shutdown().expect("shutdown");
}
