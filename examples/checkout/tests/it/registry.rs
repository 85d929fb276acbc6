//! The registry check over the demo's traffic: every attribute of every span, metric
//! point and log record the four services export (25 checkouts, each failure once),
//! against the semantic-conventions registry (`otel_kit_testing::Conformance`). SQLite,
//! and PostgreSQL too when `TEST_POSTGRES_URL` is set. Prints one line of counts per
//! database; the violations must be none.

use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use otel_kit_testing::{Conformance, Report, TestCollector};

use crate::demo::demo;

const DEMO_TIMEOUT: Duration = Duration::from_secs(180);

/// The demo's own namespace (examples/checkout/README.md, "Attributes").
const CUSTOM_NAMESPACE: &str = "shop";

async fn check_demo(database_url: &str) -> Report {
    let collector = TestCollector::start().await.expect("start the OTLP collector");
    let endpoint = collector.endpoint();
    let mut child = demo(
        &["run", "--checkouts", "25", "--concurrency", "4"],
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("DATABASE_URL", database_url),
        ],
    )
    .stdin(Stdio::null())
    .spawn()
    .expect("start the checkout demo");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let drain = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the demo") {
            break status;
        }
        assert!(
            started.elapsed() < DEMO_TIMEOUT,
            "the demo did not exit within {DEMO_TIMEOUT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut errors = String::new();
    let _ = stderr.read_to_string(&mut errors);
    let _ = drain.join();
    assert!(status.success(), "the demo failed: {status}\n{errors}");
    // The demo flushes every signal before it exits.
    let spans = collector.spans();
    assert!(spans.len() > 100, "only {} spans arrived", spans.len());
    Conformance::semconv()
        .custom_namespace(CUSTOM_NAMESPACE)
        .check_spans(&spans)
        .check_metrics(&collector.metrics())
        .check_logs(&collector.logs())
        .report()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_conforms_to_the_registry() {
    let sqlite = std::env::temp_dir().join(format!("checkout-registry-{}.sqlite", std::process::id()));
    let mut databases = vec![("sqlite", format!("sqlite://{}", sqlite.display()))];
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) => databases.push(("postgresql", url)),
        Err(_) => println!("PostgreSQL not checked: TEST_POSTGRES_URL is not set"),
    }
    for (name, url) in databases {
        let report = check_demo(&url).await;
        println!("{name}: {report}");
        report.assert_conforms();
        assert!(report.attributes_checked() > 1000, "{report}");
    }
    let _ = std::fs::remove_file(sqlite);
}
