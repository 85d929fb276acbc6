//! otel-kit-init's database settings, which reach a pool through the global
//! instrumentation switches:
//! - the slow-query flag (`OTEL_KIT_DB_SLOW_QUERY_THRESHOLD`): an operation that takes
//!   at least the threshold gets `otel_kit.db.slow_query=true` on its span and one WARN
//!   log record in the span's context; a quicker one neither;
//! - the query-text mode (`OTEL_KIT_DB_QUERY_TEXT=always_sanitized`): a query with bind
//!   values has its inline literals replaced too, as the pool builder's
//!   `QueryText::AlwaysSanitized` does; the builder's mode wins over the setting.
//!
//! On SQLite always, on PostgreSQL with `TEST_POSTGRES_URL`. Each case runs alone in a
//! child process of this binary: the switches are the whole process's.

use std::time::Duration;

use opentelemetry::logs::Severity;
use otel_kit_core::instrumentation_switches::{InstrumentationSwitches, set_global_instrumentation_switches};
use otel_kit_db::QueryText;
use otel_kit_testing::{AttributeValue, TestTelemetry, alone};

const THRESHOLD: Duration = Duration::from_millis(50);
const SLOW: &str = "otel_kit.db.slow_query";

fn flag_slow_queries() {
    let mut switches = InstrumentationSwitches::new();
    switches.db_slow_query_threshold = Some(THRESHOLD);
    set_global_instrumentation_switches(switches);
}

/// Runs `quick` and `slow` (the second taking well over [`THRESHOLD`]) with `run` (on an
/// instrumented pool) and checks what each recorded; `marker` is in the slow one's
/// `db.query.text` only, `slow_summary` is its `db.query.summary`; the event is the only
/// one of its name.
async fn check(
    run: impl AsyncFn(&'static str),
    (quick, slow): (&'static str, &'static str),
    marker: &str,
    slow_summary: &str,
) {
    flag_slow_queries();
    let t = TestTelemetry::new().install_global();
    run(quick).await;
    let started = std::time::Instant::now();
    run(slow).await;
    assert!(
        started.elapsed() >= THRESHOLD,
        "the slow statement took {:?}",
        started.elapsed()
    );
    let spans = t.spans();
    let logs = t.logs();
    let is_slow = |s: &otel_kit_testing::SpanRecord| {
        s.attribute("db.query.text")
            .and_then(AttributeValue::as_str)
            .is_some_and(|text| text.contains(marker))
    };
    spans.assert_count(2);
    let slow_span = spans.span_where("the slow statement", is_slow);
    slow_span.has_attribute(SLOW, true);
    spans
        .span_where("the quick statement", |s| !is_slow(s))
        .lacks_attribute(SLOW);
    logs.event(SLOW)
        .has_severity(Severity::Warn)
        .has_attribute(SLOW, true)
        .has_attribute("db.query.summary", slow_summary)
        .is_in_span(&slow_span.record());
}

#[test]
fn a_slow_sqlite_statement_is_flagged_and_logged_once() {
    alone(
        "init_settings::a_slow_sqlite_statement_is_flagged_and_logged_once",
        || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
            let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await.expect("sqlite"));
            let run = async |sql: &'static str| {
                sqlx::raw_sql(sql).execute(&pool).await.expect(sql);
            };
            // About a second in a debug build: a recursive count to three million.
            let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c";
            check(run, ("SELECT 1", slow), "RECURSIVE", "SELECT SELECT SELECT").await;
        });
        },
    );
}

#[test]
fn a_slow_postgres_statement_is_flagged_and_logged_once() {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("skipped: TEST_POSTGRES_URL is not set (a PostgreSQL server for the slow-query case)");
        return;
    };
    alone(
        "init_settings::a_slow_postgres_statement_is_flagged_and_logged_once",
        || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let pool = otel_kit_db::instrument(sqlx::PgPool::connect(&url).await.expect("postgres"));
                let run = async |sql: &'static str| {
                    sqlx::raw_sql(sql).execute(&pool).await.expect(sql);
                };
                check(run, ("SELECT 1", "SELECT pg_sleep(0.2)"), "pg_sleep", "SELECT").await;
            });
        },
    );
}

/// The `db.query.text` of each span recorded, in order.
fn query_texts(t: &otel_kit_testing::GlobalTelemetry) -> Vec<String> {
    t.spans()
        .iter()
        .filter_map(|s| {
            s.attribute("db.query.text")
                .and_then(AttributeValue::as_str)
                .map(str::to_owned)
        })
        .collect()
}

#[test]
fn always_sanitized_replaces_the_literals_of_a_query_with_binds_too() {
    alone(
        "init_settings::always_sanitized_replaces_the_literals_of_a_query_with_binds_too",
        || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let mut switches = InstrumentationSwitches::new();
                switches.db_query_text = Some(QueryText::AlwaysSanitized);
                set_global_instrumentation_switches(switches);
                let t = TestTelemetry::new().install_global();
                let raw = sqlx::SqlitePool::connect("sqlite::memory:")
                    .await
                    .expect("sqlite");
                sqlx::raw_sql("CREATE TABLE posts (id INTEGER, status TEXT)")
                    .execute(&raw)
                    .await
                    .expect("create");
                let query = "SELECT id FROM posts WHERE id = ?1 AND status = 'published'";
                // From the setting, and from a builder that says otherwise.
                let by_setting = otel_kit_db::instrument(raw.clone());
                sqlx::query(query)
                    .bind(7)
                    .fetch_optional(&by_setting)
                    .await
                    .expect("select");
                let by_builder = otel_kit_db::InstrumentedPool::builder(raw)
                    .query_text(QueryText::Sanitized)
                    .build();
                sqlx::query(query)
                    .bind(7)
                    .fetch_optional(&by_builder)
                    .await
                    .expect("select");
                assert_eq!(
                    query_texts(&t),
                    [
                        "SELECT id FROM posts WHERE id = ?1 AND status = ?",
                        "SELECT id FROM posts WHERE id = ?1 AND status = 'published'",
                    ],
                    "the setting sanitises a query with binds; the builder's mode wins"
                );
            });
        },
    );
}

#[test]
fn always_sanitized_on_postgres_keeps_placeholders_and_hides_literals() {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("skipped: TEST_POSTGRES_URL is not set (a PostgreSQL server for the query-text mode)");
        return;
    };
    alone(
        "init_settings::always_sanitized_on_postgres_keeps_placeholders_and_hides_literals",
        || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let t = TestTelemetry::new().install_global();
                let raw = sqlx::PgPool::connect(&url).await.expect("postgres");
                let pool = otel_kit_db::InstrumentedPool::builder(raw)
                    .query_text(QueryText::AlwaysSanitized)
                    .build();
                let query = "SELECT $1::int AS id, 'published' AS status, 42 AS answer";
                sqlx::query(query).bind(7).fetch_one(&pool).await.expect("select");
                assert_eq!(
                    query_texts(&t),
                    ["SELECT $1::int AS id, ? AS status, ? AS answer"]
                );
            });
        },
    );
}
