//! Records of the `log` crate, from a real dependency that logs through it (rustls, whose
//! client logs its handshake at debug level), reach the console and OTLP logs through
//! `RUST_LOG`, in the span they were logged in. In their own process: the `log` logger,
//! like the `tracing` subscriber, is one per process.

use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::logs::Severity;
use otel_kit_init::subscriber::ConsoleFormat;
use otel_kit_testing::{TestCollector, TestTelemetry};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};

use crate::support::env;
use crate::support::own_process::ran_in_own_process;
use crate::support::subscriber::{dispatch, text_ids};

/// What rustls's client logs at debug level on every full handshake.
const RUSTLS_RECORD: &str = "Not resuming any session";
/// The `log` target of that record.
const RUSTLS_TARGET: &str = "rustls::client::hs";

/// A TLS 1.3 handshake between a rustls client and server, in memory: rustls logs its
/// steps through the `log` crate.
fn tls_handshake() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let certificate = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![certificate.clone()], key)
        .expect("server config");
    let mut roots = RootCertStore::empty();
    roots.add(certificate).expect("root");
    let client_config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut client = ClientConnection::new(Arc::new(client_config), "localhost".try_into().expect("name"))
        .expect("client");
    let mut server = ServerConnection::new(Arc::new(server_config)).expect("server");
    for _ in 0..10 {
        if !client.is_handshaking() && !server.is_handshaking() {
            return;
        }
        let mut bytes = Vec::new();
        client.write_tls(&mut bytes).expect("client writes");
        server.read_tls(&mut bytes.as_slice()).expect("server reads");
        server.process_new_packets().expect("server processes");
        bytes.clear();
        server.write_tls(&mut bytes).expect("server writes");
        client.read_tls(&mut bytes.as_slice()).expect("client reads");
        client.process_new_packets().expect("client processes");
    }
    panic!("the handshake did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_of_a_dependency_logging_through_log_reach_otlp_in_their_span_through_rust_log() {
    if ran_in_own_process(
        module_path!(),
        "records_of_a_dependency_logging_through_log_reach_otlp_in_their_span_through_rust_log",
    ) {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    // Globals on: the ordinary `init()` path, with the process environment replaced.
    let telemetry = otel_kit_init::builder()
        .environment(env(&[
            ("OTEL_SERVICE_NAME", "log-bridge-test"),
            ("RUST_LOG", "info,rustls=debug"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ]))
        .init()
        .expect("init");
    assert!(telemetry.warnings().is_empty(), "{:?}", telemetry.warnings());

    tokio::task::spawn_blocking(|| tracing::info_span!("handshake").in_scope(tls_handshake))
        .await
        .expect("handshake");
    // The filter changed while the service runs: rustls's debug records stop.
    telemetry.control().set_filter("info").expect("filter");
    tokio::task::spawn_blocking(|| tracing::info_span!("quiet handshake").in_scope(tls_handshake))
        .await
        .expect("handshake");
    telemetry.force_flush().expect("flush");

    let deadline = Instant::now() + Duration::from_secs(10);
    while (collector.spans().as_slice().len() < 2 || collector.logs().as_slice().is_empty())
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let spans = collector.spans();
    let logs = collector.logs();
    let from_rustls: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|r| r.scope.name.starts_with("rustls"))
        .collect();
    assert!(
        from_rustls
            .iter()
            .all(|r| r.scope.name == RUSTLS_TARGET || r.scope.name.starts_with("rustls::")),
        "{from_rustls:#?}"
    );
    let record = logs
        .record(RUSTLS_RECORD)
        .has_severity(Severity::Debug)
        .is_in_span(&spans.span("handshake"))
        .lacks_attribute("log.target")
        .lacks_attribute("log.module_path")
        .lacks_attribute("log.file")
        .lacks_attribute("log.line")
        .record()
        .clone();
    // Exported as a `tracing` event is: the record's own target, no event name.
    assert_eq!(record.scope.name, RUSTLS_TARGET);
    assert_eq!(record.event_name, "");
    let quiet = spans.span("quiet handshake").record().clone();
    assert!(
        from_rustls
            .iter()
            .all(|r| r.span_id.as_deref() != Some(quiet.span_id.as_str())),
        "records after the filter changed to `info`: {from_rustls:#?}"
    );
    drop(telemetry);
}

#[test]
fn records_of_the_log_crate_reach_the_console_with_the_span_ids_and_follow_the_filter() {
    if ran_in_own_process(
        module_path!(),
        "records_of_the_log_crate_reach_the_console_with_the_span_ids_and_follow_the_filter",
    ) {
        return;
    }
    otel_kit_init::subscriber::bridge_log_crate().expect("no other `log` logger in this process");
    // Again: harmless.
    otel_kit_init::subscriber::bridge_log_crate().expect("bridged already");

    let run = |directives: &str| {
        let t = TestTelemetry::new();
        let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, directives);
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::info_span!("handshake").in_scope(tls_handshake);
        });
        (t, console)
    };

    let (t, console) = run("info,rustls=debug");
    let line = console.line(RUSTLS_RECORD);
    assert!(
        line.contains(RUSTLS_TARGET),
        "the console names the record's target: {line}"
    );
    let ids = text_ids(&line).expect("ids on the line");
    let record = t
        .logs()
        .record(RUSTLS_RECORD)
        .is_in_span(&t.spans().span("handshake"))
        .record()
        .clone();
    assert_eq!((Some(ids.0), Some(ids.1)), (record.trace_id, record.span_id));

    let (t, _console) = run("info");
    assert!(
        t.logs()
            .as_slice()
            .iter()
            .all(|r| !r.scope.name.starts_with("rustls")),
        "rustls's debug records passed an `info` filter: {:?}",
        t.logs().as_slice()
    );
}
