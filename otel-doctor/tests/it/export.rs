//! `--export` against endpoints wrong in each way: a refused port, a peer that never
//! answers, TLS to a plain port, an unknown CA, the wrong protocol on rotel's ports, an
//! unreachable proxy and tinyproxy, a collector answering an error, and one that works.

use std::time::{Duration, Instant};

use otel_kit_testing::{BlackHole, ExportFailure, Rotel, TestCollector, Tinyproxy};

use crate::doctor::{Run, run};

/// A port nothing listens on.
fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Runs `--export` (traces only unless `all_signals`) in the background of the test's
/// runtime, whose servers keep serving meanwhile.
async fn export(env: Vec<(&'static str, String)>, all_signals: bool) -> Run {
    tokio::task::spawn_blocking(move || {
        let mut env: Vec<(&str, String)> = env;
        env.push(("OTEL_SERVICE_NAME", "doctor-test".to_owned()));
        if !all_signals {
            env.push(("OTEL_METRICS_EXPORTER", "none".to_owned()));
            env.push(("OTEL_LOGS_EXPORTER", "none".to_owned()));
        }
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(
            &std::env::temp_dir(),
            &[
                "--skip-metadata",
                "--export",
                "--timeout",
                "2",
                "--format",
                "json",
            ],
            &pairs,
        )
    })
    .await
    .expect("the run")
}

/// The one error-level export finding of a traces-only run.
fn error(out: &Run) -> serde_json::Value {
    let errors: Vec<_> = out
        .of("export")
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stdout);
    assert_eq!(out.code, Some(1), "{out:?}");
    errors[0].clone()
}

fn field(f: &serde_json::Value, name: &str) -> String {
    f[name].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_working_collector_gets_the_span_metric_and_log_and_the_run_exits_0() {
    let collector = TestCollector::start().await.expect("collector");
    let out = export(vec![("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())], true).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let accepted = out.of("export");
    assert_eq!(accepted.len(), 3, "{}", out.stdout);
    assert!(
        accepted
            .iter()
            .all(|f| f["severity"] == "info" && field(f, "finding").contains("accepted"))
    );
    let spans = collector.wait_for_spans(1, Duration::from_secs(5)).await;
    assert_eq!(spans.len(), 1);
    collector.wait_for_logs(1, Duration::from_secs(5)).await;
    assert!(
        !collector.metric_requests().is_empty(),
        "the metric point arrived"
    );
}

/// With `OTEL_CONFIG_FILE`, the export goes where the file says, as `init()` would,
/// not to the `OTEL_EXPORTER_OTLP_*` endpoint beside it (here a refused port).
#[tokio::test(flavor = "multi_thread")]
async fn a_configuration_files_endpoint_is_the_one_tried() {
    let collector = TestCollector::start().await.expect("collector");
    let file = std::env::temp_dir().join(format!("doctor-export-{}.yaml", std::process::id()));
    std::fs::write(
        &file,
        format!(
            "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: {}/v1/traces\n",
            collector.endpoint()
        ),
    )
    .expect("write the file");
    let out = export(
        vec![
            ("OTEL_CONFIG_FILE", file.to_string_lossy().into_owned()),
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{}", refused_port()),
            ),
        ],
        false,
    )
    .await;
    std::fs::remove_file(&file).ok();
    assert_eq!(out.code, Some(0), "{out:?}");
    let findings = out.of("export");
    assert!(
        findings
            .iter()
            .any(|f| field(f, "finding").contains("configuration file's exporters")),
        "{}",
        out.stdout
    );
    collector.wait_for_spans(1, Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_port_says_nothing_listens_over_either_protocol() {
    let port = refused_port();
    for protocol in ["http/protobuf", "grpc"] {
        let out = export(
            vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://127.0.0.1:{port}")),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ],
            false,
        )
        .await;
        let f = error(&out);
        assert!(field(&f, "why").contains("nothing listens"), "{protocol}: {f}");
        assert!(field(&f, "fix").contains("OTEL_EXPORTER_OTLP_ENDPOINT"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_peer_that_never_answers_is_cut_off_at_the_deadline() {
    let hole = BlackHole::start().await.expect("black hole");
    for protocol in ["http/protobuf", "grpc"] {
        let started = Instant::now();
        let out = export(
            vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", hole.endpoint()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ],
            false,
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        let f = error(&out);
        assert!(
            field(&f, "finding").contains("no answer within"),
            "{protocol}: {f}"
        );
        assert!(field(&f, "why").contains("never answers"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn https_to_a_plain_port_is_recognised() {
    let collector = TestCollector::start().await.expect("collector");
    let plain = collector.endpoint().replace("http://", "https://");
    for protocol in ["http/protobuf", "grpc"] {
        let out = export(
            vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", plain.clone()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ],
            false,
        )
        .await;
        let f = error(&out);
        assert!(field(&f, "why").contains("speaks plain HTTP"), "{protocol}: {f}");
        assert!(field(&f, "fix").contains("http://"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_ca_names_the_certificate_variable() {
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    let tls = otel_kit_testing::CollectorTls::new(cert.pem(), key.serialize_pem());
    let collector = TestCollector::builder()
        .tls(tls)
        .start()
        .await
        .expect("tls collector");
    let endpoint = collector.endpoint().replace("http://", "https://");
    for protocol in ["http/protobuf", "grpc"] {
        let out = export(
            vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.clone()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ],
            false,
        )
        .await;
        let f = error(&out);
        assert!(field(&f, "why").contains("not signed by a CA"), "{protocol}: {f}");
        assert!(field(&f, "fix").contains("OTEL_EXPORTER_OTLP_CERTIFICATE"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_collector_answering_an_error_is_reported_with_its_status() {
    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(10, ExportFailure::invalid_argument());
    let out = export(vec![("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())], false).await;
    let f = error(&out);
    assert!(field(&f, "finding").contains("400"), "{f}");
    assert!(field(&f, "why").contains("answered an error"), "{f}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wrong_protocol_on_rotels_ports_is_recognised_both_ways() {
    let Some(bin) = Rotel::binary_from_env() else {
        println!("skipped: TEST_OTLP_COLLECTOR_BIN is not set (rotel)");
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, otel_kit_otlp::Protocol::Grpc).expect("rotel");
    for (endpoint, protocol, speaks) in [
        (rotel.grpc_endpoint(), "http/protobuf", "=grpc"),
        (rotel.http_endpoint(), "grpc", "=http/protobuf"),
    ] {
        let out = export(
            vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ],
            false,
        )
        .await;
        let f = error(&out);
        assert!(
            field(&f, "why").contains(&format!("not in {protocol}")),
            "{f}\n{}",
            rotel.log()
        );
        assert!(field(&f, "fix").contains(speaks), "{f}");
    }
    // And the right ones work.
    let out = export(
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", rotel.grpc_endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        ],
        false,
    )
    .await;
    assert_eq!(out.code, Some(0), "{out:?}\n{}", rotel.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_proxy_is_named_for_both_protocols() {
    let collector = TestCollector::start().await.expect("collector");
    // Credentials in the proxy's URL and in the headers: never printed.
    let proxy = format!("http://doctor:s3cr3t@127.0.0.1:{}", refused_port());
    for protocol in ["http/protobuf", "grpc"] {
        let out = export(
            vec![
                ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
                (
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "authorization=Bearer%20s3cr3t".to_owned(),
                ),
                ("HTTP_PROXY", proxy.clone()),
            ],
            false,
        )
        .await;
        assert!(
            !out.stdout.contains("s3cr3t"),
            "a credential was printed: {}",
            out.stdout
        );
        let f = error(&out);
        assert!(field(&f, "why").contains("the proxy"), "{protocol}: {f}");
        assert!(field(&f, "fix").contains("NO_PROXY"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tinyproxy_that_cannot_reach_the_collector_is_told_apart_from_one_that_can() {
    let Some(bin) = Tinyproxy::binary_from_env() else {
        println!("skipped: TEST_TINYPROXY is not set");
        return;
    };
    let proxy = Tinyproxy::start(&bin, None).expect("tinyproxy");
    let collector = TestCollector::start().await.expect("collector");
    let out = export(
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
            ("HTTP_PROXY", proxy.url()),
        ],
        false,
    )
    .await;
    assert_eq!(out.code, Some(0), "through tinyproxy: {out:?}\n{}", proxy.log());
    assert!(out.stdout.contains("through the proxy"), "{}", out.stdout);
    for protocol in ["http/protobuf", "grpc"] {
        let out = export(
            vec![
                (
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    format!("http://127.0.0.1:{}", refused_port()),
                ),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
                ("HTTP_PROXY", proxy.url()),
            ],
            false,
        )
        .await;
        let f = error(&out);
        assert!(
            field(&f, "why").contains("the proxy"),
            "{protocol}: {f}\n{}",
            proxy.log()
        );
    }
}

/// An OTLP/HTTP peer that accepts every export with a partial success: `rejected`
/// spans, for `reason` (the protobuf `ExportTraceServiceResponse` written by hand).
async fn partial_success_peer(rejected: u8, reason: &str) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let mut partial = vec![0x08, rejected, 0x12, u8::try_from(reason.len()).expect("short")];
    partial.extend_from_slice(reason.as_bytes());
    let mut body = vec![0x0a, u8::try_from(partial.len()).expect("short")];
    body.extend_from_slice(&partial);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                // Read the request (headers and body) until the client waits for us.
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_millis(200), socket.read(&mut buf)).await
                    else {
                        break;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_success_is_an_error_with_the_rejected_count_and_reason() {
    let addr = partial_success_peer(1, "span attribute too long").await;
    let out = export(
        vec![("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{addr}"))],
        false,
    )
    .await;
    let f = error(&out);
    let finding = field(&f, "finding");
    assert!(finding.contains("partial success"), "{f}");
    assert!(
        finding.contains("1 spans rejected (span attribute too long)"),
        "{f}"
    );
}
