//! One command, one span: names, attributes, the sanitised text, the database index,
//! the duration metric, and the globals as the default providers.

use std::time::Duration;

use opentelemetry::trace::SpanKind;
use otel_kit_db::{DB_DURATION_BUCKETS, QueryText};
use otel_kit_semconv as semconv;
use otel_kit_testing::{AttributeValue, SpanAssert, TestTelemetry};
use redis::AsyncCommands as _;

use super::{assert_nowhere, client, connect, in_parent, key};

const SECRET: &str = "pw-s3cr3t-value-d0-not-leak";

/// The attributes every span of a connection to 127.0.0.1:6379 (or wherever
/// `TEST_REDIS_URL` points) on database `index` has.
fn endpoint<'a>(span: SpanAssert<'a>, client: &redis::Client, index: &str) -> SpanAssert<'a> {
    let (host, port) = match client.get_connection_info().addr() {
        redis::ConnectionAddr::Tcp(host, port) => (host.clone(), *port),
        other => panic!("a TCP TEST_REDIS_URL: {other:?}"),
    };
    let span = span
        .has_kind(SpanKind::Client)
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, "redis")
        .has_attribute(semconv::attribute::DB_NAMESPACE, index)
        .has_attribute(semconv::attribute::SERVER_ADDRESS, host.as_str());
    // A host given as an IP address is the peer itself: no name to resolve elsewhere.
    let span = match host.parse::<std::net::IpAddr>() {
        Ok(_) => span
            .has_attribute(semconv::attribute::NETWORK_PEER_ADDRESS, host.as_str())
            .has_attribute(semconv::attribute::NETWORK_PEER_PORT, i64::from(port)),
        Err(_) => span.lacks_attribute(semconv::attribute::NETWORK_PEER_ADDRESS),
    };
    match port {
        6379 => span.lacks_attribute(semconv::attribute::SERVER_PORT),
        port => span.has_attribute(semconv::attribute::SERVER_PORT, i64::from(port)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_set_hset_are_spans_named_by_the_command_with_the_key_and_no_value() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("commands", 0, &t).await else {
        return;
    };
    let Some(client) = client("commands", 0) else {
        return;
    };
    let (name, hash) = (key("name"), key("hash"));
    let read: String = in_parent(&t, async {
        let () = conn.set(&name, SECRET).await.expect("SET");
        let () = redis::cmd("HSET")
            .arg(&hash)
            .arg("email")
            .arg(SECRET)
            .arg("card")
            .arg(SECRET)
            .query_async(&mut conn)
            .await
            .expect("HSET");
        conn.get(&name).await.expect("GET")
    })
    .await;
    assert_eq!(read, SECRET, "the value went through unchanged");
    let _: () = conn.del(&[&name, &hash]).await.expect("DEL");

    let spans = t.spans();
    let parent = spans.span("test");
    endpoint(spans.span("SET"), &client, "0")
        .has_parent(&parent)
        .has_status_unset()
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "SET")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, format!("SET {name} ?"))
        .lacks_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE)
        .lacks_attribute(semconv::attribute::ERROR_TYPE);
    endpoint(spans.span("HSET"), &client, "0")
        .has_parent(&parent)
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "HSET")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, format!("HSET {hash} ? ? ? ?"));
    endpoint(spans.span("GET"), &client, "0")
        .has_parent(&parent)
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "GET")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, format!("GET {name}"));
    spans.span("DEL").is_root();
    assert_nowhere(&t, SECRET);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_index_is_the_namespace() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("namespace", 5, &t).await else {
        return;
    };
    let Some(client) = client("namespace", 5) else {
        return;
    };
    let name = key("namespace");
    let () = conn.set(&name, 1).await.expect("SET");
    let () = conn.del(&name).await.expect("DEL");
    endpoint(t.spans().span("SET"), &client, "5");
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::DB_NAMESPACE, "5".into()),
            (semconv::attribute::DB_OPERATION_NAME, "DEL".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duration_metric_has_the_operation_and_endpoint_and_no_text() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("duration", 0, &t).await else {
        return;
    };
    let name = key("duration");
    for _ in 0..3 {
        let _: Option<String> = conn.get(&name).await.expect("GET");
    }
    let () = redis::cmd("ping").query_async(&mut conn).await.expect("ping");

    let metrics = t.metrics();
    let duration = metrics
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .has_unit("s")
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .is_histogram();
    let point = duration
        .histogram_point(&[
            (semconv::attribute::DB_SYSTEM_NAME, "redis".into()),
            (semconv::attribute::DB_OPERATION_NAME, "GET".into()),
            (semconv::attribute::DB_NAMESPACE, "0".into()),
        ])
        .has_count(3)
        .has_bucket_boundaries(&DB_DURATION_BUCKETS)
        .has_sum_in(0.0..=5.0);
    let keys: Vec<&str> = point
        .record()
        .attributes
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    for absent in [
        semconv::attribute::DB_QUERY_TEXT,
        semconv::attribute::DB_OPERATION_BATCH_SIZE,
        semconv::attribute::ERROR_TYPE,
    ] {
        assert!(!keys.contains(&absent), "{absent} on the metric: {keys:?}");
    }
    assert!(keys.contains(&semconv::attribute::SERVER_ADDRESS), "{keys:?}");
    // As written: no case normalisation.
    t.spans()
        .span("ping")
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "ping");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_text_off_records_no_text() {
    let t = TestTelemetry::new();
    let Some(client) = client("text_off", 0) else {
        return;
    };
    let connection = client.get_multiplexed_async_connection().await.expect("connect");
    let mut conn = otel_kit_db::redis::InstrumentedRedis::builder(connection, client.get_connection_info())
        .providers(t.providers())
        .query_text(QueryText::Off)
        .build();
    let _: Option<String> = conn.get(key("text_off")).await.expect("GET");
    t.spans()
        .span("GET")
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "GET")
        .lacks_attribute(semconv::attribute::DB_QUERY_TEXT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_globals_are_the_default_and_read_when_commands_run() {
    let Some(client) = client("globals", 0) else {
        return;
    };
    let connection = client.get_multiplexed_async_connection().await.expect("connect");
    // Wrapped first, set-up second.
    let mut conn = otel_kit_db::redis::instrument(connection, client.get_connection_info());
    let t = TestTelemetry::new().install_global();
    // The globals are read per thread and refreshed every 10 ms.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let _: Option<String> = conn.get(key("globals")).await.expect("GET");
    t.spans()
        .span("GET")
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, "redis");
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::DB_OPERATION_NAME, "GET".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_is_named_by_its_sha1_the_stored_procedure() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("script", 0, &t).await else {
        return;
    };
    // Unique to this process, so the server does not know it yet: EVALSHA fails with
    // NOSCRIPT, the redis crate loads it and calls EVALSHA again.
    let script = redis::Script::new(&format!("return {} + tonumber(ARGV[1])", std::process::id()));
    let sum: i64 = script.arg(1).invoke_async(&mut conn).await.expect("script");
    assert_eq!(sum, i64::from(std::process::id()) + 1);

    let sha = script.get_hash();
    let name = format!("EVALSHA {sha}");
    let spans = t.spans();
    let [missing, found] = <[SpanAssert<'_>; 2]>::try_from(spans.named(&name)).expect("two EVALSHA spans");
    let text = AttributeValue::from(format!("EVALSHA {sha} ? ?"));
    for span in [missing.record(), found.record()] {
        let value = |key: &str| span.attribute(key).cloned();
        assert_eq!(
            value(semconv::attribute::DB_STORED_PROCEDURE_NAME),
            Some(AttributeValue::from(sha))
        );
        assert_eq!(
            value(semconv::attribute::DB_OPERATION_NAME),
            Some(AttributeValue::from("EVALSHA"))
        );
        assert_eq!(value(semconv::attribute::DB_QUERY_TEXT), Some(text.clone()));
    }
    missing
        .is_error()
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, "NOSCRIPT");
    found.has_status_unset();
    spans
        .span("SCRIPT LOAD")
        .has_attribute(semconv::attribute::DB_OPERATION_NAME, "SCRIPT LOAD")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, "SCRIPT LOAD ?");
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::DB_OPERATION_NAME, "EVALSHA".into()),
            (semconv::attribute::DB_STORED_PROCEDURE_NAME, sha.into()),
            (semconv::attribute::ERROR_TYPE, "NOSCRIPT".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_with_no_name_is_named_after_the_server_not_the_system() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("unnamed", 0, &t).await else {
        return;
    };
    let Some(client) = client("unnamed", 0) else {
        return;
    };
    // A space is in no command's name: Redis refuses it, and the kit records no name.
    let refused: redis::RedisResult<()> = redis::cmd("NO SUCH").query_async(&mut conn).await;
    assert!(refused.is_err());
    // `{target}` is `server.address:server.port` (the port as recorded); Redis's numeric
    // namespace is kept out of span names.
    let (host, port) = match client.get_connection_info().addr() {
        redis::ConnectionAddr::Tcp(host, port) => (host.clone(), *port),
        other => panic!("a TCP TEST_REDIS_URL: {other:?}"),
    };
    let target = match port {
        6379 => host,
        port => format!("{host}:{port}"),
    };
    endpoint(t.spans().span(&target), &client, "0").lacks_attribute(semconv::attribute::DB_OPERATION_NAME);
}
