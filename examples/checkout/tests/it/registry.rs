//! The registry check over the demo's traffic: every attribute of every span, metric
//! point and log record the four services export (25 checkouts, each failure once),
//! against the semantic-conventions registry (`otel_kit_testing::Conformance`). SQLite,
//! and PostgreSQL too when `TEST_POSTGRES_URL` is set. Prints one line of counts per
//! database; the violations must be none.

use std::time::Duration;

use otel_kit_testing::{Conformance, Report, TestCollector};

use crate::demo::{demo, run_to_exit};

const DEMO_TIMEOUT: Duration = Duration::from_secs(180);

/// The demo's own namespace (examples/checkout/README.md, "Attributes").
const CUSTOM_NAMESPACE: &str = "shop";

async fn check_demo(database_url: &str) -> Report {
    let collector = TestCollector::start().await.expect("start the OTLP collector");
    let endpoint = collector.endpoint();
    let command = demo(
        &["run", "--checkouts", "25", "--concurrency", "4"],
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("DATABASE_URL", database_url),
        ],
    );
    run_to_exit(command, DEMO_TIMEOUT).await;
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
