//! Queries through each method: their spans (name, attributes, parent), the sanitised
//! or written text, the duration metric, streams, prepared statements, batches.

use futures_util::StreamExt as _;
use otel_kit_db::DB_DURATION_BUCKETS;
use otel_kit_semconv as semconv;
use otel_kit_testing::{SpanAssert, TestTelemetry};

use super::{connect, connect_with, create_users, endpoint, ok};
use crate::support::{in_test_span, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_method_is_one_span_named_by_its_summary_under_the_callers_span() {
    let t = TestTelemetry::new();
    let Some((client, expect)) = connect("tp crud", &t).await else {
        return;
    };
    let users = table("tp_crud_users");
    create_users(&client, &users).await;

    let insert = format!("INSERT INTO {users} (id, email) VALUES ($1, $2)");
    let (listed, one, none, changed) = in_test_span(&t, async {
        for (id, email) in [(1_i64, "ada@example.com"), (2, "bob@example.com")] {
            client
                .execute(insert.as_str(), &[&id, &email])
                .await
                .expect("insert");
        }
        // No parameters: the values are in the text, which is recorded sanitised.
        client
            .execute(
                &format!("INSERT INTO {users} (id, email) VALUES (3, 'cy@example.com')"),
                &[],
            )
            .await
            .expect("literal insert");
        let listed = client
            .query(&format!("SELECT email FROM {users} ORDER BY id"), &[])
            .await
            .expect("select");
        let one: i64 = client
            .query_one(&format!("SELECT count(*) FROM {users} WHERE id > $1"), &[&0_i64])
            .await
            .expect("count")
            .get(0);
        let none = client
            .query_opt(&format!("SELECT id FROM {users} WHERE id = $1"), &[&99_i64])
            .await
            .expect("optional");
        let changed = client
            .execute(
                &format!("UPDATE {users} SET email = $1 WHERE id = $2"),
                &[&"ada@new.example", &1_i64],
            )
            .await
            .expect("update");
        (listed.len(), one, none, changed)
    })
    .await;
    assert_eq!((listed, one, none.is_none(), changed), (3, 3, true, 1));

    let spans = t.spans();
    spans.assert_count(8).assert_single_trace();
    let parent = spans.span("test");
    let inserts = spans.named(&format!("INSERT {users}"));
    let [first, second, literal] = <[SpanAssert<'_>; 3]>::try_from(inserts).expect("three inserts");
    for written in [first, second] {
        ok(endpoint(written, &expect))
            .has_parent(&parent)
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, format!("INSERT {users}"))
            .has_attribute(semconv::attribute::DB_QUERY_TEXT, insert.as_str())
            .lacks_attribute(semconv::attribute::DB_OPERATION_NAME)
            .lacks_attribute(semconv::attribute::DB_COLLECTION_NAME)
            .lacks_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS);
    }
    ok(endpoint(literal, &expect)).has_attribute(
        semconv::attribute::DB_QUERY_TEXT,
        format!("INSERT INTO {users} (id, email) VALUES (?, ?)"),
    );
    let selects = spans.named(&format!("SELECT {users}"));
    assert_eq!(selects.len(), 3, "query, query_one, query_opt");
    for select in selects {
        ok(endpoint(select, &expect)).has_parent(&parent);
    }
    ok(endpoint(spans.span(&format!("UPDATE {users}")), &expect)).has_parent(&parent);
    // No span carries a bound value.
    for span in spans.iter() {
        let everything = format!("{:?}", span.attributes);
        assert!(
            !everything.contains("ada@") && !everything.contains("bob@"),
            "{everything}"
        );
    }

    let metrics = t.metrics();
    let duration = metrics
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .has_unit("s")
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .is_histogram();
    let point = duration
        .histogram_point(&[
            (semconv::attribute::DB_SYSTEM_NAME, "postgresql".into()),
            (semconv::attribute::DB_NAMESPACE, expect.namespace.as_str().into()),
            (
                semconv::attribute::DB_QUERY_SUMMARY,
                format!("INSERT {users}").into(),
            ),
        ])
        .has_count(3)
        .has_bucket_boundaries(&DB_DURATION_BUCKETS);
    let keys: Vec<&str> = point
        .record()
        .attributes
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(!keys.contains(&semconv::attribute::DB_QUERY_TEXT), "{keys:?}");
    duration
        .histogram_point(&[(
            semconv::attribute::DB_QUERY_SUMMARY,
            format!("SELECT {users}").into(),
        )])
        .has_count(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prepared_statement_carries_its_summary_to_every_execution() {
    let t = TestTelemetry::new();
    let Some((client, expect)) = connect("tp prepared", &t).await else {
        return;
    };
    let users = table("tp_prepared_users");
    create_users(&client, &users).await;
    let sql = format!("SELECT count(*) FROM {users} WHERE id > $1");
    let statement = client.prepare(&sql).await.expect("prepare");
    assert_eq!(statement.params().len(), 1);
    assert!(t.spans().is_empty(), "preparing is not traced");
    for i in 0..20_i64 {
        let n: i64 = client.query_one(&statement, &[&i]).await.expect("execute").get(0);
        assert_eq!(n, 0);
    }
    // One without parameters: recorded sanitised, like its text would be.
    let fixed = client
        .prepare_typed(&format!("SELECT id FROM {users} WHERE id = 7"), &[])
        .await
        .expect("prepare");
    assert!(client.query_opt(&fixed, &[]).await.expect("execute").is_none());

    let spans = t.spans();
    let name = format!("SELECT {users}");
    let all = spans.named(&name);
    assert_eq!(all.len(), 21);
    let (last, prepared) = all.split_last().expect("spans");
    for span in prepared {
        ok(endpoint(*span, &expect))
            .is_root()
            .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, name.as_str())
            .has_attribute(semconv::attribute::DB_QUERY_TEXT, sql.as_str());
    }
    ok(*last).has_attribute(
        semconv::attribute::DB_QUERY_TEXT,
        format!("SELECT id FROM {users} WHERE id = ?"),
    );
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_QUERY_SUMMARY, name.as_str().into())])
        .has_count(21);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_stream_ends_its_span_when_read_to_the_end_or_dropped() {
    let t = TestTelemetry::new();
    let Some((client, expect)) = connect_with("tp stream", &t, |b| b.returned_rows(true)).await else {
        return;
    };
    let users = table("tp_stream_users");
    create_users(&client, &users).await;
    client
        .get_ref()
        .execute(
            &format!("INSERT INTO {users} SELECT g, 'u' || g FROM generate_series(1, 50) g"),
            &[],
        )
        .await
        .expect("seed");
    in_test_span(&t, async {
        let sql = format!("SELECT id FROM {users} WHERE id > $1 ORDER BY id");
        let mut rows = client.query_raw(sql.as_str(), [0_i64]).await.expect("stream");
        rows.next().await.expect("a row").expect("no error");
        rows.next().await.expect("a row").expect("no error");
        drop(rows);
        let rows = client.query_raw(sql.as_str(), [10_i64]).await.expect("stream");
        let all: Vec<_> = rows.collect().await;
        assert_eq!(all.len(), 40);
        let listed = client
            .query(&format!("SELECT id FROM {users}"), &[])
            .await
            .expect("all");
        assert_eq!(listed.len(), 50);
    })
    .await;
    let spans = t.spans();
    let parent = spans.span("test");
    let [early, full, listed] =
        <[SpanAssert<'_>; 3]>::try_from(spans.named(&format!("SELECT {users}"))).expect("three spans");
    ok(endpoint(early, &expect))
        .has_parent(&parent)
        .has_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS, 2);
    ok(full).has_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS, 40);
    ok(listed).has_attribute(semconv::attribute::DB_RESPONSE_RETURNED_ROWS, 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_one_span_with_its_size_and_a_sanitised_text() {
    let t = TestTelemetry::new();
    let Some((client, expect)) = connect("tp batch", &t).await else {
        return;
    };
    let users = table("tp_batch_users");
    create_users(&client, &users).await;
    client
        .batch_execute(&format!(
            "INSERT INTO {users} (id, email) VALUES (1, 'secret@example.com'); DELETE FROM {users} WHERE id = 1"
        ))
        .await
        .expect("batch");
    let spans = t.spans();
    // Statements of different kinds: the summary is `BATCH` alone.
    ok(endpoint(spans.span("BATCH"), &expect))
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, "BATCH")
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 2)
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            format!("INSERT INTO {users} (id, email) VALUES (?, ?); DELETE FROM {users} WHERE id = ?"),
        );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_text_off_records_none_and_the_summary_still_names_the_span() {
    let t = TestTelemetry::new();
    let Some((client, expect)) =
        connect_with("tp text off", &t, |b| b.query_text(otel_kit_db::QueryText::Off)).await
    else {
        return;
    };
    client.query("SELECT 1 AS one", &[]).await.expect("select");
    ok(endpoint(t.spans().span("SELECT"), &expect)).lacks_attribute(semconv::attribute::DB_QUERY_TEXT);
}
