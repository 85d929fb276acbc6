//! A test run again in a child process of this binary, serving one variant: the child
//! finds its variant in [`CHILD_ENV`] and reports on stdout after [`REPORT`].

use std::process::{Command, Stdio};

use http_peers::Variant;

/// Set in a child: the variant it serves.
pub(crate) const CHILD_ENV: &str = "HTTP_PEERS_TEST_VARIANT";
/// The prefix of a child's report lines.
pub(crate) const REPORT: &str = "HTTP_PEERS_TEST_REPORT";

/// The parent side of a test: the OTLP sink its children export to, run here (its work
/// is not a child's).
pub(crate) struct Parent {
    sink: http_peers::sink::CountingSink,
    _runtime: tokio::runtime::Runtime,
}

/// In a child, serves its variant with `serve` and returns `None`; in the parent, starts
/// the sink.
pub(crate) fn parent_or_serve(serve: fn(Variant)) -> Option<Parent> {
    if let Ok(name) = std::env::var(CHILD_ENV) {
        serve(name.parse().expect("a variant"));
        return None;
    }
    let runtime = runtime();
    let sink = runtime
        .block_on(http_peers::sink::CountingSink::start())
        .expect("the sink");
    Some(Parent {
        sink,
        _runtime: runtime,
    })
}

impl Parent {
    /// The spans the children exported.
    pub(crate) fn spans(&self) -> u64 {
        self.sink.spans()
    }

    /// Runs `test` (its full name) in a child serving `variant`, with the variant's
    /// environment and `env`, exporting to the sink over OTLP/gRPC with batches that
    /// leave when full; the child's report lines, without their prefix.
    pub(crate) fn run(&self, test: &str, variant: Variant, env: &[(&str, &str)]) -> Vec<String> {
        run(test, variant, &self.sink.endpoint(), env)
    }
}

fn run(test: &str, variant: Variant, endpoint: &str, env: &[(&str, &str)]) -> Vec<String> {
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, variant.name())
        .envs(variant.env().iter().copied())
        // An export's cost is then shared by hundreds of requests, as in the
        // instruction guard.
        .envs([
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "16384"),
            ("OTEL_BSP_SCHEDULE_DELAY", "3600000"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "3600000"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "3600000"),
            ("RUST_LOG", "info"),
        ])
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the {variant} child failed: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<String> = stdout
        .lines()
        .filter_map(|line| Some(line.strip_prefix(REPORT)?.trim().to_owned()))
        .collect();
    assert!(
        !lines.is_empty(),
        "the {variant} child reported nothing:\n{stdout}"
    );
    lines
}

/// Reports `line` to the parent.
pub(crate) fn report(line: &str) {
    println!("{REPORT} {line}");
}

/// A multi-thread runtime with one worker, as the servers run under callgrind.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}
