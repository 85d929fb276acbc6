//! Credential files that are not regular files: a FIFO nobody writes to (as
//! `/dev/stdin` or a device would be) must not hold `init()` or the exports. It is one
//! warning naming its variable, `init()` returns at once, and the exports go on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Signal;
use otel_kit_testing::{CollectorTls, TestCollector};

use crate::support::pki::{self, Pki};

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(status.success(), "mkfifo {path:?}");
    path
}

/// `init()` from `env` on a thread of its own; `None` if it has not returned within 3 s
/// (the FIFO is then opened for writing, so that the stuck thread ends).
fn init_within_3s(env: HashMap<&'static str, String>, fifo: &Path) -> Option<otel_kit_init::Telemetry> {
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    std::thread::spawn(move || {
        let t = otel_kit_init::builder()
            .without_globals()
            .shutdown_timeout(Duration::from_secs(2))
            .environment(move |k| env.get(k).cloned())
            .init()
            .expect("init");
        let _ = tx.send(t);
    });
    match rx.recv_timeout(Duration::from_secs(3)) {
        Ok(t) => {
            println!("init() returned in {:?}", started.elapsed());
            Some(t)
        }
        Err(_) => {
            // Unblocks an `open` waiting for a writer.
            let _ = std::fs::OpenOptions::new().write(true).open(fifo);
            None
        }
    }
}

fn naming<'a>(t: &'a otel_kit_init::Telemetry, variable: &str) -> Vec<&'a String> {
    t.warnings()
        .iter()
        .filter(|w| w.starts_with(&format!("{variable}=")))
        .collect()
}

async fn shutdown(t: otel_kit_init::Telemetry) {
    let _ = tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join");
}

async fn header_file_is_a_fifo(protocol: &str) {
    let collector = TestCollector::start().await.expect("collector");
    let dir = pki::dir();
    let token = fifo(&dir, "token");
    let env = HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        (
            "OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE",
            format!("authorization={}", token.display()),
        ),
        (
            "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL",
            "200".to_owned(),
        ),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_SERVICE_NAME", "fifo-test".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ]);
    let t = init_within_3s(env, &token).unwrap_or_else(|| panic!("{protocol}: init() hangs on a FIFO"));
    let said: Vec<_> = t
        .warnings()
        .iter()
        .filter(|w| w.contains("HEADERS_FILE"))
        .collect();
    assert_eq!(said.len(), 1, "{protocol}: {:?}", t.warnings());
    assert!(said[0].contains("not a regular file"), "{protocol}: {}", said[0]);
    // Several checks pass (each would open the FIFO); the exports go on meanwhile.
    for (i, name) in ["one", "two", "three"].into_iter().enumerate() {
        tokio::time::sleep(Duration::from_millis(300)).await;
        t.tracer_provider().tracer("app").in_span(name, |_| {});
        collector
            .wait_for_spans(i + 1, Duration::from_secs(5))
            .await
            .span(name);
    }
    let stats = t.export_stats(Signal::Traces).expect("stats");
    assert_eq!(stats.failed_items(), 0, "{protocol}");
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_a_header_file_that_is_a_fifo_holds_neither_init_nor_exports() {
    header_file_is_a_fifo("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_a_header_file_that_is_a_fifo_holds_neither_init_nor_exports() {
    header_file_is_a_fifo("http/protobuf").await;
}

async fn ca_is_a_fifo(protocol: &str) {
    let pki = Pki::new("collector CA");
    let collector = TestCollector::builder()
        .tls(CollectorTls::new(pki.server_chain_pem, pki.server_key_pem))
        .start()
        .await
        .expect("collector");
    let dir = pki::dir();
    let ca = fifo(&dir, "ca.pem");
    let env = HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", ca.display().to_string()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000".to_owned()),
        (
            "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL",
            "200".to_owned(),
        ),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_SERVICE_NAME", "fifo-test".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ]);
    let t = init_within_3s(env, &ca).unwrap_or_else(|| panic!("{protocol}: init() hangs on a FIFO"));
    let said = naming(&t, "OTEL_EXPORTER_OTLP_CERTIFICATE");
    assert_eq!(said.len(), 1, "{protocol}: {:?}", t.warnings());
    assert!(said[0].contains("not a regular file"), "{protocol}: {}", said[0]);
    // The collector's CA is not trusted without the file: the span is counted lost,
    // within the timeout, while the checks keep finding the FIFO.
    tokio::time::sleep(Duration::from_millis(500)).await;
    t.tracer_provider().tracer("app").in_span("lost", |_| {});
    let stats = t.export_stats(Signal::Traces).expect("stats");
    let deadline = Instant::now() + Duration::from_secs(10);
    while stats.failed_items() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stats.failed_items(), 1, "{protocol}: the export did not end");
    shutdown(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_a_ca_that_is_a_fifo_holds_neither_init_nor_exports() {
    ca_is_a_fifo("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_a_ca_that_is_a_fifo_holds_neither_init_nor_exports() {
    ca_is_a_fifo("http/protobuf").await;
}

/// The upstream HTTP/JSON exporter takes its PEM bytes once, at start, through the same
/// reader: a FIFO is one warning, and `init()` returns at once.
#[cfg(feature = "http-json")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_json_a_ca_that_is_a_fifo_does_not_hold_init() {
    let dir = pki::dir();
    let ca = fifo(&dir, "ca-json.pem");
    let env = HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:9".to_owned()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json".to_owned()),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", ca.display().to_string()),
        ("OTEL_SERVICE_NAME", "fifo-test".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ]);
    let t = init_within_3s(env, &ca).unwrap_or_else(|| panic!("http/json: init() hangs on a FIFO"));
    let said: Vec<&String> = t
        .warnings()
        .iter()
        .filter(|w| w.contains("OTEL_EXPORTER_OTLP_CERTIFICATE"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", t.warnings());
    assert!(said[0].contains("not a regular file"), "{}", said[0]);
    shutdown(t).await;
}
