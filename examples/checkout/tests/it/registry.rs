//! The registry check over the demo's traffic: every attribute of every span, metric
//! point and log record the four services export (25 checkouts, each failure once),
//! against the semantic-conventions registry (`otel_kit::testing::Conformance`). SQLite
//! with the embedded defaults; PostgreSQL too when `TEST_POSTGRES_URL` is set; and with
//! NATS JetStream and the Redis cache when `TEST_NATS_URL` / `TEST_REDIS_URL` are set.
//! Prints one line of counts per run; the violations must be none. The same telemetry
//! holds no personal data or credentials (`PrivacyCheck`'s default detectors).

use std::time::Duration;

use otel_kit::testing::{AttributeValue, Conformance, Report, TestCollector};

use crate::demo::{Services, demo, run_to_exit};

const DEMO_TIMEOUT: Duration = Duration::from_secs(180);

/// The demo's own namespace (examples/checkout/README.md, "Attributes").
const CUSTOM_NAMESPACE: &str = "shop";

async fn check_demo(database_url: &str, services: &Services) -> Report {
    let collector = TestCollector::start().await.expect("start the OTLP collector");
    let endpoint = collector.endpoint();
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("DATABASE_URL", database_url),
    ];
    env.extend(services.env());
    let command = demo(&["run", "--checkouts", "25", "--concurrency", "4"], &env);
    run_to_exit(command, DEMO_TIMEOUT).await;
    // The demo flushes every signal before it exits.
    let spans = collector.spans();
    assert!(spans.len() > 100, "only {} spans arrived", spans.len());
    // What the check covers: the queue's spans always, the broker's and the cache's when
    // the services are on.
    let has = |key: &str, value: &str| {
        let value = AttributeValue::from(value);
        spans.iter().any(|s| s.attribute(key) == Some(&value))
    };
    let system = if services.nats.is_some() {
        "nats"
    } else {
        "tokio_mpsc"
    };
    assert!(has("messaging.system.name", system), "no {system} span");
    assert_eq!(
        has("db.system.name", "redis"),
        services.redis.is_some(),
        "Redis spans"
    );
    // No personal data or credentials anywhere, by the default detectors.
    otel_kit_testing::privacy::PrivacyCheck::new().assert_in(&spans, &collector.logs(), &collector.metrics());
    Conformance::semconv()
        .custom_namespace(CUSTOM_NAMESPACE)
        .check_spans(&spans)
        .check_metrics(&collector.metrics())
        .check_logs(&collector.logs())
        .report()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_conforms_to_the_registry() {
    let sqlite = |run: &str| {
        std::env::temp_dir().join(format!("checkout-registry-{run}-{}.sqlite", std::process::id()))
    };
    let sqlite_url = |run: &str| format!("sqlite://{}", sqlite(run).display());
    let mut runs = vec![("sqlite".to_owned(), sqlite_url("plain"), Services::none())];
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) => runs.push(("postgresql".to_owned(), url, Services::none())),
        Err(_) => println!("PostgreSQL not checked: TEST_POSTGRES_URL is not set"),
    }
    if let Some(services) = Services::from_env("the_demo_conforms_to_the_registry") {
        let name = format!("sqlite {}", services.describe());
        runs.push((name, sqlite_url("services"), services));
    }
    for (name, url, services) in runs {
        let report = check_demo(&url, &services).await;
        println!("{name}: {report}");
        report.assert_conforms();
        assert!(report.attributes_checked() > 1000, "{report}");
    }
    for run in ["plain", "services"] {
        let _ = std::fs::remove_file(sqlite(run));
    }
}
