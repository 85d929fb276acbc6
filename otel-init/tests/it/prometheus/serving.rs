//! `/metrics` over real HTTP: from the exporter's own listener (`init()` with
//! `OTEL_METRICS_EXPORTER=prometheus`) and from the handler mounted on an axum router,
//! in both formats; and the configuration that chooses them.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use otel_kit_init::config::{ExporterKind, PrometheusListenerLimits};
use otel_kit_init::{Exporter, InitError};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{env, read_config};

const OPEN_METRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /metrics` (or `method`) over a fresh connection: the status line, the
/// `Content-Type` and the body.
pub(crate) async fn scrape(
    address: SocketAddr,
    method: &str,
    accept: Option<&str>,
) -> (String, String, String) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the listener accepts");
    let accept = accept.map(|a| format!("Accept: {a}\r\n")).unwrap_or_default();
    let request = format!("{method} /metrics HTTP/1.1\r\nHost: test\r\n{accept}Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("a response");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response head");
    let status = head.lines().next().unwrap_or_default().to_owned();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}

fn builder(vars: &[(&str, &str)]) -> otel_kit_init::Builder {
    let mut all = vec![("OTEL_TRACES_EXPORTER", "none"), ("OTEL_LOGS_EXPORTER", "none")];
    all.extend_from_slice(vars);
    otel_kit_init::builder()
        .environment(env(&all))
        .service_name("scraped")
        .without_globals()
        .without_tracing_subscriber()
}

/// Both formats from `address`, after a counter was recorded through `telemetry`.
async fn assert_serves_both_formats(telemetry: &otel_kit_init::Telemetry, address: SocketAddr) {
    telemetry
        .meter_provider()
        .meter("shop")
        .u64_counter("shop.orders")
        .build()
        .add(5, &[KeyValue::new("shop.step", "pay")]);

    let (status, content_type, body) = scrape(address, "GET", None).await;
    assert_eq!(
        (status.as_str(), content_type.as_str()),
        ("HTTP/1.1 200 OK", TEXT),
        "{body}"
    );
    assert!(body.contains("# TYPE shop_orders_total counter\n"), "{body}");
    assert!(
        body.contains("shop_orders_total{otel_scope_name=\"shop\",shop_step=\"pay\"} 5\n"),
        "{body}"
    );
    assert!(body.contains("service_name=\"scraped\""), "target_info: {body}");
    assert!(!body.contains("# EOF"), "{body}");

    let prometheus_accept =
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let (status, content_type, body) = scrape(address, "GET", Some(prometheus_accept)).await;
    assert_eq!(
        (status.as_str(), content_type.as_str()),
        ("HTTP/1.1 200 OK", OPEN_METRICS),
        "{body}"
    );
    assert!(body.contains("# TYPE shop_orders counter\n"), "{body}");
    assert!(body.ends_with("# EOF\n"), "{body}");

    let (status, _, _) = scrape(address, "POST", None).await;
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exporters_own_listener_serves_both_formats() {
    let telemetry = builder(&[
        ("OTEL_METRICS_EXPORTER", "prometheus"),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "0"),
    ])
    .init()
    .expect("init");
    let address = telemetry.prometheus_address().expect("the listener is up");
    assert_eq!(
        telemetry.effective_config().export.metrics_exporters,
        [ExporterKind::Prometheus]
    );
    assert_serves_both_formats(&telemetry, address).await;
    telemetry.shutdown().expect("shutdown");
    drop(telemetry);
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "the listener stops with the telemetry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handler_mounted_on_an_axum_router_serves_both_formats() {
    let telemetry = builder(&[])
        .metrics_exporter(Exporter::Prometheus)
        .without_prometheus_listener()
        .init()
        .expect("init");
    assert_eq!(telemetry.prometheus_address(), None, "no listener of its own");
    let handler = telemetry.prometheus_handler().expect("the handler");
    let app = Router::new().route_service("/metrics", handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    assert_serves_both_formats(&telemetry, address).await;
}

#[test]
fn otlp_and_prometheus_together_from_the_variable_and_from_code() {
    let (config, warnings) = read_config(&[("OTEL_METRICS_EXPORTER", "otlp,prometheus")]);
    assert_eq!(
        config.export.metrics_exporters,
        [ExporterKind::Otlp, ExporterKind::Prometheus]
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        (
            config.export.prometheus.host.as_str(),
            config.export.prometheus.port
        ),
        ("localhost", 9464)
    );

    let telemetry = builder(&[])
        .metrics_exporter(Exporter::OtlpAndPrometheus)
        .without_prometheus_listener()
        .init()
        .expect("init");
    assert_eq!(
        telemetry.effective_config().export.metrics_exporters,
        [ExporterKind::Otlp, ExporterKind::Prometheus]
    );
    assert!(telemetry.prometheus_handler().is_some());
    // Prometheus serves metrics, nothing else.
    let refused = builder(&[]).traces_exporter(Exporter::Prometheus).init();
    assert!(refused.is_err(), "{refused:?}");
    let (config, _) = read_config(&[("OTEL_TRACES_EXPORTER", "prometheus")]);
    assert!(!config.export.traces_exporters.contains(&ExporterKind::Prometheus));
}

#[test]
fn a_bad_port_or_host_is_one_warning_naming_the_variable_and_the_default() {
    let (config, warnings) = read_config(&[
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "95000"),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "bad host"),
    ]);
    assert_eq!(
        (
            config.export.prometheus.host.as_str(),
            config.export.prometheus.port
        ),
        ("localhost", 9464)
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("OTEL_EXPORTER_PROMETHEUS_PORT") && w.contains("9464"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("OTEL_EXPORTER_PROMETHEUS_HOST") && w.contains("localhost"))
    );
}

#[test]
fn a_port_in_use_is_a_warning_not_a_failure() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = taken.local_addr().expect("its address").port().to_string();
    let telemetry = builder(&[
        ("OTEL_METRICS_EXPORTER", "prometheus"),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", &port),
    ])
    .init()
    .expect("init does not fail");
    assert_eq!(telemetry.prometheus_address(), None);
    assert!(
        telemetry.prometheus_handler().is_some(),
        "the handler still serves a router"
    );
    let warning = telemetry
        .warnings()
        .iter()
        .find(|w| w.contains("OTEL_EXPORTER_PROMETHEUS_PORT"))
        .unwrap_or_else(|| panic!("a warning: {:?}", telemetry.warnings()));
    assert!(warning.contains("does not listen"), "{warning}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_address_chosen_in_code_wins_over_the_variables() {
    // The variables name a bad host and a bad port: neither is read, nor warned about.
    let telemetry = builder(&[
        ("OTEL_METRICS_EXPORTER", "prometheus"),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "bad host"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "95000"),
    ])
    .prometheus_address("127.0.0.1", 0)
    .init()
    .expect("init");
    assert!(telemetry.warnings().is_empty(), "{:?}", telemetry.warnings());
    let config = &telemetry.effective_config().export.prometheus;
    assert_eq!((config.host.as_str(), config.port), ("127.0.0.1", 0));
    let address = telemetry.prometheus_address().expect("the listener is up");
    assert!(address.ip().is_loopback() && address.port() != 0, "{address}");
    assert_serves_both_formats(&telemetry, address).await;

    let refused = builder(&[])
        .metrics_exporter(Exporter::Prometheus)
        .prometheus_address(" ", 9464)
        .init();
    let Err(error) = refused else {
        panic!("a blank host is refused")
    };
    let error = error.to_string();
    assert!(error.contains("prometheus_address"), "{error}");
}

#[test]
fn a_zero_listener_limit_is_an_error_that_says_what_to_give() {
    for limits in [
        PrometheusListenerLimits {
            max_connections: 0,
            ..PrometheusListenerLimits::DEFAULT
        },
        PrometheusListenerLimits {
            header_read_timeout: Duration::ZERO,
            ..PrometheusListenerLimits::DEFAULT
        },
        PrometheusListenerLimits {
            idle_timeout: Duration::ZERO,
            ..PrometheusListenerLimits::DEFAULT
        },
        PrometheusListenerLimits {
            write_timeout: Duration::ZERO,
            ..PrometheusListenerLimits::DEFAULT
        },
    ] {
        let result = otel_kit_init::builder()
            .environment(env(&[]))
            .without_globals()
            .without_tracing_subscriber()
            .prometheus_listener_limits(limits)
            .init();
        match result {
            Err(InitError::InvalidValue { what, why }) => {
                assert_eq!(what, "prometheus_listener_limits");
                assert!(why.contains("give"), "{why}");
            }
            other => panic!("{limits:?}: {:?}", other.map(|_| "Ok")),
        }
    }
}
