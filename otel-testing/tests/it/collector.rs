//! The in-process collector against independent senders: the upstream opentelemetry-otlp
//! exporters over gRPC, HTTP/protobuf and HTTP/JSON, and hand-made requests.

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _, WithTonicConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_testing::{ExportFailure, Outcome, Protocol as Wire, Signal, TestCollector};

const WAIT: Duration = Duration::from_secs(10);

fn resource(name: &'static str) -> Resource {
    Resource::builder_empty().with_service_name(name).build()
}

/// Emits one parent/child pair with typed attributes through `provider`, then flushes.
async fn emit_spans(provider: SdkTracerProvider) {
    let tracer = provider.tracer("sender");
    tracer.in_span("parent", |cx| {
        cx.span()
            .set_attribute(KeyValue::new("http.response.status_code", 200_i64));
        cx.span().set_attribute(KeyValue::new("ratio", 0.25));
        cx.span().set_attribute(KeyValue::new("ok", true));
        cx.span().set_attribute(KeyValue::new("route", "/users/{id}"));
        let child = tracer
            .span_builder("child")
            .with_kind(SpanKind::Client)
            .start_with_context(&tracer, &cx);
        drop(child);
    });
    // force_flush blocks on the exporter; keep it off the runtime's worker threads.
    tokio::task::spawn_blocking(move || {
        provider.force_flush().expect("flush");
        provider.shutdown().expect("shutdown");
    })
    .await
    .expect("join");
}

fn assert_spans_arrived(collector: &TestCollector, service: &str) {
    let spans = collector.spans();
    spans
        .assert_count(2)
        .assert_single_trace()
        .assert_tree("parent\n  child\n");
    let parent = spans.span("parent");
    parent
        .has_attribute("http.response.status_code", 200)
        .has_attribute("ratio", 0.25)
        .has_attribute("ok", true)
        .has_attribute("route", "/users/{id}")
        .has_resource_attribute("service.name", service)
        .has_scope_name("sender")
        .is_root();
    spans.span("child").has_kind(SpanKind::Client).has_parent(&parent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_grpc_exporter_with_gzip_and_metadata() {
    let collector = TestCollector::start().await.expect("collector");
    let mut metadata = tonic::metadata::MetadataMap::new();
    metadata.insert("authorization", "Bearer s3cr3t".parse().expect("header"));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(collector.endpoint())
        .with_metadata(metadata)
        .with_compression(opentelemetry_otlp::Compression::Gzip)
        .build()
        .expect("exporter");
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource("grpc-sender"))
        .build();
    emit_spans(provider).await;

    collector.wait_for_spans(2, WAIT).await;
    assert_spans_arrived(&collector, "grpc-sender");
    let requests = collector.requests();
    let request = requests
        .iter()
        .find(|r| r.outcome == Outcome::Accepted)
        .expect("an accepted request");
    assert_eq!(request.signal, Signal::Traces);
    assert_eq!(request.protocol, Some(Wire::Grpc));
    assert_eq!(request.header("authorization"), Some("Bearer s3cr3t"));
    assert_eq!(request.compression(), Some("gzip"));
    assert!(request.message_size > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_http_protobuf_exporter() {
    let collector = TestCollector::start().await.expect("collector");
    let url = collector.traces_url();
    let provider = tokio::task::spawn_blocking(move || {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url)
            .with_headers(HashMap::from([("x-api-key".to_owned(), "k-123".to_owned())]))
            .with_compression(opentelemetry_otlp::Compression::Gzip)
            .build()
            .expect("exporter");
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource("http-proto-sender"))
            .build()
    })
    .await
    .expect("build");
    emit_spans(provider).await;

    collector.wait_for_spans(2, WAIT).await;
    assert_spans_arrived(&collector, "http-proto-sender");
    let requests = collector.requests();
    assert_eq!(requests[0].protocol, Some(Wire::HttpProtobuf));
    assert_eq!(requests[0].header("x-api-key"), Some("k-123"));
    assert_eq!(requests[0].compression(), Some("gzip"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_http_json_exporter() {
    let collector = TestCollector::start().await.expect("collector");
    let url = collector.traces_url();
    let provider = tokio::task::spawn_blocking(move || {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpJson)
            .with_endpoint(url)
            .build()
            .expect("exporter");
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource("http-json-sender"))
            .build()
    })
    .await
    .expect("build");
    emit_spans(provider).await;

    collector.wait_for_spans(2, WAIT).await;
    assert_spans_arrived(&collector, "http-json-sender");
    assert_eq!(collector.requests()[0].protocol, Some(Wire::HttpJson));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_metrics_and_logs_over_grpc() {
    let collector = TestCollector::start().await.expect("collector");
    let metric_exporter = opentelemetry_otlp::MetricExporter::builder()
        .with_tonic()
        .with_endpoint(collector.endpoint())
        .build()
        .expect("metric exporter");
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metric_exporter).build())
        .with_resource(resource("metrics-sender"))
        .build();
    let histogram = meter_provider
        .meter("sender")
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .with_boundaries(vec![
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
        ])
        .build();
    histogram.record(0.02, &[KeyValue::new("http.response.status_code", 200)]);
    histogram.record(0.3, &[KeyValue::new("http.response.status_code", 200)]);

    let log_exporter = opentelemetry_otlp::LogExporter::builder()
        .with_tonic()
        .with_endpoint(collector.endpoint())
        .build()
        .expect("log exporter");
    let logger_provider = SdkLoggerProvider::builder()
        .with_batch_exporter(log_exporter)
        .with_resource(resource("logs-sender"))
        .build();
    let tracer_provider = SdkTracerProvider::builder().build();
    let tracer = tracer_provider.tracer("t");
    let logger = logger_provider.logger("app");
    let (trace_id, span_id) = tracer.in_span("request", |cx| {
        let mut record = logger.create_log_record();
        record.set_severity_number(Severity::Error);
        record.set_severity_text("ERROR");
        record.set_body("payment declined".into());
        record.add_attribute("order.id", 42_i64);
        logger.emit(record);
        let sc = cx.span().span_context().clone();
        (sc.trace_id().to_string(), sc.span_id().to_string())
    });
    tokio::task::spawn_blocking(move || {
        meter_provider.shutdown().expect("metrics shutdown");
        logger_provider.shutdown().expect("logs shutdown");
    })
    .await
    .expect("join");

    let metrics = collector
        .wait_for_metric("http.server.request.duration", WAIT)
        .await;
    metrics
        .metric("http.server.request.duration")
        .has_unit("s")
        .is_histogram()
        .histogram_point(&[("http.response.status_code", 200.into())])
        .has_count(2)
        .has_sum(0.32)
        .has_bucket_boundaries(&[
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
        ])
        .has_bucket_counts(&[0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        metrics
            .metric("http.server.request.duration")
            .record()
            .resource
            .attribute("service.name"),
        Some(&"metrics-sender".into())
    );

    let logs = collector.wait_for_logs(1, WAIT).await;
    let record = logs.record("payment declined");
    record
        .has_severity(Severity::Error)
        .has_attribute("order.id", 42)
        .has_resource_attribute("service.name", "logs-sender");
    assert_eq!(record.record().trace_id.as_deref(), Some(trace_id.as_str()));
    assert_eq!(record.record().span_id.as_deref(), Some(span_id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_failures_are_answered_and_the_exporter_retries() {
    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(2, ExportFailure::unavailable());
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(collector.endpoint())
        .build()
        .expect("exporter");
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource("retrier"))
        .build();
    emit_spans(provider).await;

    collector.wait_for_spans(2, WAIT).await;
    assert_spans_arrived(&collector, "retrier");
    let outcomes: Vec<Outcome> = collector.requests().into_iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            Outcome::Failed(ExportFailure::unavailable()),
            Outcome::Failed(ExportFailure::unavailable()),
            Outcome::Accepted
        ]
    );
}

#[tokio::test]
async fn injected_http_failure_carries_status_and_retry_after() {
    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(
        1,
        ExportFailure::resource_exhausted().with_retry_after(Duration::from_secs(3)),
    );
    let client = reqwest::Client::new();
    let send = || {
        client
            .post(collector.traces_url())
            .header("content-type", "application/json")
            .body(r#"{"resourceSpans":[]}"#)
            .send()
    };
    let first = send().await.expect("send");
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "3");
    let second = send().await.expect("send");
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["content-type"], "application/json");
}

/// The OTLP/JSON request from the issue: hex ids, string-encoded nanoseconds, an
/// integer span kind.
const JSON_VECTOR: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"test-service"}}]},"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"test-span","kind":1,"startTimeUnixNano":"1000000000","endTimeUnixNano":"2000000000","attributes":[{"key":"http.method","value":{"stringValue":"GET"}}]}]}]}]}"#;

#[tokio::test]
async fn decodes_the_otlp_json_test_vector() {
    let collector = TestCollector::start().await.expect("collector");
    let response = reqwest::Client::new()
        .post(collector.traces_url())
        .header("content-type", "application/json")
        .body(JSON_VECTOR)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let spans = collector.spans();
    spans.assert_count(1);
    let span = spans.span("test-span");
    span.has_trace_id("0102030405060708090a0b0c0d0e0f10")
        .has_kind(SpanKind::Internal)
        .has_attribute("http.method", "GET")
        .has_resource_attribute("service.name", "test-service")
        .is_root();
    assert_eq!(span.span_id, "0102030405060708");
    assert_eq!(span.start_time_unix_nano, 1_000_000_000);
    assert_eq!(span.end_time_unix_nano, 2_000_000_000);
}

#[tokio::test]
async fn json_integers_may_be_strings_or_numbers() {
    let collector = TestCollector::start().await.expect("collector");
    let body = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"typed","kind":2,"attributes":[{"key":"as_string","value":{"intValue":"200"}},{"key":"as_number","value":{"intValue":201}},{"key":"d","value":{"doubleValue":1.5}},{"key":"b","value":{"boolValue":true}}]}]}]}]}"#;
    let response = reqwest::Client::new()
        .post(collector.traces_url())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    collector
        .spans()
        .span("typed")
        .has_kind(SpanKind::Server)
        .has_attribute("as_string", 200)
        .has_attribute("as_number", 201)
        .has_attribute("d", 1.5)
        .has_attribute("b", true);
}
