//! TLS on an image without a system CA store (a distroless or scratch image), shown to
//! rustls-native-certs by `SSL_CERT_FILE` naming an empty file, in a child process of
//! its own (the variable is process-wide). With `OTEL_EXPORTER_OTLP_CERTIFICATE` the
//! export works on gRPC and HTTP; with no CA at all, `init()` is still `Ok`, one warning
//! says why, and the export's loss is counted.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Signal;
use otel_kit_testing::{ALONE_ENV, CollectorTls, TestCollector};

use crate::support::pki::{self, Pki};

/// `true` in the test process, once test `name` of this module passed in a child process
/// whose system CA store is empty; `false` in that child, which then runs the test.
fn ran_without_system_roots(name: &str) -> bool {
    let module = module_path!().split_once("::").map_or("", |(_, rest)| rest);
    let test = format!("{module}::{name}");
    if std::env::var_os(ALONE_ENV).is_some_and(|running| running == test.as_str()) {
        return false;
    }
    let dir = pki::dir();
    pki::replace(&dir, "empty.pem", "");
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(ALONE_ENV, &test)
        .env("SSL_CERT_FILE", dir.join("empty.pem"))
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("start the test binary again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success() && stdout.contains(" 1 passed;"),
        "{test}, in a child without system roots: {}",
        output.status
    );
    true
}

fn telemetry(env: HashMap<&'static str, String>) -> otel_kit_init::Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_secs(2))
        .environment(move |k| env.get(k).cloned())
        .init()
        .expect("no system CA store never fails init")
}

fn base_env(collector: &TestCollector, protocol: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
        ("OTEL_SERVICE_NAME", "tls-test".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ])
}

async fn collector(pki: &Pki) -> TestCollector {
    TestCollector::builder()
        .tls(CollectorTls::new(
            pki.server_chain_pem.clone(),
            pki.server_key_pem.clone(),
        ))
        .start()
        .await
        .expect("collector")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_ca_needs_no_system_store() {
    if ran_without_system_roots("a_given_ca_needs_no_system_store") {
        return;
    }
    for protocol in ["grpc", "http/protobuf"] {
        let pki = Pki::new("collector CA");
        let collector = collector(&pki).await;
        let dir = pki::dir();
        pki::replace(&dir, "ca.pem", &pki.ca_pem);
        let mut env = base_env(&collector, protocol);
        env.insert("OTEL_EXPORTER_OTLP_CERTIFICATE", pki::path(&dir, "ca.pem"));
        let t = telemetry(env);
        assert!(t.warnings().is_empty(), "{protocol}: {:?}", t.warnings());
        t.tracer_provider().tracer("app").in_span("trusted", |_| {});
        collector
            .wait_for_spans(1, Duration::from_secs(10))
            .await
            .span("trusted");
        let _ = tokio::task::spawn_blocking(move || t.shutdown()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_ca_at_all_is_one_warning_and_counted_loss() {
    if ran_without_system_roots("no_ca_at_all_is_one_warning_and_counted_loss") {
        return;
    }
    for protocol in ["grpc", "http/protobuf"] {
        let collector = collector(&Pki::new("collector CA")).await;
        let t = telemetry(base_env(&collector, protocol));
        let said: Vec<&String> = t
            .warnings()
            .iter()
            .filter(|w| w.contains("no CA certificates"))
            .collect();
        assert_eq!(said.len(), 1, "{protocol}: {:?}", t.warnings());
        assert!(said[0].contains("CERTIFICATE"), "{protocol}: {}", said[0]);
        t.tracer_provider().tracer("app").in_span("unverifiable", |_| {});
        let stats = t.export_stats(Signal::Traces).expect("stats");
        let deadline = Instant::now() + Duration::from_secs(10);
        while stats.failed_items() == 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            (stats.exported_items(), stats.failed_items()),
            (0, 1),
            "{protocol}"
        );
        let _ = tokio::task::spawn_blocking(move || t.shutdown()).await;
    }
}
