//! TLS settings that cannot be used, and endpoints that carry credentials, through
//! `init()`: `init()` stays `Ok` on every protocol, each problem is one warning naming
//! its variable, what cannot be sent is counted as lost, an `http://` endpoint is
//! plaintext whatever certificates are given (and says so), and no printout shows an
//! endpoint's user info or query.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Signal;
use otel_kit_testing::{CollectorTls, TestCollector};

use crate::support::pki::{self, Pki};

fn telemetry(env: HashMap<&'static str, String>) -> otel_kit_init::Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_secs(2))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("TLS settings never fail init")
}

/// Every signal over OTLP, so that a warning shared by the signals is seen said once.
fn env(endpoint: String, protocol: &str, dir: &Path) -> HashMap<&'static str, String> {
    HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", pki::path(dir, "ca.pem")),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_SERVICE_NAME", "tls-test".to_owned()),
    ])
}

fn warnings_naming<'a>(t: &'a otel_kit_init::Telemetry, variable: &str) -> Vec<&'a String> {
    t.warnings()
        .iter()
        .filter(|w| w.starts_with(&format!("{variable}=")))
        .collect()
}

/// Ends a span and waits until the span exporter has counted it as lost.
async fn span_is_counted_lost(t: &otel_kit_init::Telemetry, protocol: &str) {
    t.tracer_provider().tracer("app").in_span("lost", |_| {});
    let stats = t.export_stats(Signal::Traces).expect("stats");
    let deadline = Instant::now() + Duration::from_secs(10);
    while stats.failed_items() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        stats.failed_items() >= 1,
        "{protocol}: the span was not counted as lost"
    );
    assert_eq!(stats.exported_items(), 0, "{protocol}");
}

async fn shutdown(t: otel_kit_init::Telemetry) {
    let _ = tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join");
}

const NOT_PEM: &str = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";

async fn unparsable_ca(protocol: &str) {
    let pki = Pki::new("collector CA");
    let collector = TestCollector::builder()
        .tls(CollectorTls::new(pki.server_chain_pem, pki.server_key_pem))
        .start()
        .await
        .expect("collector");
    let dir = pki::dir();
    pki::replace(&dir, "ca.pem", NOT_PEM);
    let t = telemetry(env(collector.endpoint(), protocol, &dir));
    let said = warnings_naming(&t, "OTEL_EXPORTER_OTLP_CERTIFICATE");
    assert_eq!(said.len(), 1, "{protocol}: {:?}", t.warnings());
    assert!(said[0].contains("ca.pem"), "{protocol}: {}", said[0]);
    // Without the CA, the collector's certificate is not trusted.
    span_is_counted_lost(&t, protocol).await;
    assert!(collector.spans().is_empty());
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unparsable_ca_is_one_warning_on_grpc_and_init_goes_on() {
    unparsable_ca("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unparsable_ca_is_one_warning_on_http_and_init_goes_on() {
    unparsable_ca("http/protobuf").await;
}

async fn unparsable_client_key(protocol: &str) {
    let pki = Pki::new("collector CA");
    let collector = TestCollector::builder()
        .tls(
            CollectorTls::new(pki.server_chain_pem, pki.server_key_pem)
                .require_client_certificates(pki.ca_pem.clone()),
        )
        .start()
        .await
        .expect("collector");
    let dir = pki::dir();
    pki::replace(&dir, "ca.pem", &pki.ca_pem);
    pki::replace(&dir, "client.pem", &pki.client_cert_pem);
    pki::replace(
        &dir,
        "client.key",
        "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n",
    );
    let mut env = env(collector.endpoint(), protocol, &dir);
    env.insert(
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        pki::path(&dir, "client.pem"),
    );
    env.insert("OTEL_EXPORTER_OTLP_CLIENT_KEY", pki::path(&dir, "client.key"));
    let t = telemetry(env);
    // The key is what cannot be parsed: its own variable is named.
    let said = warnings_naming(&t, "OTEL_EXPORTER_OTLP_CLIENT_KEY");
    assert_eq!(said.len(), 1, "{protocol}: {:?}", t.warnings());
    assert!(warnings_naming(&t, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE").is_empty());
    assert!(
        said[0].contains("no client certificate is presented"),
        "{protocol}: {}",
        said[0]
    );
    // No certificate is presented, so the mTLS collector refuses the handshake.
    span_is_counted_lost(&t, protocol).await;
    assert!(collector.rejected_tls_handshakes() > 0, "{protocol}");
    assert!(collector.client_certificates().iter().all(Option::is_none));
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unparsable_client_key_on_grpc_presents_no_certificate_and_counts_the_loss() {
    unparsable_client_key("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unparsable_client_key_on_http_presents_no_certificate_and_counts_the_loss() {
    unparsable_client_key("http/protobuf").await;
}

async fn plaintext_endpoint_with_certificates(protocol: &str) {
    let pki = Pki::new("unused CA");
    let collector = TestCollector::start().await.expect("collector");
    let dir = pki::dir();
    pki::replace(&dir, "ca.pem", &pki.ca_pem);
    pki::replace(&dir, "client.pem", &pki.client_cert_pem);
    pki::replace(&dir, "client.key", &pki.client_key_pem);
    let mut env = env(collector.endpoint(), protocol, &dir);
    env.insert(
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        pki::path(&dir, "client.pem"),
    );
    env.insert("OTEL_EXPORTER_OTLP_CLIENT_KEY", pki::path(&dir, "client.key"));
    let t = telemetry(env);
    let line = t.effective_config().to_string();
    assert!(!line.contains(" tls"), "{protocol}: the line says tls: {line}");
    assert!(
        line.contains("plaintext(certificates_ignored)"),
        "{protocol}: {line}"
    );
    for variable in [
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    ] {
        let said = warnings_naming(&t, variable);
        assert_eq!(said.len(), 1, "{protocol}, {variable}: {:?}", t.warnings());
        assert!(said[0].contains("plaintext"), "{protocol}: {}", said[0]);
    }
    // It is sent, in plaintext, as the scheme says.
    t.tracer_provider().tracer("app").in_span("plain", |_| {});
    collector
        .wait_for_spans(1, Duration::from_secs(10))
        .await
        .span("plain");
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_to_an_http_endpoint_with_certificates_is_plaintext_and_says_so() {
    plaintext_endpoint_with_certificates("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_to_an_http_endpoint_with_certificates_is_plaintext_and_says_so() {
    plaintext_endpoint_with_certificates("http/protobuf").await;
}

#[test]
fn no_printout_shows_an_endpoints_user_info_or_query() {
    for protocol in ["grpc", "http/protobuf"] {
        let env = HashMap::from([
            (
                // The other protocol's port: a warning that shows the endpoint.
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                if protocol == "grpc" {
                    "https://alice:s3cret@host:4318/v1/traces?api_key=K".to_owned()
                } else {
                    "https://alice:s3cret@host:4317/v1/traces?api_key=K".to_owned()
                },
            ),
            // Not a URL the kit can use: a warning that shows the value.
            (
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                "ftp://bob:hunter2@host/v1/metrics?token=T".to_owned(),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ("OTEL_LOGS_EXPORTER", "none".to_owned()),
        ]);
        let t = telemetry(env);
        let line = t.effective_config().to_string();
        let printed = format!("{line}\n{}\n{:?}", t.warnings().join("\n"), t.effective_config());
        for secret in ["s3cret", "api_key=K", "hunter2", "token=T"] {
            assert!(
                !printed.contains(secret),
                "{protocol}: {secret} printed:\n{printed}"
            );
        }
        assert!(line.contains("https://alice:***@host:43"), "{protocol}: {line}");
        assert!(line.contains("/v1/traces?***"), "{protocol}: {line}");
        assert!(
            t.warnings()
                .iter()
                .any(|w| w.contains("ftp://bob:***@host/v1/metrics?***")),
            "{protocol}: {:?}",
            t.warnings()
        );
        let _ = t.shutdown();
    }
}

#[test]
fn a_zero_credentials_check_interval_is_one_warning_and_the_default_applies() {
    let (config, warnings) =
        crate::support::read_config(&[("OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL", "0")]);
    for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
        assert_eq!(
            config
                .export
                .otlp
                .signal(signal)
                .settings
                .credentials_check_interval,
            Duration::from_secs(10)
        );
    }
    let said: Vec<&String> = warnings
        .iter()
        .filter(|w| w.starts_with("OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL="))
        .collect();
    assert_eq!(said.len(), 1, "{warnings:?}");
    assert!(said[0].contains("using the default 10000 ms"), "{}", said[0]);
}

#[test]
fn a_credentials_check_interval_under_100_ms_is_one_warning_and_100_ms_applies() {
    let (config, warnings) =
        crate::support::read_config(&[("OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL", "1")]);
    for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
        assert_eq!(
            config
                .export
                .otlp
                .signal(signal)
                .settings
                .credentials_check_interval,
            otel_kit_otlp::MIN_CREDENTIALS_CHECK_INTERVAL
        );
    }
    let said: Vec<&String> = warnings
        .iter()
        .filter(|w| w.starts_with("OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL="))
        .collect();
    assert_eq!(said.len(), 1, "{warnings:?}");
    assert!(said[0].contains("using 100 ms"), "{}", said[0]);
}
