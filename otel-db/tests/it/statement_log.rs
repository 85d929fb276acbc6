//! sqlx's own statement log as spans (`otel_kit_db::statement_log`), on a plain pool
//! against PostgreSQL (`TEST_POSTGRES_URL`) and MariaDB (`TEST_MYSQL_URL`), each skipped
//! when its variable is unset: the spans' names, attributes, parent and start, the
//! duration point, a 400 KiB statement, a statement the pool wrapper records too (once),
//! and what the log cannot say (a failed statement). The layer is the test thread's
//! subscriber (`set_default`) on a current-thread runtime, where both drivers log.
//!
//! Installed as users install it (the process's global subscriber, in a child process
//! of its own), beside the pool wrapper: the wrapper's statements are recorded once
//! where sqlx logs them on a thread of its own (SQLite's worker) and where it logs them
//! from a destructor (a cancelled PostgreSQL statement); a plain pool's statement of the
//! same text as a wrapper's is still recorded.

use std::time::Duration;

use opentelemetry::trace::{SpanKind, Status};
use otel_kit_testing::{TestTelemetry, alone};
use sqlx::postgres::PgConnectOptions;
use tracing_subscriber::prelude::*;

use crate::support::{in_test_span, url_from_env};

#[tokio::test]
async fn postgres_statements_become_spans_under_the_callers_span() {
    let Some(url) = url_from_env("TEST_POSTGRES_URL", "the statement log on PostgreSQL") else {
        return;
    };
    let options: PgConnectOptions = url.parse().expect("TEST_POSTGRES_URL");
    let t = TestTelemetry::new();
    let layer = otel_kit_db::statement_log::<sqlx::Postgres>(&options)
        .providers(t.providers())
        .returned_rows(true)
        .layer();
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    let pool = sqlx::PgPool::connect_with(options.clone())
        .await
        .expect("connect");

    let huge = "x".repeat(400 * 1024);
    in_test_span(&t, async {
        // A plain pool, as the service's code passes it.
        let rows = sqlx::query("SELECT relname FROM pg_class WHERE relname = 'pg_class' AND relkind = $1")
            .bind("r")
            .fetch_all(&pool)
            .await
            .expect("select");
        assert_eq!(rows.len(), 1);
        sqlx::query("SELECT pg_sleep(0.2)")
            .execute(&pool)
            .await
            .expect("sleep");
        let long: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT length('{huge}')::int8 AS n FROM pg_namespace LIMIT 1"
        )))
        .fetch_one(&pool)
        .await
        .expect("long statement");
        assert_eq!(long.0, 400 * 1024);
        // What the log cannot say: this failed, and its span does not show it.
        sqlx::query("SELECT * FROM no_such_table_statement_log")
            .fetch_all(&pool)
            .await
            .expect_err("no such table");
        // Recorded by the wrapper, so not a second time by the log.
        let wrapped = otel_kit_db::InstrumentedPool::builder(pool.clone())
            .providers(t.providers())
            .build();
        sqlx::query("SELECT 1 AS one FROM pg_am LIMIT 1")
            .fetch_all(&wrapped)
            .await
            .expect("wrapped");
    })
    .await;

    let spans = t.wait_for_spans(6, Duration::from_secs(5)).await;
    let parent = spans.span("test");
    let address = options.get_host().to_owned();
    spans
        .span("SELECT pg_class")
        .has_kind(SpanKind::Client)
        .has_parent(&parent)
        .has_attribute("db.system.name", "postgresql")
        .has_attribute("db.namespace", options.get_database().unwrap_or_default())
        .has_attribute("server.address", address.as_str())
        .has_attribute("db.query.summary", "SELECT pg_class")
        // Sanitised: the log does not say whether the query had bind values.
        .has_attribute(
            "db.query.text",
            "SELECT relname FROM pg_class WHERE relname = ? AND relkind = $1",
        )
        .has_attribute("db.response.returned_rows", 1)
        .has_status_unset();
    // The span starts when sqlx began the statement, not when it logged it.
    let slept = spans.span("SELECT").has_parent(&parent).record();
    let took = slept.end_time_unix_nano - slept.start_time_unix_nano;
    assert!(took >= 200_000_000, "the sleep's span lasted {took} ns");
    let long = spans
        .span("SELECT pg_namespace")
        .has_attribute_satisfying("db.query.text", "the literal replaced", |text| {
            text.as_str().is_some_and(|text| text.contains("length(?)"))
        })
        .record();
    assert!(
        long.attributes
            .iter()
            .all(|(_, v)| v.as_str().is_none_or(|v| v.len() <= otel_kit_db::MAX_QUERY_TEXT)),
        "an attribute of the 400 KiB statement was not capped"
    );
    spans
        .span("SELECT no_such_table_statement_log")
        .has_status(Status::Unset)
        .lacks_attribute("error.type");
    let wrapped_spans = spans.iter().filter(|s| s.name == "SELECT pg_am").count();
    assert_eq!(wrapped_spans, 1, "the wrapper's statement was recorded twice");

    t.metrics()
        .metric("db.client.operation.duration")
        .histogram_point(&[
            ("db.system.name", "postgresql".into()),
            ("db.query.summary", "SELECT pg_class".into()),
        ])
        .has_count(1);
}

#[tokio::test]
async fn mariadb_statements_become_spans_named_for_the_system_given() {
    let Some(url) = url_from_env("TEST_MYSQL_URL", "the statement log on MariaDB") else {
        return;
    };
    let options: sqlx::mysql::MySqlConnectOptions = url.parse().expect("TEST_MYSQL_URL");
    let t = TestTelemetry::new();
    let layer = otel_kit_db::statement_log::<sqlx::MySql>(&options)
        .providers(t.providers())
        .system_name("mariadb")
        .layer();
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    let pool = sqlx::MySqlPool::connect_with(options).await.expect("connect");
    in_test_span(&t, async {
        let mut tx = pool.begin().await.expect("begin");
        sqlx::query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'mysql' LIMIT 1")
            .fetch_all(&mut *tx)
            .await
            .expect("select");
        tx.commit().await.expect("commit");
    })
    .await;
    let spans = t.wait_for_spans(2, Duration::from_secs(5)).await;
    spans
        .span("SELECT information_schema.tables")
        .has_parent(&spans.span("test"))
        .has_attribute("db.system.name", "mariadb")
        .has_attribute(
            "db.query.text",
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? LIMIT ?",
        );
}

/// The spans named `name`.
fn named(t: &TestTelemetry, name: &str) -> usize {
    t.spans().iter().filter(|s| s.name == name).count()
}

/// The global subscriber with the statement log, and the wrapper, on `t`'s providers.
fn log_installed_globally<DB: otel_kit_db::InstrumentedDatabase>(
    t: &TestTelemetry,
    options: &<DB::Connection as sqlx::Connection>::Options,
) {
    let layer = otel_kit_db::statement_log::<DB>(options)
        .providers(t.providers())
        .layer();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .expect("the only subscriber");
}

#[test]
fn sqlite_statements_of_the_wrapper_are_recorded_once_with_the_log_installed_globally() {
    alone(
        "statement_log::sqlite_statements_of_the_wrapper_are_recorded_once_with_the_log_installed_globally",
        || {
            let t = TestTelemetry::new();
            let options = sqlx::sqlite::SqliteConnectOptions::new().in_memory(true);
            log_installed_globally::<sqlx::Sqlite>(&t, &options);
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let plain = sqlx::SqlitePool::connect_with(options).await.expect("sqlite");
                let wrapped = otel_kit_db::InstrumentedPool::builder(plain.clone())
                    .providers(t.providers())
                    .build();
                // Three statements through the wrapper, each form of running one.
                sqlx::query("SELECT 1 AS a")
                    .fetch_all(&wrapped)
                    .await
                    .expect("fetch_all");
                sqlx::query("SELECT 2 AS b")
                    .fetch_optional(&wrapped)
                    .await
                    .expect("fetch_optional");
                sqlx::query("SELECT 3 AS c")
                    .execute(&wrapped)
                    .await
                    .expect("execute");
                // One through the plain pool, of a text the wrapper also runs.
                sqlx::query("SELECT 1 AS a")
                    .fetch_all(&plain)
                    .await
                    .expect("plain");
            });
            // 3 by the wrapper, 1 by the log (and sqlx's own PRAGMAs on connecting); the
            // log's twins of the wrapper's were 3 more.
            runtime.block_on(t.wait_for_spans(5, Duration::from_secs(5)));
            std::thread::sleep(Duration::from_millis(200));
            let spans: Vec<_> = t.spans().iter().filter(|s| s.name == "SELECT").cloned().collect();
            let mut texts: Vec<_> = spans
                .iter()
                .filter_map(|s| s.attribute("db.query.text")?.as_str().map(str::to_owned))
                .collect();
            texts.sort();
            assert_eq!(
                texts,
                ["SELECT ? AS a", "SELECT ? AS a", "SELECT ? AS b", "SELECT ? AS c"]
            );
        },
    );
}

#[test]
fn a_cancelled_postgres_statement_of_the_wrapper_is_recorded_once() {
    let Some(url) = url_from_env(
        "TEST_POSTGRES_URL",
        "a cancelled statement beside the statement log",
    ) else {
        return;
    };
    alone(
        "statement_log::a_cancelled_postgres_statement_of_the_wrapper_is_recorded_once",
        move || {
            let t = TestTelemetry::new();
            let options: PgConnectOptions = url.parse().expect("TEST_POSTGRES_URL");
            log_installed_globally::<sqlx::Postgres>(&t, &options);
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let plain = sqlx::PgPool::connect_with(options).await.expect("connect");
                let wrapped = otel_kit_db::InstrumentedPool::builder(plain)
                    .providers(t.providers())
                    .build();
                let sleep = sqlx::query("SELECT pg_sleep(2) AS cancelled_statement").execute(&wrapped);
                tokio::time::timeout(Duration::from_millis(300), sleep)
                    .await
                    .expect_err("cancelled after 300 ms");
                // sqlx logs the cancelled statement from its destructor, after the drop.
                tokio::time::sleep(Duration::from_millis(500)).await;
            });
            assert_eq!(named(&t, "SELECT"), 1, "{:#?}", t.spans());
        },
    );
}
