// The operation a caller gives (`otel_kit_db::DbOperation`) and the summary's case, on
// every database: included by `postgres.rs`, `mariadb.rs` and `sqlite.rs` after
// `scenarios.rs`, whose helpers (`connect`, `endpoint`, `no_error`, `q`, ...) it uses.

/// `with_operation` on the pool, a transaction and a connection, through each executor
/// path (`fetch_all`, `fetch_optional`, `fetch`, `execute`); and the case of the text
/// kept in the summary.
mod operation {
    use super::*;
    use otel_kit_db::DbOperation;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn given_operation_goes_on_the_span_and_the_duration_metric() {
        let Some((raw, expect)) = connect("given_op", PoolOptions::new()).await else { return };
        let users = table("given_op_users");
        let orders = table("given_op_orders");
        create_users(&raw, &users).await;
        sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE IF EXISTS {orders}"))).execute(&raw).await.expect("drop");
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE TABLE {orders} (id BIGINT PRIMARY KEY, user_id BIGINT)")))
            .execute(&raw)
            .await
            .expect("create");
        let t = TestTelemetry::new().install_global();
        let pool = otel_kit_db::instrument(raw);
        let [p1, _, _] = P;
        let join = format!("SELECT u.id FROM {users} u JOIN {orders} o ON o.user_id = u.id WHERE u.id > {p1}");
        in_parent(async {
            // The first operation on the pool (on MariaDB, after the server is asked).
            let op = DbOperation::new().name("SELECT").collection(users.clone());
            let rows = q(join.clone()).bind(0_i64).fetch_all(pool.with_operation(op)).await.expect("join");
            assert!(rows.is_empty());
            // The same text again without one: its parsed description alone.
            q(join.clone()).bind(0_i64).fetch_all(&pool).await.expect("plain join");
            let op = DbOperation::new().name("find_user").collection(users.clone());
            let found = q(format!("SELECT id FROM {users} WHERE id = {p1}"))
                .bind(1_i64)
                .fetch_optional(pool.with_operation(op))
                .await
                .expect("optional");
            assert!(found.is_none());

            let mut tx = pool.begin().await.expect("begin");
            let op = DbOperation::new().name("add  user").summary("add user");
            q(format!("INSERT INTO {users} (id, email) VALUES ({p1}, 'a@x')"))
                .bind(1_i64)
                .execute(tx.with_operation(op))
                .await
                .expect("insert");
            tx.commit().await.expect("commit");

            let mut conn = pool.acquire().await.expect("acquire");
            let mut rows = q(format!("SELECT id FROM {users}")).fetch(conn.with_operation(DbOperation::new().collection(users.clone())));
            rows.next().await.expect("a row").expect("no error");
            assert!(rows.next().await.is_none());
        })
        .await;

        let spans = t.spans();
        let parent = spans.span("test");
        // In the order they ended: the join with an operation, the select with a
        // collection only.
        let [given, collection_only] = <[SpanAssert<'_>; 2]>::try_from(spans.named(&format!("SELECT {users}")))
            .expect("two spans");
        // Named from the given values: the summary made of them agrees with them.
        no_error(endpoint(given, &expect))
            .has_parent(&parent)
            .has_attribute(semconv::attribute::DB_OPERATION_NAME, "SELECT")
            .has_attribute(semconv::attribute::DB_COLLECTION_NAME, users.as_str())
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("SELECT {users}"))
            .has_attribute(semconv::attribute::DB_QUERY_TEXT, join.as_str());
        no_error(endpoint(spans.span(&format!("SELECT {users} {orders}")), &expect))
            .lacks_attribute(semconv::attribute::DB_OPERATION_NAME)
            .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME);
        no_error(endpoint(spans.span(&format!("find_user {users}")), &expect))
            .has_attribute(semconv::attribute::DB_OPERATION_NAME, "find_user")
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("find_user {users}"));
        // A given summary names the span; runs of spaces in the name become one.
        no_error(endpoint(spans.span("add user"), &expect))
            .has_attribute(semconv::attribute::DB_OPERATION_NAME, "add user")
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, "add user")
            .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME);
        // A collection alone: the summary is still the parsed one.
        no_error(endpoint(collection_only, &expect))
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("SELECT {users}"))
            .has_attribute(semconv::attribute::DB_COLLECTION_NAME, users.as_str())
            .lacks_attribute(semconv::attribute::DB_OPERATION_NAME);

        let metrics = t.metrics();
        let duration = metrics.metric(semconv::metric::DB_CLIENT_OPERATION_DURATION);
        duration
            .histogram_point(&[
                (semconv::attribute::DB_SYSTEM_NAME, SYSTEM.into()),
                (semconv::attribute::DB_OPERATION_NAME, "SELECT".into()),
                (semconv::attribute::DB_COLLECTION_NAME, users.as_str().into()),
                (semconv::attribute::DB_QUERY_SUMMARY, format!("SELECT {users}").into()),
            ])
            .has_count(1);
        duration
            .histogram_point(&[
                (semconv::attribute::DB_OPERATION_NAME, "add user".into()),
                (semconv::attribute::DB_QUERY_SUMMARY, "add user".into()),
            ])
            .has_count(1);
        let plain = duration.histogram_point(&[(
            semconv::attribute::DB_QUERY_SUMMARY,
            format!("SELECT {users} {orders}").into(),
        )]);
        let keys: Vec<&str> = plain.record().attributes.iter().map(|(k, _)| k.as_str()).collect();
        assert!(!keys.contains(&semconv::attribute::DB_OPERATION_NAME), "{keys:?}");
        assert!(!keys.contains(&semconv::attribute::DB_COLLECTION_NAME), "{keys:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_summary_keeps_the_case_of_the_text() {
        let Some((raw, expect)) = connect("case", PoolOptions::new()).await else { return };
        let users = table("case_users");
        create_users(&raw, &users).await;
        let t = TestTelemetry::new().install_global();
        let pool = otel_kit_db::instrument(raw);
        let [p1, _, _] = P;
        q(format!("select id from {users} where id = {p1}")).bind(1_i64).fetch_all(&pool).await.expect("select");
        q(format!("Delete From {users} Where id = {p1}")).bind(1_i64).execute(&pool).await.expect("delete");

        let spans = t.spans();
        no_error(endpoint(spans.span(&format!("select {users}")), &expect))
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("select {users}"));
        no_error(endpoint(spans.span(&format!("Delete {users}")), &expect))
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("Delete {users}"));
        t.metrics()
            .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
            .histogram_point(&[(semconv::attribute::DB_QUERY_SUMMARY, format!("select {users}").into())])
            .has_count(1);
    }
}
