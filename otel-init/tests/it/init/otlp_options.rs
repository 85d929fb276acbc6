//! OTLP settings given in code (`Builder::otlp`): headers fixed and made at each export,
//! timeout, compression and TLS from PEM bytes reach a real TLS collector over gRPC and
//! HTTP; each setting wins over the environment and the configuration file as
//! docs/configuration.md says; a bad value is an error that shows no secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::{Compression, DynamicHeaders, InitError, OtlpOptions, Pem, Signal};
use otel_kit_testing::{CollectorTls, TestCollector};

use crate::support::pki::{Pki, ca};

const API_KEY: &str = "sk-live-code-0a1b2c3d";
const TOKEN_PREFIX: &str = "Bearer rotated-";

async fn code_settings_reach_the_collector(protocol: &str) {
    let pki = Pki::new("otel-kit code TLS CA");
    let collector = TestCollector::builder()
        .tls(
            CollectorTls::new(pki.server_chain_pem.clone(), pki.server_key_pem.clone())
                .require_client_certificates(pki.ca_pem.clone()),
        )
        .start()
        .await
        .expect("collector");
    // The environment says otherwise for every setting code gives.
    let wrong_ca = crate::support::pki::dir().join("wrong-ca.pem");
    std::fs::write(&wrong_ca, ca("not the collector's CA").pem()).expect("write");
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "x-api-key=from-env,x-env=kept".to_owned(),
        ),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "none".to_owned()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "not a number".to_owned()),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", wrong_ca.display().to_string()),
        ("OTEL_BSP_SCHEDULE_DELAY", "20".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ];
    let calls = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&calls);
    let otlp = OtlpOptions::new()
        .header("x-api-key", API_KEY)
        .dynamic_headers(DynamicHeaders::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            vec![("authorization".to_owned(), format!("{TOKEN_PREFIX}{n}"))]
        }))
        .compression(Compression::Gzip)
        .timeout(Duration::from_secs(5))
        .ca_certificate(pki.ca_pem.as_bytes())
        .client_identity(pki.client_cert_pem.as_bytes(), pki.client_key_pem.as_bytes());
    let t = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .shutdown_timeout(Duration::from_secs(2))
        .environment_variables(env)
        .otlp(otlp)
        .init()
        .expect("init");
    let traces = &t.effective_config().export.otlp.traces;
    assert_eq!(traces.settings.timeout, Duration::from_secs(5));
    assert!(
        t.warnings()
            .iter()
            .all(|w| !w.contains("OTEL_EXPORTER_OTLP_TIMEOUT")),
        "a variable code replaces is not warned about: {:?}",
        t.warnings()
    );
    let tracer = t.tracer_provider().tracer("app");
    tracer.in_span("first", |_| {});
    collector.wait_for_spans(1, Duration::from_secs(10)).await;
    tracer.in_span("second", |_| {});
    collector.wait_for_spans(2, Duration::from_secs(10)).await;
    let requests = collector.requests();
    assert!(requests.len() >= 2, "{protocol}");
    let mut tokens = Vec::new();
    for r in &requests {
        assert_eq!(
            r.header("x-api-key"),
            Some(API_KEY),
            "{protocol}: code's header wins"
        );
        assert_eq!(
            r.header("x-env"),
            Some("kept"),
            "{protocol}: the environment's other headers stay"
        );
        assert_eq!(r.compression(), Some("gzip"), "{protocol}");
        tokens.push(r.header("authorization").unwrap_or_default().to_owned());
    }
    assert!(tokens.iter().all(|t| t.starts_with(TOKEN_PREFIX)), "{tokens:?}");
    tokens.dedup();
    assert_eq!(
        tokens.len(),
        requests.len(),
        "{protocol}: a new token per export: {tokens:?}"
    );
    assert_eq!(
        collector.rejected_tls_handshakes(),
        0,
        "{protocol}: code's CA and identity used"
    );
    let shown = format!(
        "{} {:?} {:?}",
        t.effective_config(),
        t.effective_config(),
        t.warnings()
    );
    for secret in [API_KEY, TOKEN_PREFIX.trim_end_matches('-'), "PRIVATE KEY"] {
        assert!(!shown.contains(secret), "{secret} shown: {shown}");
    }
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_headers_token_compression_and_tls_bytes_from_code() {
    code_settings_reach_the_collector("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_headers_token_compression_and_tls_bytes_from_code() {
    code_settings_reach_the_collector("http/protobuf").await;
}

/// `init()` with `env` and `otlp`, exporting nowhere (nothing is sent).
fn effective(env: &[(&str, &str)], file: Option<&str>, otlp: OtlpOptions) -> otel_kit_init::Telemetry {
    let mut builder = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .shutdown_timeout(Duration::from_secs(2))
        .environment_variables(
            env.iter()
                .copied()
                .chain([("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")]),
        );
    if let Some(yaml) = file {
        builder = builder.config_yaml(yaml);
    }
    builder.otlp(otlp).init().expect("init")
}

const FILE: &str = r#"file_format: "1.0"
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            endpoint: http://127.0.0.1:9/v1/traces
            timeout: 3000
            compression: gzip
            tls:
              ca_file: /file/ca.pem
            headers:
              - name: x-api-key
                value: from-file
              - name: x-file
                value: kept
"#;

#[test]
fn each_setting_in_code_wins_over_the_environment_and_the_file_per_signal() {
    let env = [
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000"),
        ("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "2500"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
        ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/env/ca.pem"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=from-env,x-env=kept"),
    ];
    let pem = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_vec();
    // Nothing in code: the environment applies.
    let t = effective(&env, None, OtlpOptions::new());
    let c = &t.effective_config().export.otlp;
    assert_eq!(
        (c.traces.settings.timeout, c.logs.settings.timeout),
        (Duration::from_millis(2000), Duration::from_millis(2500))
    );
    assert_eq!(c.traces.settings.ca_certificate, Some(Pem::file("/env/ca.pem")));
    drop(t);

    let otlp = OtlpOptions::new()
        .timeout(Duration::from_secs(5))
        .without_compression()
        .ca_certificate(pem.clone())
        .header("X-Api-Key", "from-code")
        .signal(
            Signal::Logs,
            OtlpOptions::new()
                .timeout(Duration::from_secs(7))
                .header("x-logs", "only"),
        );
    for (source, file) in [("environment", None), ("file", Some(FILE))] {
        let t = effective(&env, file, otlp.clone());
        let c = &t.effective_config().export.otlp;
        // Code for every signal beats a signal's own variable; a signal's own code value beats both.
        assert_eq!(c.traces.settings.timeout, Duration::from_secs(5), "{source}");
        assert_eq!(c.metrics.settings.timeout, Duration::from_secs(5), "{source}");
        assert_eq!(c.logs.settings.timeout, Duration::from_secs(7), "{source}");
        assert_eq!(c.traces.settings.compression, None, "{source}");
        assert_eq!(
            c.traces.settings.ca_certificate,
            Some(Pem::Bytes(pem.clone())),
            "{source}"
        );
        let headers = |h: &[(String, String)]| {
            let mut h: Vec<(String, String)> = h
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect();
            h.sort();
            h
        };
        let kept = if file.is_some() { "x-file" } else { "x-env" };
        let expected = |signal: Signal, extra: &[(&str, &str)]| {
            // The file here sets traces only: the other signals have no headers of its.
            let others = (file.is_none() || signal == Signal::Traces).then_some((kept, "kept"));
            let mut e: Vec<(String, String)> = [("x-api-key", "from-code")]
                .iter()
                .chain(others.iter())
                .chain(extra)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            e.sort();
            e
        };
        assert_eq!(
            headers(&c.traces.settings.headers),
            expected(Signal::Traces, &[]),
            "{source}"
        );
        assert_eq!(
            headers(&c.logs.settings.headers),
            expected(Signal::Logs, &[("x-logs", "only")]),
            "{source}"
        );
        let shown = t.effective_config().to_string().to_ascii_lowercase();
        assert!(
            shown.contains("x-api-key=<redacted>") && !shown.contains("from-code"),
            "{source}: {shown}"
        );
    }
}

#[test]
fn a_bad_value_is_an_error_that_says_what_to_fix_and_shows_no_secret() {
    let secret = "s3cr3t-value";
    let cases: [(OtlpOptions, &str); 5] = [
        (
            OtlpOptions::new().header("x api key", secret),
            "is not a header name",
        ),
        (
            OtlpOptions::new().header("x-api-key", format!("{secret}\nInjected: yes")),
            "the value is not shown",
        ),
        (OtlpOptions::new().timeout(Duration::ZERO), "timeout of zero"),
        (
            OtlpOptions::new().client_identity(Pem::file("/tls.crt"), secret.as_bytes()),
            "no PEM block",
        ),
        (
            OtlpOptions::new().signal(
                Signal::Traces,
                OtlpOptions::new().signal(Signal::Logs, OtlpOptions::new()),
            ),
            "name signals of their own",
        ),
    ];
    for (otlp, says) in cases {
        let shown = format!("{otlp:?}");
        assert!(!shown.contains(secret), "{shown}");
        let error = otel_kit_init::builder()
            .without_globals()
            .without_tracing_subscriber()
            .environment_variables::<&str, &str>([])
            .otlp(otlp)
            .init()
            .expect_err("refused");
        assert!(
            matches!(error, InitError::InvalidValue { what: "otlp", .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(says), "{message}");
        assert!(!message.contains(secret), "{message}");
    }
}
