//! `promtool check metrics` (Prometheus's own linter, text format 0.0.4) on the
//! exposition of a realistic provider ([`fixture`](crate::fixture)), and on a real
//! scrape of the listener with the process and tokio runtime metrics on, where it may
//! find only [`EXCEPTIONS`]: the semantic-convention names that break one of its naming
//! rules, listed in the README with why the conventions win. `TEST_PROMTOOL` names
//! promtool; without it, the tests say why on stderr and pass.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use opentelemetry::metrics::MeterProvider as _;
use otel_kit_prometheus::{ExpositionFormat, PrometheusListenerLimits};
use otel_kit_runtime_metrics::TokioRuntimes;

use crate::fixture;
use crate::parsers::tool;
use crate::served::{scrape, start};

/// What promtool may say of a scrape with the runtime metrics on: families whose
/// semantic-convention name ends in `_count` without being a histogram or summary
/// (up-down counters, which are gauges in Prometheus and get no suffix of their own).
const EXCEPTIONS: &[&str] = &[
    "process_thread_count",
    "process_unix_file_descriptor_count",
    "tokio_task_alive_count",
    "tokio_worker_count",
];

/// The problem promtool reports for each of [`EXCEPTIONS`].
const COUNT_SUFFIX: &str = "non-histogram and non-summary metrics should not have \"_count\" suffix";

/// promtool's verdict on `exposition`.
fn check_metrics(promtool: &Path, exposition: &[u8]) -> Output {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    child
        .stdin
        .take()
        .expect("promtool's stdin")
        .write_all(exposition)
        .expect("the exposition is written to promtool");
    child.wait_with_output().expect("promtool ends")
}

#[test]
fn promtool_checks_the_text_format() {
    let Some(promtool) = tool("TEST_PROMTOOL") else {
        return;
    };
    let recorded = fixture::record();
    let exposition = recorded.reader.render(ExpositionFormat::Text);
    let output = check_metrics(&promtool, &exposition);
    assert!(
        output.status.success(),
        "promtool check metrics refused ({}):\n{}{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&exposition)
    );
    // It read the histogram: a broken one fails the check, so it must be there.
    assert!(
        String::from_utf8_lossy(&exposition)
            .contains("# TYPE http_server_request_duration_seconds histogram\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn promtool_finds_only_the_documented_exceptions_in_a_scrape_with_runtime_metrics() {
    let Some(promtool) = tool("TEST_PROMTOOL") else {
        return;
    };
    let (served, address) = start(PrometheusListenerLimits::DEFAULT);
    let provider = served.meter_provider();
    let runtimes = TokioRuntimes::default();
    runtimes.add("main", tokio::runtime::Handle::current());
    otel_kit_runtime_metrics::register(
        &provider.meter_with_scope(otel_kit_runtime_metrics::scope()),
        &runtimes,
    );
    let meter = provider.meter("shop");
    meter
        .u64_counter("shop.orders")
        .with_description("Orders placed")
        .build()
        .add(1, &[]);
    meter
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .with_description("Duration of HTTP server requests")
        .build()
        .record(0.2, &[]);
    let (status, _, body) = scrape(address, "GET", None).await;
    assert_eq!(status, "HTTP/1.1 200 OK", "{body}");
    // Every family has its help text, the runtime metrics' among them.
    let helped: BTreeSet<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("# HELP ")?.split(' ').next())
        .collect();
    for family in body
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.split(' ').next())
    {
        assert!(helped.contains(family), "{family} has no # HELP:\n{body}");
    }
    if cfg!(target_os = "linux") {
        assert!(body.contains("# HELP process_context_switches_total "), "{body}");
    }

    let output = check_metrics(&promtool, body.as_bytes());
    let found: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&output.stderr).lines())
        .map(str::to_owned)
        .collect();
    let allowed: BTreeSet<String> = EXCEPTIONS
        .iter()
        .filter(|family| body.contains(&format!("# TYPE {family} ")))
        .map(|family| format!("{family} {COUNT_SUFFIX}"))
        .collect();
    println!("promtool check metrics ({}): {found:#?}", output.status);
    assert!(allowed.len() >= 2, "the tokio families are there: {allowed:?}");
    assert_eq!(
        found, allowed,
        "promtool check metrics ({}) found other problems than the documented exceptions:\n{body}",
        output.status
    );
    // The README lists each exception.
    let readme = include_str!("../../README.md");
    for family in EXCEPTIONS {
        assert!(
            readme.contains(&format!("`{family}`")),
            "the README does not list {family}"
        );
    }
}
