//! `meter_provider`: a periodic OTLP reader and views from the file (selector by
//! wildcard and type, stream rename, attribute keys kept, drop).

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use otel_kit_init::config::ExporterKind;
use otel_kit_testing::TestCollector;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_files_views_rename_keep_keys_and_drop() {
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
    - selector:
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
        collector.metrics_url()
    );
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables::<&str, &str>([])
        .config_yaml(yaml)
        .init()
        .expect("init");
    assert_eq!(
        telemetry.effective_config().metrics_exporters,
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
