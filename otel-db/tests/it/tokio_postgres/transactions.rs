//! Transactions (`BEGIN`, `COMMIT`, `ROLLBACK` spans around their queries) and the
//! caller's [`DbOperation`](otel_kit_db::DbOperation) on a client and in a transaction.

use otel_kit_db::DbOperation;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use super::{connect, create_users, endpoint, ok};
use crate::support::{in_test_span, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_and_rollback_are_spans_around_the_transactions_queries() {
    let t = TestTelemetry::new();
    let Some((mut client, expect)) = connect("tp tx", &t).await else {
        return;
    };
    let users = table("tp_tx_users");
    create_users(&client, &users).await;
    let insert = format!("INSERT INTO {users} (id, email) VALUES ($1, $2)");
    in_test_span(&t, async {
        let tx = client.transaction().await.expect("begin");
        tx.execute(insert.as_str(), &[&1_i64, &"kept@example.com"])
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        let tx = client.transaction().await.expect("begin");
        tx.execute(insert.as_str(), &[&2_i64, &"dropped@example.com"])
            .await
            .expect("insert");
        tx.rollback().await.expect("rollback");
    })
    .await;
    let count: i64 = client
        .get_ref()
        .query_one(&format!("SELECT count(*) FROM {users}"), &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(count, 1, "the rolled-back row is gone");

    let spans = t.spans();
    spans.assert_tree(&format!(
        "test\n  BEGIN\n  INSERT {users}\n  COMMIT\n  BEGIN\n  INSERT {users}\n  ROLLBACK"
    ));
    for name in ["COMMIT", "ROLLBACK"] {
        ok(endpoint(spans.span(name), &expect))
            .has_attribute(semconv::attribute::DB_OPERATION_NAME, name)
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, name)
            .lacks_attribute(semconv::attribute::DB_QUERY_TEXT);
    }
    for begin in spans.named("BEGIN") {
        ok(endpoint(begin, &expect)).has_attribute(semconv::attribute::DB_OPERATION_NAME, "BEGIN");
    }
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_OPERATION_NAME, "BEGIN".into())])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_operation_goes_on_the_span_and_the_metric() {
    let t = TestTelemetry::new();
    let Some((mut client, expect)) = connect("tp operation", &t).await else {
        return;
    };
    let users = table("tp_op_users");
    create_users(&client, &users).await;
    let select = format!("SELECT id FROM {users} WHERE id = $1");
    in_test_span(&t, async {
        let op = DbOperation::new().name("find_user").collection(users.clone());
        let found = client
            .with_operation(op)
            .query_opt(select.as_str(), &[&1_i64])
            .await
            .expect("find");
        assert!(found.is_none());
        // The same text without one: its parsed summary alone.
        client.query(select.as_str(), &[&1_i64]).await.expect("plain");
        let tx = client.transaction().await.expect("begin");
        let op = DbOperation::new().name("add  user").summary("add user");
        tx.with_operation(op)
            .execute(
                &format!("INSERT INTO {users} (id, email) VALUES ($1, 'a@x')"),
                &[&1_i64],
            )
            .await
            .expect("insert");
        let statement = tx.prepare(select.as_str()).await.expect("prepare");
        let op = DbOperation::new().collection(users.clone());
        let rows = tx
            .with_operation(op)
            .query(&statement, &[&1_i64])
            .await
            .expect("select");
        assert_eq!(rows.len(), 1);
        tx.commit().await.expect("commit");
    })
    .await;

    let spans = t.spans();
    ok(endpoint(spans.span(&format!("find_user {users}")), &expect))
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "find_user")
        .has_attribute(semconv::attribute::DB_COLLECTION_NAME, users.as_str())
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("find_user {users}"))
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, select.as_str());
    ok(endpoint(spans.span("add user"), &expect))
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "add user")
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, "add user")
        .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME);
    let [plain, collection_only] =
        <[otel_kit_testing::SpanAssert<'_>; 2]>::try_from(spans.named(&format!("SELECT {users}")))
            .expect("two selects");
    ok(plain)
        .lacks_attribute(semconv::attribute::DB_OPERATION_NAME)
        .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME);
    ok(collection_only)
        .has_attribute(semconv::attribute::DB_COLLECTION_NAME, users.as_str())
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("SELECT {users}"))
        .lacks_attribute(semconv::attribute::DB_OPERATION_NAME);
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::DB_OPERATION_NAME, "find_user".into()),
            (semconv::attribute::DB_COLLECTION_NAME, users.as_str().into()),
        ])
        .has_count(1);
}
