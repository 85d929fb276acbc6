//! A pipeline and a transaction are one span each, with `db.operation.batch.size`.

use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use super::{assert_nowhere, connect, in_parent, key};

const SECRET: &str = "batch-s3cr3t-d0-not-leak";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipeline_is_one_span_with_its_batch_size() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("pipeline", 0, &t).await else {
        return;
    };
    let (a, b) = (key("pipe_a"), key("pipe_b"));
    let (read,): (String,) = in_parent(&t, async {
        redis::pipe()
            .set(&a, SECRET)
            .ignore()
            .set(&b, SECRET)
            .ignore()
            .get(&a)
            .query_async(&mut conn)
            .await
            .expect("pipeline")
    })
    .await;
    assert_eq!(read, SECRET);
    let (_, _): (Option<String>, Option<String>) = redis::pipe()
        .get(&a)
        .get(&b)
        .query_async(&mut conn)
        .await
        .expect("pipeline of GETs");
    let _: () = redis::cmd("DEL")
        .arg(&a)
        .arg(&b)
        .query_async(&mut conn)
        .await
        .expect("DEL");

    let spans = t.spans();
    spans.assert_count(4); // test, PIPELINE, PIPELINE GET, DEL: no span per command inside
    spans
        .span("PIPELINE")
        .has_parent(&spans.span("test"))
        .has_status_unset()
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, "redis")
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "PIPELINE")
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 3)
        .has_attribute(semconv::attribute::DB_NAMESPACE, "0")
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            format!("SET {a} ?; SET {b} ?; GET {a}"),
        );
    spans
        .span("PIPELINE GET")
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "PIPELINE GET")
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 2)
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, format!("GET {a}; GET {b}"));
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_OPERATION_NAME, "PIPELINE".into())])
        .has_count(1);
    assert_nowhere(&t, SECRET);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_is_one_span_named_multi() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("transaction", 0, &t).await else {
        return;
    };
    let (name, counter) = (key("tx_name"), key("tx_counter"));
    let (count,): (i64,) = redis::pipe()
        .atomic()
        .set(&name, SECRET)
        .ignore()
        .incr(&counter, 5)
        .query_async(&mut conn)
        .await
        .expect("transaction");
    assert_eq!(count, 5);
    let (_, _): (i64, i64) = redis::pipe()
        .atomic()
        .del(&name)
        .del(&counter)
        .query_async(&mut conn)
        .await
        .expect("transaction of DELs");

    let spans = t.spans();
    spans.assert_count(2);
    spans
        .span("MULTI")
        .has_status_unset()
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "MULTI")
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 2)
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            format!("SET {name} ?; INCRBY {counter} ?"),
        );
    spans
        .span("MULTI DEL")
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "MULTI DEL")
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 2);
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_OPERATION_NAME, "MULTI DEL".into())])
        .has_count(1);
    assert_nowhere(&t, SECRET);
}
