//! diesel-async's `AsyncPgConnection` (`TEST_POSTGRES_URL`): the same hook, given with
//! `set_instrumentation`; queries, a transaction, an error, and two queries pipelined on
//! one connection (both in flight at once, each span ended with its own query).

use diesel::ExpressionMethods as _;
use diesel::QueryDsl as _;
use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl as _, SimpleAsyncConnection as _};
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use super::diesel_users::dsl::{diesel_users, email, id};
use super::{builder, endpoint, parent, postgres};
use crate::support::url_from_env;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diesel_async_queries_pipelines_and_transactions() {
    let Some(url) = url_from_env("TEST_POSTGRES_URL", "diesel-async") else {
        return;
    };
    let t = TestTelemetry::new();
    let mut conn = AsyncPgConnection::establish(&url)
        .await
        .expect("TEST_POSTGRES_URL");
    conn.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS diesel_async; SET search_path TO diesel_async; \
         DROP TABLE IF EXISTS diesel_users; \
         CREATE TABLE diesel_users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
    )
    .await
    .expect("create");
    conn.set_instrumentation(builder(&t).build(&url));

    let cx = {
        let (cx, _guard) = parent(&t);
        cx
    };
    let run = async {
        diesel::insert_into(diesel_users)
            .values((id.eq(1_i64), email.eq("secret-one@example.com")))
            .execute(&mut conn)
            .await
            .expect("insert");
        let duplicate = diesel::insert_into(diesel_users)
            .values((id.eq(2_i64), email.eq("secret-one@example.com")))
            .execute(&mut conn)
            .await;
        assert!(duplicate.is_err());
        conn.transaction(async |conn| {
            diesel::insert_into(diesel_users)
                .values((id.eq(3_i64), email.eq("secret-three@example.com")))
                .execute(conn)
                .await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await
        .expect("transaction");
        // Pipelined: both queries are sent before either answer is read.
        let shared = &conn;
        let by_id = diesel_users
            .filter(id.eq(1_i64))
            .select(email)
            .get_result::<String>(&mut &*shared);
        let count = diesel_users.count().get_result::<i64>(&mut &*shared);
        let (found, counted) = futures_util::try_join!(by_id, count).expect("pipelined");
        assert_eq!((found.as_str(), counted), ("secret-one@example.com", 2));
    };
    {
        let _guard = cx.clone().attach();
        run.await;
    }
    cx.span().end();

    let spans = t.spans();
    spans.assert_tree(
        "test\n  INSERT \"diesel_users\"\n  INSERT \"diesel_users\"\n  BEGIN\n  INSERT \"diesel_users\"\n  COMMIT\n  \
         SELECT \"diesel_users\"\n  SELECT \"diesel_users\"",
    );
    let backend = postgres::backend(&url);
    let test = spans.span("test");
    for span in spans.iter().filter(|s| s.name != "test") {
        let text = format!("{:?}", span.attributes);
        assert!(!text.contains("secret"), "a value reached a span: {text}");
    }
    for summary in ["BEGIN", "COMMIT"] {
        endpoint(spans.span(summary), &backend)
            .has_parent(&test)
            .has_attribute(semconv::attribute::DB_OPERATION_NAME, summary);
    }
    let failed = spans.span_where("the duplicate", |s| {
        matches!(s.status, opentelemetry::trace::Status::Error { .. })
    });
    endpoint(failed, &backend)
        .has_attribute(semconv::attribute::ERROR_TYPE, "23505")
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, "23505");
    // Each pipelined span ended with its own query: both ended, both after they began.
    for select in spans.named("SELECT \"diesel_users\"") {
        let record = select.record();
        assert!(record.end_time_unix_nano >= record.start_time_unix_nano);
        endpoint(select, &backend).has_status_unset().has_parent(&test);
    }
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(
            semconv::attribute::DB_QUERY_SUMMARY,
            "SELECT \"diesel_users\"".into(),
        )])
        .has_count(2);
}
