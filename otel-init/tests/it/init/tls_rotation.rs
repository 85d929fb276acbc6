//! Credentials rotated while the service runs, through `init()`: the collector's CA and
//! the client certificate replaced as cert-manager does it (the new CA trusted beside
//! the old one for a while, then the leaves, then the old CA removed), and a bearer
//! token file renewed. Every export succeeds, the client presents the new certificate
//! on a new connection, and the service is never restarted.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Signal;
use otel_kit_testing::{CollectorTls, TestCollector};

use crate::support::pki::{self, Pki};

/// How often the files are read again in these tests.
const CHECK_MS: u64 = 200;
/// How long a change may take to be in use: the check interval, with a generous margin.
const WINDOW: Duration = Duration::from_millis(CHECK_MS * 5);

fn telemetry(env: HashMap<&'static str, String>) -> otel_kit_init::Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_secs(2))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("init")
}

fn env(collector: &TestCollector, protocol: &str, dir: &Path) -> HashMap<&'static str, String> {
    HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", pki::path(dir, "ca.pem")),
        (
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            pki::path(dir, "client.pem"),
        ),
        ("OTEL_EXPORTER_OTLP_CLIENT_KEY", pki::path(dir, "client.key")),
        (
            "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL",
            CHECK_MS.to_string(),
        ),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_SERVICE_NAME", "tls-test".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ])
}

/// Ends a span named `name` and waits until the collector has it (and `total` spans).
async fn export(t: &otel_kit_init::Telemetry, collector: &TestCollector, name: &'static str, total: usize) {
    t.tracer_provider().tracer("app").in_span(name, |_| {});
    collector
        .wait_for_spans(total, Duration::from_secs(10))
        .await
        .span(name);
}

async fn rotate_ca_and_client_certificate(protocol: &str) {
    let (old, new) = (Pki::new("old CA"), Pki::new("new CA"));
    let both_cas = format!("{}{}", old.ca_pem, new.ca_pem);
    let collector = TestCollector::builder()
        .tls(
            CollectorTls::new(old.server_chain_pem.clone(), old.server_key_pem.clone())
                .require_client_certificates(old.ca_pem.clone()),
        )
        .start()
        .await
        .expect("collector");
    let dir = pki::dir();
    pki::replace(&dir, "ca.pem", &old.ca_pem);
    pki::replace(&dir, "client.pem", &old.client_cert_pem);
    pki::replace(&dir, "client.key", &old.client_key_pem);
    let t = telemetry(env(&collector, protocol, &dir));
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    export(&t, &collector, "before", 1).await;

    // 1. The new CA is trusted beside the old one, on both sides.
    pki::replace(&dir, "ca.pem", &both_cas);
    collector
        .set_tls(
            CollectorTls::new(old.server_chain_pem.clone(), old.server_key_pem.clone())
                .require_client_certificates(both_cas.clone()),
        )
        .expect("set tls");
    tokio::time::sleep(WINDOW).await;
    export(&t, &collector, "both CAs trusted", 2).await;

    // 2. The leaves change: the collector serves the new CA's certificate, and the
    //    client's certificate and key are replaced (one file, then the other).
    collector
        .set_tls(
            CollectorTls::new(new.server_chain_pem.clone(), new.server_key_pem.clone())
                .require_client_certificates(both_cas.clone()),
        )
        .expect("set tls");
    pki::replace(&dir, "client.pem", &new.client_cert_pem);
    pki::replace(&dir, "client.key", &new.client_key_pem);
    tokio::time::sleep(WINDOW).await;
    export(&t, &collector, "new leaves", 3).await;
    // The connection made with the old certificate was replaced: the last handshake
    // presented the new one.
    let presented = collector.client_certificates();
    assert_eq!(
        presented.last().cloned().flatten().as_deref(),
        Some(new.client_cert_der.as_slice()),
        "{protocol}: the last of {} handshakes did not present the new client certificate",
        presented.len()
    );

    // 3. The old CA leaves both sides, and the collector drops every connection (a
    //    restart after the rotation): the client connects again with the new material.
    pki::replace(&dir, "ca.pem", &new.ca_pem);
    collector
        .set_tls(
            CollectorTls::new(new.server_chain_pem.clone(), new.server_key_pem.clone())
                .require_client_certificates(new.ca_pem.clone()),
        )
        .expect("set tls");
    tokio::time::sleep(WINDOW).await;
    collector.close_tls_connections();
    export(&t, &collector, "old CA gone", 4).await;

    let stats = t.export_stats(Signal::Traces).expect("stats");
    // The collector has the span a moment before the exporter counts its answer.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while stats.exported_items() < 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        (stats.exported_items(), stats.failed_items()),
        (4, 0),
        "{protocol}: every export succeeds"
    );
    assert_eq!(collector.rejected_tls_handshakes(), 0, "{protocol}");
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_picks_up_a_rotated_ca_and_client_certificate_without_a_restart() {
    rotate_ca_and_client_certificate("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_picks_up_a_rotated_ca_and_client_certificate_without_a_restart() {
    rotate_ca_and_client_certificate("http/protobuf").await;
}

async fn renew_bearer_token(protocol: &str) {
    let collector = TestCollector::start().await.expect("collector");
    let dir = pki::dir();
    pki::replace(&dir, "token", "Bearer first-token\n");
    let env = HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        (
            "OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE",
            format!("authorization={}", pki::path(&dir, "token")),
        ),
        (
            "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL",
            CHECK_MS.to_string(),
        ),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_SERVICE_NAME", "tls-test".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ]);
    let t = telemetry(env);
    let line = t.effective_config().to_string();
    assert!(line.contains("header_files=[\"authorization\"]"), "{line}");
    assert!(!line.contains("first-token"), "{line}");
    export(&t, &collector, "first", 1).await;
    pki::replace(&dir, "token", "Bearer second-token");
    tokio::time::sleep(WINDOW).await;
    export(&t, &collector, "second", 2).await;
    let tokens: Vec<String> = collector
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        tokens.first().map(String::as_str),
        Some("Bearer first-token"),
        "{protocol}"
    );
    assert_eq!(
        tokens.last().map(String::as_str),
        Some("Bearer second-token"),
        "{protocol}"
    );
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_sends_a_renewed_bearer_token_from_its_file() {
    renew_bearer_token("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_sends_a_renewed_bearer_token_from_its_file() {
    renew_bearer_token("http/protobuf").await;
}

/// New TLS material put in use while an export is waiting for its answer: the call
/// finishes on the connection it started on (gRPC's was cut, and h2 failed it as
/// `Unknown`, which is not retried), the batch is counted as exported, nothing is
/// lost, and nothing is sent twice.
async fn rotate_during_a_call(protocol: &str) {
    let (old, new) = (Pki::new("old CA"), Pki::new("new CA"));
    let collector = TestCollector::builder()
        .tls(CollectorTls::new(
            old.server_chain_pem.clone(),
            old.server_key_pem.clone(),
        ))
        .start()
        .await
        .expect("collector");
    let dir = pki::dir();
    pki::replace(&dir, "ca.pem", &old.ca_pem);
    let mut env = env(&collector, protocol, &dir);
    env.remove("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE");
    env.remove("OTEL_EXPORTER_OTLP_CLIENT_KEY");
    let t = telemetry(env);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    export(&t, &collector, "before", 1).await;

    // The collector answers 1.5 s late; the CA changes while the call waits.
    collector.set_response_delay(Duration::from_millis(1500));
    t.tracer_provider().tracer("app").in_span("in flight", |_| {});
    tokio::time::sleep(Duration::from_millis(300)).await;
    pki::replace(&dir, "ca.pem", &format!("{}{}", old.ca_pem, new.ca_pem));
    collector
        .wait_for_spans(2, Duration::from_secs(10))
        .await
        .span("in flight");
    collector.set_response_delay(Duration::ZERO);
    export(&t, &collector, "after", 3).await;

    let stats = t.export_stats(Signal::Traces).expect("stats");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while stats.exported_items() < 3 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        (stats.exported_items(), stats.failed_items()),
        (3, 0),
        "{protocol}: the call in flight is not lost"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        collector.spans().len(),
        3,
        "{protocol}: the call in flight was sent again"
    );
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_finishes_a_call_in_flight_across_a_rotation() {
    rotate_during_a_call("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_finishes_a_request_in_flight_across_a_rotation() {
    rotate_during_a_call("http/protobuf").await;
}
