//! A collector whose certificate the exporter does not trust: the export fails with a
//! warning that says why (the certificate), over gRPC and over HTTP, and the
//! application goes on. In its own process: it installs a global `tracing` subscriber.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_testing::{CollectorTls, TestCollector};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

use crate::support::own_process::ran_in_own_process;

/// Everything the global `tracing` subscriber of this process printed.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("ca")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_ca_is_a_warning_that_names_the_certificate() {
    if ran_in_own_process(
        module_path!(),
        "a_wrong_ca_is_a_warning_that_names_the_certificate",
    ) {
        return;
    }
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish(),
    )
    .expect("subscriber");

    let server_ca = ca("the collector's CA");
    let key = KeyPair::generate().expect("key");
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("params")
        .signed_by(&key, &server_ca)
        .expect("cert");
    let collector = TestCollector::builder()
        .tls(CollectorTls::new(
            format!("{}{}", server.pem(), server_ca.pem()),
            key.serialize_pem(),
        ))
        .start()
        .await
        .expect("collector");
    let dir = std::env::temp_dir().join(format!("otel-kit-init-tls-message-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let trusted = dir.join("other-ca.pem");
    std::fs::write(&trusted, ca("some other CA").pem()).expect("write");

    for protocol in ["grpc", "http/protobuf"] {
        let env = HashMap::from([
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", trusted.display().to_string()),
            ("OTEL_BSP_SCHEDULE_DELAY", "50".to_owned()),
            ("OTEL_METRICS_EXPORTER", "none".to_owned()),
            ("OTEL_LOGS_EXPORTER", "none".to_owned()),
        ]);
        let before = captured.text().len();
        let telemetry = otel_kit_init::builder()
            .without_globals()
            .without_tracing_subscriber()
            .shutdown_timeout(Duration::from_secs(2))
            .environment(move |k| env.get(k).cloned())
            .init()
            .expect("a wrong CA never fails init");
        let tracer = telemetry.tracer_provider().tracer("app");
        tracer.in_span("refused", |_| {});
        // The export fails visibly, and a warning says why: the certificate.
        let deadline = Instant::now() + Duration::from_secs(10);
        let explained = loop {
            let text = captured.text()[before..].to_owned();
            let failed = text.lines().any(|l| l.contains("span export failed"));
            let why = text.lines().find(|l| {
                let l = l.to_lowercase();
                l.contains("warn") && (l.contains("certificate") || l.contains("unknownissuer"))
            });
            if let (true, Some(why)) = (failed, why) {
                break why.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "{protocol}: no explained failure; printed:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        println!("{protocol}: {explained}");
        // The application goes on: more spans, and shutdown within its budget.
        tracer.in_span("still running", |_| {});
        let started = Instant::now();
        let _ = tokio::task::spawn_blocking(move || telemetry.shutdown())
            .await
            .expect("join");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "shutdown took {:?}",
            started.elapsed()
        );
    }
    assert!(collector.spans().is_empty());
}
