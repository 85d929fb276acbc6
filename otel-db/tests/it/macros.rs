//! The `query!` family of macros takes an instrumented pool unchanged. The macros check
//! queries at compile time: with `DATABASE_URL` unset they read the cached checks in
//! `otel-db/.sqlx` (made once with `DATABASE_URL=sqlite::memory:
//! SQLX_OFFLINE_DIR=otel-db/.sqlx cargo test -p otel-kit-db --test it`), so this
//! test builds offline and always runs, on SQLite.

use opentelemetry::trace::SpanKind;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_macros_run_through_the_instrumented_pool() {
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await.expect("open"));

    let record = sqlx::query!("SELECT ?1 + 1 AS answer", 41_i64)
        .fetch_one(&pool)
        .await
        .expect("query!");
    assert_eq!(record.answer, Some(42));
    let scalar = sqlx::query_scalar!("SELECT 'forty-two' AS word")
        .fetch_one(&pool)
        .await
        .expect("query_scalar!");
    assert_eq!(scalar, "forty-two");
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query!("SELECT 1 AS one")
        .fetch_one(&mut *tx)
        .await
        .expect("in a transaction");
    tx.commit().await.expect("commit");

    let spans = t.spans();
    spans.assert_count(5);
    let selects = spans.named("SELECT");
    assert_eq!(selects.len(), 3);
    for span in selects {
        span.has_kind(SpanKind::Client)
            .has_attribute(semconv::attribute::DB_SYSTEM_NAME, "sqlite")
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, "SELECT")
            .lacks_attribute(semconv::attribute::DB_OPERATION_NAME);
    }
    spans
        .span_where("the query! span", |s| {
            s.attributes.iter().any(|(k, v)| {
                k == semconv::attribute::DB_QUERY_TEXT && v.as_str() == Some("SELECT ?1 + 1 AS answer")
            })
        })
        .has_kind(SpanKind::Client);
}
