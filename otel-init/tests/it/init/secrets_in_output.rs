//! No credential planted in the configuration reaches any stream `init()` writes: a
//! child process sets telemetry up from an environment holding passwords in endpoint user
//! info, API keys in endpoint queries, bearer tokens in headers (good and malformed), and
//! a Jaeger sampler endpoint with both, prints its start-up line and warnings through the
//! console at debug level, exports a span and a log line, and shuts down. Every byte of
//! its stdout and stderr is searched for each secret, on every OTLP protocol the build has
//! and against each way an export fails: a collector that refuses the connection, one that
//! accepts and never answers, and one that answers an `https://` endpoint in plaintext (the
//! TLS handshake fails). The failure lines (the kit's, hyper's, rustls', and with
//! `http-json` opentelemetry-otlp's) are part of what is searched.

use std::io::Write as _;
use std::net::TcpListener;
use std::process::Command;

/// Set in the child: it sets telemetry up and exits.
const CHILD: &str = "SECRETS_IN_OUTPUT_CHILD";

/// Each planted secret, found nowhere in the output.
const SECRETS: [&str; 6] = [
    "PassW0rd-endpoint",
    "K3y-in-query",
    "T0ken-in-header",
    "T0ken-malformed",
    "PassW0rd-jaeger",
    "K3y-jaeger",
];

/// The OTLP protocols this build exports with.
const PROTOCOLS: &[&str] = &[
    "grpc",
    "http/protobuf",
    #[cfg(feature = "http-json")]
    "http/json",
];

/// How the collector fails the export.
#[derive(Debug, Clone, Copy)]
enum Peer {
    /// Nothing listens on the port.
    Refuses,
    /// Accepts every connection and never answers.
    Silent,
    /// An `https://` endpoint whose server answers in plaintext.
    NotTls,
}

/// The collector's endpoint for `peer`, credentials planted; the listener (if any) runs
/// until the process ends.
fn collector(peer: Peer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let scheme = match peer {
        Peer::NotTls => "https",
        Peer::Refuses | Peer::Silent => "http",
    };
    match peer {
        Peer::Refuses => drop(listener),
        Peer::Silent => {
            // Every connection is kept open, unanswered, until the process ends.
            std::thread::spawn(move || listener.incoming().collect::<Vec<_>>());
        }
        Peer::NotTls => {
            std::thread::spawn(move || {
                for mut stream in listener.incoming().flatten() {
                    let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
                }
            });
        }
    }
    format!("{scheme}://alice:PassW0rd-endpoint@127.0.0.1:{port}?api_key=K3y-in-query")
}

#[test]
fn no_planted_secret_reaches_stdout_or_stderr() {
    let test = "init::secrets_in_output::no_planted_secret_reaches_stdout_or_stderr";
    if std::env::var_os(CHILD).is_some() {
        let telemetry = otel_kit_init::init().expect("init() from the planted environment");
        tracing::info!(target: "secrets_child", "a log line");
        tracing::info_span!("a span").in_scope(|| tracing::warn!("inside a span"));
        telemetry.shutdown().ok();
        return;
    }
    for protocol in PROTOCOLS {
        for peer in [Peer::Refuses, Peer::Silent, Peer::NotTls] {
            let endpoint = collector(peer);
            let mut command = Command::new(std::env::current_exe().expect("the test binary"));
            command.args([test, "--exact", "--nocapture", "--test-threads=1"]);
            for (variable, _) in std::env::vars().filter(|(k, _)| k.starts_with("OTEL_")) {
                command.env_remove(variable);
            }
            command
                .env(CHILD, "1")
                .env("OTEL_SERVICE_NAME", "secrets-child")
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
                .env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
                .env("OTEL_EXPORTER_OTLP_TIMEOUT", "500")
                .env(
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "authorization=Bearer%20T0ken-in-header",
                )
                .env(
                    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                    "authorization Bearer T0ken-malformed",
                )
                .env("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote")
                .env(
                    "OTEL_TRACES_SAMPLER_ARG",
                    format!(
                        "endpoint={},pollingIntervalMs=1",
                        endpoint
                            .replacen("alice:PassW0rd-endpoint", "bob:PassW0rd-jaeger", 1)
                            .replacen("?api_key=K3y-in-query", "/sampling?key=K3y-jaeger", 1)
                    ),
                )
                .env("OTEL_BSP_SCHEDULE_DELAY", "50")
                .env("OTEL_LOG_LEVEL", "debug")
                .env("RUST_LOG", "debug");
            let output = command.output().expect("the child");
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let case = format!("{protocol}, {peer:?}");
            assert!(
                output.status.success(),
                "{case}: the child failed:\n{stdout}\n{stderr}"
            );
            // The child did print: its start-up line and at least one warning.
            assert!(
                stdout.contains("secrets-child") || stderr.contains("secrets-child"),
                "{case}:\n{stdout}\n{stderr}"
            );
            assert!(
                stderr.contains("WARN") || stdout.contains("WARN"),
                "{case}:\n{stdout}\n{stderr}"
            );
            // The export failed and said so: the failure lines are among what is searched.
            assert!(
                stdout.contains("export failed") || stderr.contains("export failed"),
                "{case}: no export-failure line:\n{stdout}\n{stderr}"
            );
            for secret in SECRETS {
                assert!(
                    !stdout.contains(secret) && !stderr.contains(secret),
                    "{case}: `{secret}` was printed:\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
                );
            }
        }
    }
}
