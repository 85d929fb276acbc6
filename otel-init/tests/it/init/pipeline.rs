//! `init()` end to end against the in-process OTLP collector: every signal over every
//! protocol, outages, bounded shutdown, the disabled SDK, and code-over-env precedence.
//! Each test injects its environment (`Builder::environment`) and keeps globals off.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{Span as _, TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use otel_kit_init::config::Protocol;
use otel_kit_init::sampling::Sampling;
use otel_kit_init::{Exporter, InitError, ShutdownError, Telemetry};
use otel_kit_testing::{ExportFailure, Outcome, TestCollector};

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);

/// Export fast so tests do not wait for the spec's 5 s / 60 s schedules.
const FAST: &[(&str, &str)] = &[
    ("OTEL_BSP_SCHEDULE_DELAY", "50"),
    ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
    ("OTEL_METRIC_EXPORT_INTERVAL", "100"),
];

fn init(pairs: &[(&str, &str)]) -> Telemetry {
    let mut all: Vec<(&str, &str)> = FAST.to_vec();
    all.extend_from_slice(pairs);
    otel_kit_init::builder()
        .without_globals()
        .environment(env(&all))
        .init()
        .expect("init")
}

/// Shutdown blocks its caller; keep it off the runtime the collector runs on.
async fn shutdown(t: Telemetry) -> Result<(), ShutdownError> {
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
}

fn emit_all_signals(t: &Telemetry) -> (String, String) {
    let tracer = t.tracer_provider().tracer("app");
    let logger = t.logger_provider().logger("app");
    let ids = tracer.in_span("GET /orders/{id}", |cx| {
        cx.span()
            .set_attribute(KeyValue::new("http.response.status_code", 200_i64));
        let mut record = logger.create_log_record();
        record.set_severity_number(Severity::Info);
        record.set_body("order shown".into());
        logger.emit(record);
        let sc = cx.span().span_context().clone();
        (sc.trace_id().to_string(), sc.span_id().to_string())
    });
    t.meter_provider()
        .meter("app")
        .u64_counter("orders.shown")
        .build()
        .add(2, &[KeyValue::new("tier", "gold")]);
    ids
}

async fn assert_all_signals_arrive(protocol: &str) {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let t = init(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
        ("OTEL_SERVICE_NAME", "orders"),
        ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr3t"),
    ]);
    let (trace_id, span_id) = emit_all_signals(&t);

    let spans = collector.wait_for_spans(1, WAIT).await;
    spans
        .span("GET /orders/{id}")
        .has_trace_id(&trace_id)
        .has_attribute("http.response.status_code", 200)
        .has_resource_attribute("service.name", "orders")
        .has_resource_attribute("deployment.environment.name", "test")
        .has_resource_attribute("telemetry.sdk.language", "rust")
        .has_resource_attribute("telemetry.distro.name", "otel-kit");
    collector
        .wait_for_logs(1, WAIT)
        .await
        .record("order shown")
        .has_severity(Severity::Info);
    let logs = collector.logs();
    assert_eq!(logs.as_slice()[0].span_id.as_deref(), Some(span_id.as_str()));
    collector
        .wait_for_metric("orders.shown", WAIT)
        .await
        .metric("orders.shown")
        .is_counter()
        .point(&[("tier", "gold".into())])
        .has_value(2);
    let requests = collector.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer s3cr3t")),
        "{requests:?}"
    );
    assert!(!t.effective_config().to_string().contains("s3cr3t"));
    shutdown(t).await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_exports_traces_metrics_and_logs() {
    assert_all_signals_arrive("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_exports_traces_metrics_and_logs() {
    assert_all_signals_arrive("http/protobuf").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_json_exports_traces_metrics_and_logs() {
    assert_all_signals_arrive("http/json").await;
}

fn closed_port_endpoint() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    format!("http://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_collector_never_blocks_start_up_or_the_application() {
    for protocol in ["grpc", "http/protobuf"] {
        let endpoint = closed_port_endpoint();
        let started = Instant::now();
        let t = otel_kit_init::builder()
            .without_globals()
            .shutdown_timeout(Duration::from_secs(2))
            .environment(env(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ]))
            .init()
            .expect("init succeeds with no collector");
        let init_time = started.elapsed();
        assert!(
            init_time < Duration::from_millis(500),
            "{protocol}: init took {init_time:?}"
        );
        // The application keeps working: recording never waits on the network.
        let tracer = t.tracer_provider().tracer("app");
        let started = Instant::now();
        for _ in 0..5000 {
            tracer.in_span("work", |_| {});
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{protocol}: recording blocked: {:?}",
            started.elapsed()
        );
        let started = Instant::now();
        let _ = shutdown(t).await;
        assert!(
            started.elapsed() < Duration::from_millis(2500),
            "{protocol}: shutdown took {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_outage_loses_nothing_queued() {
    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(2, ExportFailure::unavailable());
    let endpoint = collector.endpoint();
    let t = init(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ]);
    let tracer = t.tracer_provider().tracer("app");
    for i in 0..100_i64 {
        tracer.in_span("job", |cx| cx.span().set_attribute(KeyValue::new("i", i)));
    }
    let spans = collector.wait_for_spans(100, WAIT).await;
    spans.assert_count(100);
    let failed = collector
        .requests()
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .count();
    assert_eq!(failed, 2, "the outage was answered and retried");
    shutdown(t).await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_flushes_every_ended_span_and_is_idempotent() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    // A schedule that never fires during the test: only shutdown can export.
    let t = otel_kit_init::builder()
        .without_globals()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
            // A full batch exports at once; one that cannot fill waits for shutdown.
            ("OTEL_BSP_MAX_QUEUE_SIZE", "4096"),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("init");
    let tracer = t.tracer_provider().tracer("app");
    for _ in 0..2048 {
        tracer.in_span("queued", |_| {});
    }
    assert!(collector.spans().is_empty(), "nothing exported before shutdown");
    let started = Instant::now();
    let t = std::sync::Arc::new(t);
    let first = std::sync::Arc::clone(&t);
    tokio::task::spawn_blocking(move || first.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
    let took = started.elapsed();
    assert_eq!(
        collector.spans().len(),
        2048,
        "shutdown flushed everything (took {took:?})"
    );
    assert!(took < Duration::from_secs(5));
    let second = std::sync::Arc::clone(&t);
    tokio::task::spawn_blocking(move || second.shutdown())
        .await
        .expect("join")
        .expect("second shutdown is a no-op");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_bounded_by_its_timeout_against_a_black_hole() {
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let t = otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_millis(500))
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &hole.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("init");
    t.tracer_provider().tracer("app").in_span("stuck", |_| {});
    let started = Instant::now();
    let result = shutdown(t).await;
    let took = started.elapsed();
    assert!(took < Duration::from_millis(900), "shutdown took {took:?}");
    assert!(
        matches!(
            result,
            Err(ShutdownError::Timeout(_)) | Err(ShutdownError::Failed(_))
        ),
        "{result:?}"
    );
    drop(hole);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_disabled_exports_nothing_but_propagation_still_works() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let t = init(&[
        ("OTEL_SDK_DISABLED", "true"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ]);
    let incoming = HashMap::from([(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    )]);
    let parent = t.propagators().extract(&incoming);
    let tracer = t.tracer_provider().tracer("app");
    let mut outgoing = HashMap::new();
    let span = tracer.start_with_context("handler", &parent);
    let cx = Context::current_with_span(span);
    t.propagators().inject_context(&cx, &mut outgoing);
    let traceparent = outgoing.get("traceparent").expect("injected");
    assert!(
        traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
        "{traceparent}"
    );
    assert!(
        !traceparent.contains("00f067aa0ba902b7"),
        "a child span id is sent on: {traceparent}"
    );
    drop(cx);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(collector.requests().is_empty(), "nothing exported while disabled");
    shutdown(t).await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_wins_over_env_except_for_the_service_name() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let t = otel_kit_init::builder()
        .without_globals()
        .service_name("from-code")
        .otlp_endpoint(endpoint.clone())
        .otlp_protocol(Protocol::HttpJson)
        .sampling(Sampling::always_on())
        .metrics_exporter(Exporter::None)
        .logs_exporter(Exporter::None)
        .environment(env(&[
            ("OTEL_SERVICE_NAME", "from-env"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://nowhere.invalid:4318/v1/traces",
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_TRACES_SAMPLER", "always_off"),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ]))
        .init()
        .expect("init");
    assert_eq!(
        t.effective_config().export.otlp.traces.endpoint(),
        format!("{endpoint}/v1/traces")
    );
    assert_eq!(
        t.effective_config().export.otlp.traces.settings.protocol,
        Protocol::HttpJson
    );
    assert!(t.effective_config().export.metrics_exporters.is_empty());
    assert_eq!(t.sampling().to_string(), "always_on");
    t.tracer_provider()
        .tracer("app")
        .in_span("sampled by code", |_| {});
    collector
        .wait_for_spans(1, WAIT)
        .await
        .span("sampled by code")
        .has_resource_attribute("service.name", "from-env");
    assert_eq!(
        collector.requests()[0].protocol,
        Some(otel_kit_testing::Protocol::HttpJson)
    );
    shutdown(t).await.expect("clean shutdown");
}

#[test]
fn invalid_builder_values_are_typed_errors_that_say_what_to_fix() {
    let cases: Vec<(otel_kit_init::Builder, &str)> = vec![
        (
            otel_kit_init::builder().service_name("  "),
            "invalid service_name: it is empty",
        ),
        (
            otel_kit_init::builder().otlp_endpoint("collector:4317"),
            "invalid otlp_endpoint: \"collector:4317\" is not an absolute http:// or https:// URL",
        ),
        (
            otel_kit_init::builder().shutdown_timeout(Duration::ZERO),
            "invalid shutdown_timeout: it is zero",
        ),
        (
            otel_kit_init::builder().sampling(Sampling::ratio(1.5)),
            "sampling ratio must be between 0.0 and 1.0, got 1.5",
        ),
    ];
    for (builder, expected) in cases {
        let err = builder
            .without_globals()
            .environment(env(&[]))
            .init()
            .expect_err("invalid");
        assert!(
            matches!(err, InitError::InvalidValue { .. } | InitError::Sampling(_)),
            "{err:?}"
        );
        assert!(
            err.to_string().contains(expected),
            "{err} does not contain {expected:?}"
        );
    }
}

#[test]
fn health_check_exclusion_is_reachable_from_the_environment() {
    let t = otel_kit_init::builder()
        .without_globals()
        .environment(env(&[
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
            ("OTEL_KIT_SAMPLER_EXCLUDED_ROUTES", "default,/ping"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("init");
    assert_eq!(
        t.sampling().to_string(),
        "parentbased_traceidratio(0.5) excluding routes [/health, /healthz, /ready, /live, /metrics, /ping]"
    );
    let tracer = t.tracer_provider().tracer("app");
    let health = tracer
        .span_builder("GET /health")
        .with_attributes([KeyValue::new("http.route", "/health")])
        .start(&tracer);
    assert!(!health.span_context().is_sampled());
    t.shutdown().expect("shutdown");
}

#[test]
fn fallback_exporter_applies_only_where_the_environment_is_silent() {
    let silent = otel_kit_init::builder()
        .without_globals()
        .fallback_exporter(Exporter::Console)
        .environment(env(&[]))
        .init()
        .expect("init");
    let c = silent.effective_config();
    assert_eq!(
        c.export.traces_exporters,
        [otel_kit_init::config::ExporterKind::Console]
    );
    assert_eq!(
        c.export.metrics_exporters,
        [otel_kit_init::config::ExporterKind::Console]
    );
    assert!(
        c.export.logs_exporters.is_empty(),
        "the console subscriber already prints log lines"
    );
    assert!(
        !c.to_string().contains("otlp."),
        "no OTLP endpoints in the summary: {c}"
    );
    silent.shutdown().expect("shutdown");

    let configured = otel_kit_init::builder()
        .without_globals()
        .fallback_exporter(Exporter::Console)
        .environment(env(&[
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://127.0.0.1:9/v1/traces",
            ),
            ("OTEL_METRICS_EXPORTER", "none"),
        ]))
        .init()
        .expect("init");
    let c = configured.effective_config();
    assert_eq!(
        c.export.traces_exporters,
        [otel_kit_init::config::ExporterKind::Otlp],
        "an endpoint means OTLP"
    );
    assert!(c.export.metrics_exporters.is_empty(), "an explicit exporter wins");
    assert!(c.export.logs_exporters.is_empty());
    assert!(
        c.to_string()
            .contains("otlp.traces=[http/protobuf http://127.0.0.1:9/v1/traces"),
        "{c}"
    );
    let _ = configured.shutdown();
}

#[test]
fn bad_env_values_warn_and_init_still_succeeds() {
    let t = otel_kit_init::builder()
        .without_globals()
        .environment(env(&[
            ("OTEL_TRACES_SAMPLER", "sometimes"),
            ("OTEL_PROPAGATORS", "tracecontext,xtrace"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("bad env values never fail init");
    assert_eq!(t.sampling().to_string(), "parentbased_always_on");
    assert_eq!(t.propagators().to_string(), "tracecontext");
    assert_eq!(t.effective_config().export.bsp.max_queue_size, 2048);
    let warnings = t.warnings().join("\n");
    for expected in [
        "OTEL_TRACES_SAMPLER=\"sometimes\"",
        "OTEL_PROPAGATORS=",
        "OTEL_BSP_MAX_QUEUE_SIZE=\"lots\" is not a non-negative integer; using the default 2048",
        "service.name is not set, so telemetry is reported as `unknown_service:",
    ] {
        assert!(warnings.contains(expected), "{expected:?} not in:\n{warnings}");
    }
    assert_eq!(t.warnings().len(), 4, "one warning per problem:\n{warnings}");
    t.shutdown().expect("shutdown");
}

#[test]
fn the_export_thread_nice_value_is_read_from_the_builders_environment() {
    let t = otel_kit_init::builder()
        .without_globals()
        .environment(env(&[
            ("OTEL_SERVICE_NAME", "nice"),
            ("OTEL_KIT_EXPORT_THREAD_NICE", "loud"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("a bad value never fails init");
    let warnings = t.warnings().join("\n");
    assert!(
        warnings.contains("OTEL_KIT_EXPORT_THREAD_NICE=\"loud\": not a nice value from 0 to 19; ignored"),
        "{warnings}"
    );
    assert_eq!(t.warnings().len(), 1, "{warnings}");
    t.shutdown().expect("shutdown");
}
