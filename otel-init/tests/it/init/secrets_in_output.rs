//! No credential planted in the configuration reaches any stream `init()` writes: a
//! child process sets telemetry up from an environment holding passwords in endpoint user
//! info, API keys in endpoint queries, bearer tokens in headers (good and malformed), and
//! a Jaeger sampler endpoint with both, prints its start-up line and warnings through the
//! console, exports a span and a log line, and shuts down. Every byte of its stdout and
//! stderr is searched for each secret.

use std::process::Command;
use std::time::Duration;

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
    // A collector address that refuses: export errors are printed too.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args([test, "--exact", "--nocapture", "--test-threads=1"]);
    for (variable, _) in std::env::vars().filter(|(k, _)| k.starts_with("OTEL_")) {
        command.env_remove(variable);
    }
    command
        .env(CHILD, "1")
        .env("OTEL_SERVICE_NAME", "secrets-child")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://alice:PassW0rd-endpoint@127.0.0.1:{port}?api_key=K3y-in-query"),
        )
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .env("OTEL_EXPORTER_OTLP_TIMEOUT", "500")
        .env("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20T0ken-in-header")
        .env("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "authorization Bearer T0ken-malformed")
        .env("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote")
        .env(
            "OTEL_TRACES_SAMPLER_ARG",
            format!("endpoint=http://bob:PassW0rd-jaeger@127.0.0.1:{port}/sampling?key=K3y-jaeger,pollingIntervalMs=1"),
        )
        .env("OTEL_BSP_SCHEDULE_DELAY", "50")
        .env("OTEL_LOG_LEVEL", "debug")
        .env("RUST_LOG", "debug");
    let output = command.output().expect("the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the child failed:\n{stdout}\n{stderr}");
    // The child did print: its start-up line and at least one warning.
    assert!(
        stdout.contains("secrets-child") || stderr.contains("secrets-child"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("WARN") || stdout.contains("WARN"),
        "{stdout}\n{stderr}"
    );
    for secret in SECRETS {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "`{secret}` was printed:\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        );
    }
    let _ = Duration::ZERO;
}
