//! Failures: a server error's SQLSTATE on the span and the metric, one exception event
//! without the query's values; a client error by its kind; a closed connection.

use opentelemetry::logs::Severity;
use opentelemetry::trace::Status;
use otel_kit_db::tokio_postgres::InstrumentedClient;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use super::{config, connect, create_users, endpoint};
use crate::support::{in_test_span, table};

const SYNTAX_ERROR: &str = "42601";
const UNIQUE_VIOLATION: &str = "23505";
const EXCEPTION_TYPE: &str = "tokio_postgres::error::Error";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syntax_error_is_its_sqlstate_and_one_exception_event() {
    let t = TestTelemetry::new();
    let Some((client, expect)) = connect("tp syntax", &t).await else {
        return;
    };
    let users = table("tp_syntax_users");
    let error = in_test_span(
        &t,
        client.query(&format!("SELECT * FORM {users} WHERE name = 'x'"), &[]),
    )
    .await
    .expect_err("a syntax error");
    assert_eq!(error.code().map(|c| c.code()), Some(SYNTAX_ERROR));

    let spans = t.spans();
    let span = endpoint(spans.span("SELECT"), &expect)
        .has_parent(&spans.span("test"))
        .is_error()
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, SYNTAX_ERROR)
        .has_attribute(semconv::attribute::ERROR_TYPE, SYNTAX_ERROR)
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            format!("SELECT * FORM {users} WHERE name = ?"),
        );
    let Status::Error { description } = &span.record().status else {
        panic!("an error status");
    };
    assert!(description.contains("syntax error"), "{description}");
    let logs = t.logs();
    logs.assert_count(1)
        .event("db.client.operation.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", EXCEPTION_TYPE)
        .has_attribute("exception.message", description.to_string())
        .is_in_span(&span);
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::ERROR_TYPE, SYNTAX_ERROR.into()),
            (semconv::attribute::DB_RESPONSE_STATUS_CODE, SYNTAX_ERROR.into()),
            (semconv::attribute::DB_SYSTEM_NAME, "postgresql".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unique_violation_keeps_the_value_out_of_the_span_and_the_event() {
    let t = TestTelemetry::new();
    let Some((client, expect)) = connect("tp unique", &t).await else {
        return;
    };
    let users = table("tp_unique_users");
    create_users(&client, &users).await;
    let insert = client
        .prepare(&format!("INSERT INTO {users} (id, email) VALUES ($1, $2)"))
        .await
        .expect("prepare");
    client
        .execute(&insert, &[&1_i64, &"taken@example.com"])
        .await
        .expect("first");
    let error = client
        .execute(&insert, &[&2_i64, &"taken@example.com"])
        .await
        .expect_err("a duplicate");
    assert_eq!(error.code().map(|c| c.code()), Some(UNIQUE_VIOLATION));

    let spans = t.spans();
    let failed = spans.span_where("the failed insert", |s| s.status != Status::Unset);
    let failed = endpoint(failed, &expect)
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, UNIQUE_VIOLATION)
        .has_attribute(semconv::attribute::ERROR_TYPE, UNIQUE_VIOLATION)
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("INSERT {users}"));
    let Status::Error { description } = &failed.record().status else {
        panic!("an error status");
    };
    // PostgreSQL's message names the constraint; the detail with the value is not read.
    assert!(description.contains("duplicate key"), "{description}");
    let logs = t.logs();
    assert!(!logs.listing().contains("taken@"), "{}", logs.listing());
    logs.event("db.client.operation.exception")
        .has_attribute("exception.message", description.to_string())
        .is_in_span(&failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_row_count_and_a_closed_connection_are_client_errors_by_kind() {
    let t = TestTelemetry::new();
    let Some(config) = config("tp client errors") else {
        return;
    };
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.expect("connect");
    let task = tokio::spawn(connection);
    let client = InstrumentedClient::builder(client, &config)
        .providers(t.providers())
        .build();
    let error = client
        .query_one("SELECT 1 WHERE false", &[])
        .await
        .expect_err("no row");
    assert!(error.as_db_error().is_none(), "{error}");
    // The connection's task gone: the client reports the connection closed.
    task.abort();
    let _ = task.await;
    let error = client.query("SELECT 2", &[]).await.expect_err("closed");
    assert!(error.is_closed(), "{error}");

    let spans = t.spans();
    let [row_count, closed] =
        <[otel_kit_testing::SpanAssert<'_>; 2]>::try_from(spans.named("SELECT")).expect("two spans");
    row_count
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "row_count")
        .lacks_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE)
        .has_error_description("query returned an unexpected number of rows");
    closed
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "closed")
        .has_error_description("connection closed");
    let logs = t.logs();
    assert_eq!(logs.len(), 2, "{}", logs.listing());
    for record in logs.as_slice() {
        assert_eq!(record.event_name, "db.client.operation.exception");
    }
}
