//! deadpool-postgres: clients from the pool are traced like a client, transactions on
//! them too, a wait for a client that times out is counted, and the pool's connections
//! are reported.

use std::time::Duration;

use deadpool_postgres::{Manager, Pool, Runtime, Timeouts};
use otel_kit_db::tokio_postgres::InstrumentedDeadpool;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use super::{config, endpoint, expect, ok};
use crate::support::{in_test_span, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pooled_clients_are_traced_and_a_timeout_is_counted() {
    let t = TestTelemetry::new();
    let Some(config) = config("tp deadpool") else {
        return;
    };
    let manager = Manager::new(config.clone(), tokio_postgres::NoTls);
    let raw = Pool::builder(manager)
        .max_size(1)
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(Duration::from_millis(200)),
            ..Timeouts::default()
        })
        .build()
        .expect("a pool");
    let pool = InstrumentedDeadpool::builder(raw, &config)
        .providers(t.providers())
        .pool_name("orders")
        .build();
    assert_eq!(pool.pool_name(), "orders");
    let users = table("tp_pool_users");
    in_test_span(&t, async {
        let mut client = pool.get().await.expect("a client");
        client
            .get_ref()
            .batch_execute(&format!(
                "DROP TABLE IF EXISTS {users}; CREATE TABLE {users} (id BIGINT PRIMARY KEY)"
            ))
            .await
            .expect("create");
        let tx = client.transaction().await.expect("begin");
        tx.execute(&format!("INSERT INTO {users} (id) VALUES ($1)"), &[&1_i64])
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        let n: i64 = client
            .query_one(&format!("SELECT count(*) FROM {users}"), &[])
            .await
            .expect("count")
            .get(0);
        assert_eq!(n, 1);
        // The only client is taken: the next wait times out.
        let error = pool.get().await.expect_err("no client left");
        assert!(
            matches!(error, deadpool_postgres::PoolError::Timeout(_)),
            "{error}"
        );
        // While it is out, the pool has one connection, used.
        let metrics = t.metrics();
        let name = (
            semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME,
            "orders".into(),
        );
        let state = |s: &'static str| (semconv::attribute::DB_CLIENT_CONNECTION_STATE, s.into());
        let count = metrics
            .metric(semconv::metric::DB_CLIENT_CONNECTION_COUNT)
            .is_up_down_counter();
        count.point(&[name.clone(), state("used")]).has_value(1);
        count.point(&[name.clone(), state("idle")]).has_value(0);
        metrics
            .metric(semconv::metric::DB_CLIENT_CONNECTION_LIMIT)
            .point(&[name])
            .has_value(1);
        drop(client);
    })
    .await;
    // Back in the pool: idle.
    let metrics = t.metrics();
    metrics
        .metric(semconv::metric::DB_CLIENT_CONNECTION_COUNT)
        .point(&[
            (
                semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME,
                "orders".into(),
            ),
            (semconv::attribute::DB_CLIENT_CONNECTION_STATE, "idle".into()),
        ])
        .has_value(1);

    let spans = t.spans();
    let expect = expect(&config);
    spans.assert_tree(&format!(
        "test\n  BEGIN\n  INSERT {users}\n  COMMIT\n  SELECT {users}"
    ));
    ok(endpoint(spans.span(&format!("SELECT {users}")), &expect)).has_attribute(
        semconv::attribute::DB_QUERY_TEXT,
        format!("SELECT count(*) FROM {users}"),
    );
    metrics
        .metric(semconv::metric::DB_CLIENT_CONNECTION_TIMEOUTS)
        .is_counter()
        .point(&[(
            semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME,
            "orders".into(),
        )])
        .has_value(1);
    metrics
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(
            semconv::attribute::DB_QUERY_SUMMARY,
            format!("INSERT {users}").into(),
        )])
        .has_count(1);
    // The pool's metrics and the clients' spans pass the registry check too.
    let report = otel_kit_testing::Conformance::semconv()
        .check_spans(&t.spans())
        .check_metrics(&metrics)
        .report();
    println!("{report}");
    report.assert_conforms();
}
