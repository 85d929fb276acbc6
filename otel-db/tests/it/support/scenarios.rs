// The behaviour tests every database must pass, included by `postgres.rs`,
// `mariadb.rs` and `sqlite.rs`. The including file defines `Db`, `SYSTEM`, `P` (the
// placeholders), `SYNTAX_ERROR`, `UNIQUE_VIOLATION` and
// `async fn connect(test, options) -> Option<(Pool<Db>, Expect)>` (`None`: skipped).

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use opentelemetry::trace::SpanKind;
use otel_kit_semconv as semconv;
use otel_kit_db::{DB_DURATION_BUCKETS, InstrumentedPool, QueryText};
use otel_kit_testing::{SpanAssert, TestTelemetry};
use sqlx::AssertSqlSafe;
use crate::support::{in_parent, table};

fn q(sql: String) -> sqlx::query::Query<'static, Db, <Db as sqlx::Database>::Arguments> {
    sqlx::query(AssertSqlSafe(sql))
}

async fn create_users(pool: &sqlx::Pool<Db>, users: &str) {
    sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE IF EXISTS {users}")))
        .execute(pool)
        .await
        .expect("drop");
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE TABLE {users} (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, name VARCHAR(100))"
    )))
    .execute(pool)
    .await
    .expect("create");
}

/// The attributes every span of the pool carries, checked with their types.
fn endpoint<'a>(span: SpanAssert<'a>, expect: &Expect) -> SpanAssert<'a> {
    let mut span = span
        .has_kind(SpanKind::Client)
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .has_scope_version(env!("CARGO_PKG_VERSION"))
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, SYSTEM)
        .has_attribute(semconv::attribute::DB_NAMESPACE, expect.namespace.as_str());
    span = match &expect.address {
        Some(address) => span.has_attribute(semconv::attribute::SERVER_ADDRESS, address.as_str()),
        None => span.lacks_attribute(semconv::attribute::SERVER_ADDRESS),
    };
    // A host given as an IP address is the peer itself: no name to resolve elsewhere.
    span = match expect.address.as_deref().filter(|a| a.parse::<std::net::IpAddr>().is_ok()) {
        Some(ip) => span.has_attribute(semconv::attribute::NETWORK_PEER_ADDRESS, ip).has_attribute(
            semconv::attribute::NETWORK_PEER_PORT,
            expect.port.unwrap_or(if SYSTEM == "postgresql" { 5432 } else { 3306 }),
        ),
        None => span.lacks_attribute(semconv::attribute::NETWORK_PEER_ADDRESS),
    };
    match expect.port {
        Some(port) => span.has_attribute(semconv::attribute::SERVER_PORT, port),
        None => span.lacks_attribute(semconv::attribute::SERVER_PORT),
    }
}

fn no_error(span: SpanAssert<'_>) -> SpanAssert<'_> {
    span.has_status_unset()
        .lacks_attribute(semconv::attribute::ERROR_TYPE)
        .lacks_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_insert_update_delete_and_join() {
    let Some((raw, expect)) = connect("crud", PoolOptions::new()).await else { return };
    let users = table("crud_users");
    let orders = table("crud_orders");
    create_users(&raw, &users).await;
    sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE IF EXISTS {orders}"))).execute(&raw).await.expect("drop");
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE TABLE {orders} (id BIGINT PRIMARY KEY, user_id BIGINT, total BIGINT)")))
        .execute(&raw)
        .await
        .expect("create");

    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let [p1, p2, p3] = P;
    let (names, joined, gone) = in_parent(async {
        let insert = format!("INSERT INTO {users} (id, email, name) VALUES ({p1}, {p2}, {p3})");
        for (id, email) in [(1_i64, "ada@example.com"), (2, "bob@example.com")] {
            q(insert.clone()).bind(id).bind(email).bind("x").execute(&pool).await.expect("insert");
        }
        q(format!("INSERT INTO {orders} (id, user_id, total) VALUES (10, 1, 250)")).execute(&pool).await.expect("order");
        let names: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(format!("SELECT email FROM {users} ORDER BY id")))
            .fetch_all(&pool)
            .await
            .expect("select");
        q(format!("UPDATE {users} SET name = {p1} WHERE id = {p2}")).bind("Ada").bind(1_i64).execute(&pool).await.expect("update");
        let joined: (String, i64) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT u.name, o.total FROM {users} u JOIN {orders} o ON o.user_id = u.id WHERE o.total > {p1}"
        )))
        .bind(100_i64)
        .fetch_one(&pool)
        .await
        .expect("join");
        q(format!("DELETE FROM {users} WHERE id = {p1}")).bind(2_i64).execute(&pool).await.expect("delete");
        let gone = sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!("SELECT id FROM {users} WHERE id = {p1}")))
            .bind(2_i64)
            .fetch_optional(&pool)
            .await
            .expect("optional");
        (names, joined, gone)
    })
    .await;
    assert_eq!(names, [("ada@example.com".to_owned(),), ("bob@example.com".to_owned(),)]);
    assert_eq!(joined, ("Ada".to_owned(), 250));
    assert_eq!(gone, None);

    let spans = t.spans();
    spans.assert_count(9).assert_single_trace();
    let parent = spans.span("test");
    let inserts = spans.named(&format!("INSERT {users}"));
    assert_eq!(inserts.len(), 2);
    for insert in inserts {
        no_error(endpoint(insert, &expect))
            .has_parent(&parent)
            // DbOperation and collection are never parsed from the text: the summary is.
            .lacks_attribute(semconv::attribute::DB_OPERATION_NAME)
            .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME)
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("INSERT {users}"))
            // Parameterised: recorded as written. The bound values appear nowhere.
            .has_attribute(
                semconv::attribute::DB_QUERY_TEXT,
                format!("INSERT INTO {users} (id, email, name) VALUES ({p1}, {p2}, {p3})"),
            )
            .lacks_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS)
            .lacks_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE);
    }
    // Not parameterised: its literals are replaced.
    no_error(endpoint(spans.span(&format!("INSERT {orders}")), &expect))
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            format!("INSERT INTO {orders} (id, user_id, total) VALUES (?, ?, ?)"),
        );
    no_error(endpoint(spans.span(&format!("UPDATE {users}")), &expect))
        .has_parent(&parent)
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("UPDATE {users}"))
        .lacks_attribute(semconv::attribute::DB_OPERATION_NAME);
    no_error(endpoint(spans.span(&format!("DELETE {users}")), &expect))
        .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME);
    no_error(endpoint(spans.span(&format!("SELECT {users} {orders}")), &expect))
        .has_parent(&parent)
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("SELECT {users} {orders}"))
        .lacks_attribute(semconv::attribute::DB_OPERATION_NAME);
    let selects = spans.named(&format!("SELECT {users}"));
    assert_eq!(selects.len(), 2, "fetch_all and fetch_optional");
    for select in selects {
        no_error(endpoint(select, &expect)).has_parent(&parent);
    }
    // No span ever carries a bound value.
    for span in spans.iter() {
        for (key, value) in &span.attributes {
            let text = format!("{value:?}");
            assert!(!text.contains("ada@example.com") && !text.contains("Ada"), "{key} = {text}");
        }
    }

    let metrics = t.metrics();
    let duration = metrics
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .has_unit("s")
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .is_histogram();
    let point = duration.histogram_point(&[
        (semconv::attribute::DB_SYSTEM_NAME, SYSTEM.into()),
        (semconv::attribute::DB_QUERY_SUMMARY, format!("INSERT {users}").into()),
        (semconv::attribute::DB_NAMESPACE, expect.namespace.as_str().into()),
    ]);
    let point = point.has_count(2).has_bucket_boundaries(&DB_DURATION_BUCKETS).has_sum_in(0.0..=5.0);
    let keys: Vec<&str> = point.record().attributes.iter().map(|(k, _)| k.as_str()).collect();
    assert!(!keys.contains(&semconv::attribute::DB_QUERY_TEXT), "high-cardinality text on the metric: {keys:?}");
    for parsed in [semconv::attribute::DB_OPERATION_NAME, semconv::attribute::DB_COLLECTION_NAME] {
        assert!(!keys.contains(&parsed), "{parsed} parsed from the text: {keys:?}");
    }
    assert!(!keys.contains(&semconv::attribute::ERROR_TYPE), "{keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_commit_and_rollback() {
    let Some((raw, expect)) = connect("tx", PoolOptions::new()).await else { return };
    let users = table("tx_users");
    create_users(&raw, &users).await;
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let [p1, p2, _] = P;
    let insert = format!("INSERT INTO {users} (id, email) VALUES ({p1}, {p2})");
    in_parent(async {
        let mut tx = pool.begin().await.expect("begin");
        q(insert.clone()).bind(1_i64).bind("kept@example.com").execute(&mut *tx).await.expect("insert");
        tx.commit().await.expect("commit");

        let mut tx = pool.begin().await.expect("begin");
        // `&mut tx` works as well as `&mut *tx`.
        q(insert.clone()).bind(2_i64).bind("dropped@example.com").execute(&mut tx).await.expect("insert");
        tx.rollback().await.expect("rollback");

        // Dropped open: sqlx rolls it back, and a ROLLBACK span says so.
        let mut tx = pool.begin().await.expect("begin");
        q(insert.clone()).bind(3_i64).bind("abandoned@example.com").execute(&mut *tx).await.expect("insert");
        drop(tx);
    })
    .await;
    let count: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {users}")))
        .fetch_one(pool.pool())
        .await
        .expect("count");
    assert_eq!(count, 1, "the rolled-back rows are gone");

    let spans = t.spans();
    spans.assert_tree(&format!(
        "test\n  BEGIN\n  INSERT {users}\n  COMMIT\n  BEGIN\n  INSERT {users}\n  ROLLBACK\n  BEGIN\n  INSERT {users}\n  ROLLBACK"
    ));
    for name in ["COMMIT", "ROLLBACK"] {
        for span in spans.named(name) {
            no_error(endpoint(span, &expect))
                .has_attribute(semconv::attribute::DB_OPERATION_NAME, name)
                .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, name);
        }
    }
    assert_eq!(spans.named("ROLLBACK").len(), 2, "the explicit rollback and the drop");
    for begin in spans.named("BEGIN") {
        no_error(endpoint(begin, &expect)).has_attribute(semconv::attribute::DB_OPERATION_NAME, "BEGIN");
    }
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_OPERATION_NAME, "BEGIN".into())])
        .has_count(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statement_reused_many_times() {
    let Some((raw, expect)) = connect("prepared", PoolOptions::new().max_connections(1)).await else { return };
    let users = table("prepared_users");
    create_users(&raw, &users).await;
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let [p1, _, _] = P;
    let sql = format!("SELECT COUNT(*) FROM {users} WHERE id > {p1}");
    for i in 0..20_i64 {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql.clone())).bind(i).fetch_one(&pool).await.expect("select");
        assert_eq!(n, 0);
    }
    let spans = t.spans();
    let name = format!("SELECT {users}");
    let all = spans.named(&name);
    assert_eq!(all.len(), 20);
    for span in all {
        no_error(endpoint(span, &expect)).is_root().has_attribute(semconv::attribute::DB_QUERY_TEXT, sql.as_str());
    }
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_QUERY_SUMMARY, name.as_str().into())])
        .has_count(20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_dropped_early_ends_its_span() {
    let Some((raw, expect)) = connect("stream", PoolOptions::new()).await else { return };
    let users = table("stream_users");
    create_users(&raw, &users).await;
    for id in 0..50_i64 {
        q(format!("INSERT INTO {users} (id, email) VALUES ({id}, 'u{id}@example.com')")).execute(&raw).await.expect("seed");
    }
    let t = TestTelemetry::new().install_global();
    let pool = InstrumentedPool::builder(raw).returned_rows(true).build();
    in_parent(async {
        let mut rows = q(format!("SELECT id FROM {users} ORDER BY id")).fetch(&pool);
        rows.next().await.expect("a row").expect("no error");
        rows.next().await.expect("a row").expect("no error");
        drop(rows);
        let all = q(format!("SELECT id FROM {users}")).fetch_all(&pool).await.expect("all");
        assert_eq!(all.len(), 50);
    })
    .await;
    let spans = t.spans();
    let parent = spans.span("test");
    let [early, full] = <[SpanAssert<'_>; 2]>::try_from(spans.named(&format!("SELECT {users}"))).expect("two spans");
    // Spans end in the order they ended: the dropped stream's first, after 2 rows.
    no_error(endpoint(early, &expect))
        .has_parent(&parent)
        .has_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS, 2);
    no_error(endpoint(full, &expect)).has_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS, 50);
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_QUERY_SUMMARY, format!("SELECT {users}").into())])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syntax_error_is_an_error_span_with_the_status_code() {
    let Some((raw, expect)) = connect("syntax", PoolOptions::new()).await else { return };
    let users = table("syntax_users");
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let error = in_parent(q(format!("SELECT * FORM {users} WHERE name = 'x'")).fetch_all(&pool))
        .await
        .expect_err("syntax error");
    assert!(matches!(error, sqlx::Error::Database(_)), "{error:?}");

    let spans = t.spans();
    // `FORM` is no FROM: the summary has the operation only.
    let span = endpoint(spans.span("SELECT"), &expect)
        .has_parent(&spans.span("test"))
        .is_error()
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, SYNTAX_ERROR)
        .has_attribute(semconv::attribute::ERROR_TYPE, SYNTAX_ERROR)
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, format!("SELECT * FORM {users} WHERE name = ?"));
    // The error the caller got: one exception event in the operation's span, its
    // message the span's description (docs/errors.md).
    let opentelemetry::trace::Status::Error { description } = &span.record().status else {
        panic!("an error status");
    };
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1, "{}", logs.listing());
    logs.event("db.client.operation.exception")
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", "sqlx_core::error::Error")
        .has_attribute("exception.message", description.to_string())
        .is_in_span(&span);
    // sqlx's own `tracing` logs (its statement log, through the bridge) are not ours.
    let ours: Vec<_> = logs.as_slice().iter().filter(|r| !r.event_name.is_empty() && r.event_name.ends_with(".exception")).cloned().collect();
    otel_kit_testing::Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&otel_kit_testing::Logs::new(ours))
        .report()
        .assert_conforms();
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::ERROR_TYPE, SYNTAX_ERROR.into()),
            (semconv::attribute::DB_RESPONSE_STATUS_CODE, SYNTAX_ERROR.into()),
            (semconv::attribute::DB_SYSTEM_NAME, SYSTEM.into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_with_nothing_recognised_is_named_after_the_namespace() {
    let Some((raw, expect)) = connect("unrecognised", PoolOptions::new()).await else { return };
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let _ = in_parent(q("SELEC 1".to_owned()).fetch_all(&pool)).await.expect_err("syntax error");

    // No summary and no operation: `{target}`, the namespace, not `{db.system.name}`.
    let spans = t.spans();
    // PostgreSQL's and MariaDB's database is `test`, as the parent span is named.
    let operation = spans.span_where("the CLIENT span", |s| s.kind == SpanKind::Client);
    assert_eq!(operation.record().name, expect.namespace);
    endpoint(operation, &expect)
        .has_parent(&spans.span_where("the parent", |s| s.kind == SpanKind::Internal))
        .lacks_attribute(semconv::attribute::DB_QUERY_SUMMARY)
        .lacks_attribute(semconv::attribute::DB_OPERATION_NAME);
    otel_kit_testing::Conformance::semconv()
        .check_spans(&spans)
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unique_violation_keeps_the_value_out_of_the_span() {
    let Some((raw, expect)) = connect("unique", PoolOptions::new()).await else { return };
    let users = table("unique_users");
    create_users(&raw, &users).await;
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let [p1, p2, _] = P;
    let insert = format!("INSERT INTO {users} (id, email) VALUES ({p1}, {p2})");
    q(insert.clone()).bind(1_i64).bind("taken@example.com").execute(&pool).await.expect("first");
    let error = q(insert.clone()).bind(2_i64).bind("taken@example.com").execute(&pool).await.expect_err("duplicate");
    assert!(matches!(&error, sqlx::Error::Database(e) if e.is_unique_violation()), "{error:?}");

    let spans = t.spans();
    let failed = spans.span_where("the failed insert", |s| s.status != opentelemetry::trace::Status::Unset);
    let failed = endpoint(failed, &expect)
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, UNIQUE_VIOLATION)
        .has_attribute(semconv::attribute::ERROR_TYPE, UNIQUE_VIOLATION)
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("INSERT {users}"));
    let opentelemetry::trace::Status::Error { description } = &failed.record().status else {
        panic!("an error status");
    };
    assert!(!description.contains("taken@example.com"), "{description}");
    assert!(description.len() > 20, "the server's message is kept: {description}");
    // The exception event's message is the same text: the value stays out of it too.
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1, "{}", logs.listing());
    logs.event("db.client.operation.exception")
        .has_attribute("exception.message", description.to_string())
        .is_in_span(&failed);
}

/// A server's message names the table it could not find (PostgreSQL `relation "x"`,
/// MariaDB `Table 'db.x'`, SQLite `no such table: x`): the name is kept in the span's
/// status, while the unique-violation scenario above shows values still go.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_message_keeps_the_name_of_the_missing_table() {
    let Some((raw, _)) = connect("missing_table", PoolOptions::new()).await else { return };
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    q("SELECT id FROM kit_missing_table_x".to_owned())
        .fetch_one(&pool)
        .await
        .expect_err("no such table");
    let spans = t.spans();
    let failed = spans.span_where("the failed SELECT", |s| {
        matches!(s.status, opentelemetry::trace::Status::Error { .. })
    });
    let opentelemetry::trace::Status::Error { description } = &failed.record().status else {
        panic!("an error status");
    };
    assert!(description.contains("kit_missing_table_x"), "{description}");
    assert!(!description.contains('?'), "nothing in it is a value: {description}");
}

/// How many exception events (`*.exception` log records) `logs` holds.
fn exception_events(logs: &otel_kit_testing::Logs) -> usize {
    logs.as_slice().iter().filter(|r| r.event_name.ends_with(".exception")).count()
}

/// Two pools on one database, neither named: two series of gauges, not one that mixes
/// their counts. (Other tests' pools on the same database may hold numbers too, so
/// only the shape of the second name is asserted.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_unnamed_pools_on_one_database_are_named_apart() {
    let Some((first, _)) = connect("two_pools", PoolOptions::new().max_connections(3)).await else {
        return;
    };
    let Some((second, _)) = connect("two_pools", PoolOptions::new().max_connections(5)).await else {
        return;
    };
    let t = TestTelemetry::new().install_global();
    let first = otel_kit_db::instrument(first);
    let second = otel_kit_db::instrument(second);
    assert_ne!(first.pool_name(), second.pool_name());
    let base = first.pool_name().split('#').next().unwrap_or_default().to_owned();
    assert!(second.pool_name().starts_with(&format!("{base}#")), "{}", second.pool_name());
    for pool in [&first, &second] {
        q("SELECT 1".to_owned()).fetch_one(pool).await.expect("select");
    }
    let metrics = t.metrics();
    for (pool, max) in [(&first, 3), (&second, 5)] {
        metrics
            .metric(semconv::metric::DB_CLIENT_CONNECTION_LIMIT)
            .point(&[(semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME, pool.pool_name().into())])
            .has_value(max);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_exhaustion_times_out_with_an_error_span() {
    let options = PoolOptions::new().max_connections(1).acquire_timeout(Duration::from_millis(300));
    let Some((raw, expect)) = connect("exhaust", options).await else { return };
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let held = pool.acquire().await.expect("the only connection");
    let started = Instant::now();
    let error = q("SELECT 1".to_owned()).fetch_one(&pool).await.expect_err("no connection left");
    assert!(matches!(error, sqlx::Error::PoolTimedOut), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    let metrics = t.metrics();
    metrics
        .metric(semconv::metric::DB_CLIENT_CONNECTION_COUNT)
        .has_unit("{connection}")
        .is_up_down_counter()
        .point(&[
            (semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME, pool.pool_name().into()),
            (semconv::attribute::DB_CLIENT_CONNECTION_STATE, "used".into()),
        ])
        .has_value(1);
    metrics
        .metric(semconv::metric::DB_CLIENT_CONNECTION_COUNT)
        .point(&[(semconv::attribute::DB_CLIENT_CONNECTION_STATE, "idle".into())])
        .has_value(0);
    metrics
        .metric(semconv::metric::DB_CLIENT_CONNECTION_LIMIT)
        .point(&[(semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME, pool.pool_name().into())])
        .has_value(1);
    metrics
        .metric(semconv::metric::DB_CLIENT_CONNECTION_TIMEOUTS)
        .is_counter()
        .point(&[(semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME, pool.pool_name().into())])
        .has_value(1);
    drop(held);

    let spans = t.spans();
    let span = endpoint(spans.span("SELECT"), &expect)
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "pool_timed_out")
        .lacks_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE);
    t.logs()
        .event("db.client.operation.exception")
        .has_attribute("exception.type", "sqlx_core::error::Error")
        .has_attribute("exception.message", sqlx::Error::PoolTimedOut.to_string())
        .is_in_span(&span);
    // The connection goes back to the pool in the background: used 0, idle 1.
    let deadline = Instant::now() + Duration::from_secs(5);
    while pool.pool().num_idle() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_CONNECTION_COUNT)
        .point(&[(semconv::attribute::DB_CLIENT_CONNECTION_STATE, "idle".into())])
        .has_value(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_and_text_capture_off() {
    let Some((raw, expect)) = connect("batch", PoolOptions::new()).await else { return };
    let users = table("batch_users");
    create_users(&raw, &users).await;
    let t = TestTelemetry::new().install_global();
    let pool = InstrumentedPool::builder(raw).query_text(QueryText::Off).build();
    sqlx::raw_sql(AssertSqlSafe(format!(
        "INSERT INTO {users} (id, email) VALUES (1, 'a@x'); INSERT INTO {users} (id, email) VALUES (2, 'b@x')"
    )))
    .execute(&pool)
    .await
    .expect("batch");
    let spans = t.spans();
    endpoint(spans.span(&format!("BATCH INSERT {users}")), &expect)
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 2)
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("BATCH INSERT {users}"))
        .lacks_attribute(semconv::attribute::DB_OPERATION_NAME)
        .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME)
        .lacks_attribute(semconv::attribute::DB_QUERY_TEXT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_providers_get_the_spans_the_duration_and_the_pool_gauges() {
    let Some((raw, expect)) = connect("given", PoolOptions::new()).await else { return };
    // No globals: everything must reach this harness through `.providers(..)`.
    let t = TestTelemetry::new();
    let pool = InstrumentedPool::builder(raw).providers(t.providers()).build();
    sqlx::query("SELECT 1").execute(&pool).await.expect("select");

    let spans = t.spans();
    no_error(endpoint(spans.span("SELECT"), &expect));
    let metrics = t.metrics();
    metrics
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_SYSTEM_NAME, SYSTEM.into())])
        .has_count(1);
    metrics.metric(semconv::metric::DB_CLIENT_CONNECTION_LIMIT).is_up_down_counter();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_wrapped_before_the_globals_are_installed_reports_to_them() {
    let Some((raw, expect)) = connect("late_globals", PoolOptions::new()).await else { return };
    // Wrapped first, set-up second: providers are resolved when operations run.
    let pool = otel_kit_db::instrument(raw);
    let t = TestTelemetry::new().install_global();
    // The globals are read per thread and refreshed every 10 ms.
    tokio::time::sleep(Duration::from_millis(20)).await;
    sqlx::query("SELECT 1").execute(&pool).await.expect("select");

    no_error(endpoint(t.spans().span("SELECT"), &expect));
    let metrics = t.metrics();
    metrics.metric(semconv::metric::DB_CLIENT_OPERATION_DURATION).has_point_count(1);
    metrics.metric(semconv::metric::DB_CLIENT_CONNECTION_COUNT).is_up_down_counter();
}
