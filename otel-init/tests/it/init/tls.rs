//! TLS to the collector from the PEM files named by the environment: a custom CA,
//! mTLS client certificates, over gRPC and HTTP; a wrong CA or a missing client
//! certificate fails the export (visibly) without failing the application.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_testing::{CollectorTls, TestCollector};

use crate::support::pki::{self, Pki, ca};

fn pki() -> Pki {
    Pki::new("otel-kit test CA")
}

/// Writes PEM files into a directory of this test's own.
fn write(files: &[(&str, &str)]) -> PathBuf {
    let dir = pki::dir();
    for (name, pem) in files {
        pki::replace(&dir, name, pem);
    }
    dir
}

fn telemetry(env: HashMap<&'static str, String>) -> otel_kit_init::Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_secs(2))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("TLS settings never fail init")
}

fn base_env(
    collector: &TestCollector,
    protocol: &str,
    dir: &std::path::Path,
) -> HashMap<&'static str, String> {
    HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        (
            "OTEL_EXPORTER_OTLP_CERTIFICATE",
            dir.join("ca.pem").display().to_string(),
        ),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ])
}

async fn mtls_export_arrives(protocol: &str) {
    let pki = pki();
    let collector = TestCollector::builder()
        .tls(
            CollectorTls::new(pki.server_chain_pem.clone(), pki.server_key_pem.clone())
                .require_client_certificates(pki.ca_pem.clone()),
        )
        .start()
        .await
        .expect("collector");
    assert!(collector.endpoint().starts_with("https://"));
    let dir = write(&[
        ("ca.pem", &pki.ca_pem),
        ("client.pem", &pki.client_cert_pem),
        ("client.key", &pki.client_key_pem),
    ]);
    let mut env = base_env(&collector, protocol, &dir);
    env.insert(
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        dir.join("client.pem").display().to_string(),
    );
    env.insert(
        "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        dir.join("client.key").display().to_string(),
    );
    let t = telemetry(env);
    assert!(
        t.effective_config().to_string().contains(" tls"),
        "{}",
        t.effective_config()
    );
    t.tracer_provider().tracer("app").in_span("over mtls", |_| {});
    collector
        .wait_for_spans(1, Duration::from_secs(10))
        .await
        .span("over mtls");
    assert_eq!(collector.rejected_tls_handshakes(), 0);
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_with_custom_ca_and_client_certificate() {
    mtls_export_arrives("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_with_custom_ca_and_client_certificate() {
    mtls_export_arrives("http/protobuf").await;
}

async fn export_is_refused(protocol: &str, trust_wrong_ca: bool, present_client_cert: bool) {
    let pki = pki();
    let collector = TestCollector::builder()
        .tls(
            CollectorTls::new(pki.server_chain_pem.clone(), pki.server_key_pem.clone())
                .require_client_certificates(pki.ca_pem.clone()),
        )
        .start()
        .await
        .expect("collector");
    let trusted = if trust_wrong_ca {
        ca("some other CA").pem()
    } else {
        pki.ca_pem.clone()
    };
    let dir = write(&[
        ("ca.pem", &trusted),
        ("client.pem", &pki.client_cert_pem),
        ("client.key", &pki.client_key_pem),
    ]);
    let mut env = base_env(&collector, protocol, &dir);
    if present_client_cert {
        env.insert(
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            dir.join("client.pem").display().to_string(),
        );
        env.insert(
            "OTEL_EXPORTER_OTLP_CLIENT_KEY",
            dir.join("client.key").display().to_string(),
        );
    }
    let t = telemetry(env);
    let tracer = t.tracer_provider().tracer("app");
    for _ in 0..10 {
        tracer.in_span("refused", |_| {});
    }
    // The application goes on; the handshake fails at the collector.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while collector.rejected_tls_handshakes() == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        collector.rejected_tls_handshakes() > 0,
        "{protocol}: no handshake was refused"
    );
    assert!(collector.spans().is_empty());
    let started = std::time::Instant::now();
    let _ = tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_ca_fails_the_export_not_the_application() {
    export_is_refused("grpc", true, true).await;
    export_is_refused("http/protobuf", true, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_client_certificate_is_refused_by_an_mtls_collector() {
    export_is_refused("grpc", false, false).await;
    export_is_refused("http/protobuf", false, false).await;
}

#[test]
fn an_unreadable_certificate_file_is_a_warning_not_an_error() {
    let env = HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:9".to_owned()),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ]);
    let t = telemetry(env);
    let _ = t.shutdown();
}
