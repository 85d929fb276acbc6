//! The real rotel collector relays OTLP to the in-process collector, over gRPC and over
//! HTTP/protobuf, and nothing is lost or retyped on the way.
//!
//! Runs when `TEST_OTLP_COLLECTOR_BIN` names the `rotel-agent` binary (`.ci/run` sets it).

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_testing::{Outcome, Protocol, Rotel, TestCollector};

const WAIT: Duration = Duration::from_secs(20);

async fn relay_all_signals(forward_protocol: Protocol, expected: Protocol) {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, forward_protocol).expect("start rotel-agent");
    let resource = Resource::builder_empty().with_service_name("via-rotel").build();

    let span_exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(rotel.grpc_endpoint())
        .build()
        .expect("span exporter");
    let tracer_provider = SdkTracerProvider::builder()
        .with_batch_exporter(span_exporter)
        .with_resource(resource.clone())
        .build();
    let metric_exporter = opentelemetry_otlp::MetricExporter::builder()
        .with_tonic()
        .with_endpoint(rotel.grpc_endpoint())
        .build()
        .expect("metric exporter");
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metric_exporter).build())
        .with_resource(resource.clone())
        .build();
    let log_exporter = opentelemetry_otlp::LogExporter::builder()
        .with_tonic()
        .with_endpoint(rotel.grpc_endpoint())
        .build()
        .expect("log exporter");
    let logger_provider = SdkLoggerProvider::builder()
        .with_batch_exporter(log_exporter)
        .with_resource(resource)
        .build();

    let tracer = tracer_provider.tracer("relay");
    let logger = logger_provider.logger("relay");
    tracer.in_span("GET /orders/{id}", |cx| {
        cx.span()
            .set_attribute(KeyValue::new("http.response.status_code", 200_i64));
        cx.span().set_attribute(KeyValue::new("cache.hit", false));
        cx.span().set_attribute(KeyValue::new("ratio", 0.75));
        let mut record = logger.create_log_record();
        record.set_severity_number(Severity::Info);
        record.set_body("order shown".into());
        logger.emit(record);
        let _child = tracer
            .span_builder("SELECT orders")
            .with_kind(SpanKind::Client)
            .start_with_context(&tracer, &cx);
    });
    meter_provider
        .meter("relay")
        .u64_counter("orders.shown")
        .build()
        .add(3, &[KeyValue::new("tier", "gold")]);
    tokio::task::spawn_blocking(move || {
        tracer_provider.shutdown().expect("traces");
        meter_provider.shutdown().expect("metrics");
        logger_provider.shutdown().expect("logs");
    })
    .await
    .expect("join");

    let spans = collector.wait_for_spans(2, WAIT).await;
    spans.assert_tree("GET /orders/{id}\n  SELECT orders\n");
    let root = spans.span("GET /orders/{id}");
    root.has_attribute("http.response.status_code", 200)
        .has_attribute("cache.hit", false)
        .has_attribute("ratio", 0.75)
        .has_resource_attribute("service.name", "via-rotel");
    spans
        .span("SELECT orders")
        .has_kind(SpanKind::Client)
        .has_parent(&root);

    collector
        .wait_for_metric("orders.shown", WAIT)
        .await
        .metric("orders.shown")
        .is_counter()
        .point(&[("tier", "gold".into())])
        .has_value(3);
    collector
        .wait_for_logs(1, WAIT)
        .await
        .record("order shown")
        .has_severity(Severity::Info)
        .is_in_span(&root);

    let requests = collector.requests();
    assert!(
        requests.iter().all(|r| r.outcome == Outcome::Accepted),
        "{requests:?}"
    );
    assert!(
        requests.iter().all(|r| r.protocol == Some(expected)),
        "{requests:?}"
    );
    drop(rotel);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_relays_over_grpc() {
    relay_all_signals(Protocol::Grpc, Protocol::Grpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_relays_over_http_protobuf() {
    relay_all_signals(Protocol::HttpProtobuf, Protocol::HttpProtobuf).await;
}
