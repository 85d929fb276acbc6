//! The registry check over every kind of tokio-postgres operation: queries with and
//! without parameters, a stream, a batch, a transaction, a caller's operation, a
//! server error, a client error.

use futures_util::StreamExt as _;
use otel_kit_db::DbOperation;
use otel_kit_testing::TestTelemetry;

use super::{connect_with, create_users};
use crate::support::{in_test_span, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokio_postgres_telemetry_conforms_to_the_registry() {
    let t = TestTelemetry::new();
    let Some((mut client, _)) = connect_with("tp registry", &t, |b| b.returned_rows(true)).await else {
        return;
    };
    let users = table("tp_registry_users");
    create_users(&client, &users).await;
    in_test_span(&t, async {
        let insert = client
            .prepare(&format!("INSERT INTO {users} (id, email) VALUES ($1, $2)"))
            .await
            .expect("prepare");
        client
            .execute(&insert, &[&1_i64, &"a@example.com"])
            .await
            .expect("insert");
        let _ = client.execute(&insert, &[&2_i64, &"a@example.com"]).await; // 23505
        client
            .query(&format!("SELECT * FROM {users} WHERE id = 1"), &[])
            .await
            .expect("select");
        let mut rows = client
            .query_raw(&format!("SELECT id FROM {users}"), Vec::<i64>::new())
            .await
            .expect("stream");
        while rows.next().await.is_some() {}
        client
            .batch_execute(&format!(
                "UPDATE {users} SET email = 'b'; DELETE FROM {users} WHERE id = 9"
            ))
            .await
            .expect("batch");
        let _ = client.query("SELEC 1", &[]).await; // 42601, nothing recognised
        let _ = client.query_one("SELECT 1 WHERE false", &[]).await; // row_count
        let op = DbOperation::new().name("count_users").collection(users.clone());
        client
            .with_operation(op)
            .query_one(&format!("SELECT count(*) FROM {users}"), &[])
            .await
            .expect("count");
        let tx = client.transaction().await.expect("begin");
        tx.execute(&format!("DELETE FROM {users}"), &[])
            .await
            .expect("delete");
        tx.rollback().await.expect("rollback");
    })
    .await;

    let spans = t.spans();
    assert!(spans.len() >= 12, "{:?}", spans.names());
    crate::support::assert_conforms(&t);
}
