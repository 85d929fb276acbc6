//! The registry check over every kind of Redis call: commands, a pipeline, a
//! transaction, a server error, an aborted transaction, a script, a Redis that is down.

use std::time::Duration;

use otel_kit_db::redis::InstrumentedRedis;
use otel_kit_testing::TestTelemetry;
use redis::AsyncCommands as _;
use redis::aio::ConnectionManagerConfig;

use super::{connect, key};
use crate::support::closed_port;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_telemetry_conforms_to_the_registry() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("registry", 3, &t).await else {
        return;
    };
    let (name, hash) = (key("registry_name"), key("registry_hash"));
    let () = conn.set(&name, "v").await.expect("SET");
    let _: Option<String> = conn.get(&name).await.expect("GET");
    let () = conn.hset(&hash, "f", "v").await.expect("HSET");
    let _: Result<Option<String>, _> = conn.hget(&name, "f").await; // WRONGTYPE
    let _: ((), Option<String>) = redis::pipe()
        .set(&name, "w")
        .get(&name)
        .query_async(&mut conn)
        .await
        .expect("pipeline");
    let _: (i64,) = redis::pipe()
        .atomic()
        .incr(&name, 1)
        .ignore()
        .del(&name)
        .query_async(&mut conn)
        .await
        .unwrap_or((0,));
    let _: Result<(), _> = redis::pipe()
        .atomic()
        .cmd("SET")
        .arg(&name)
        .query_async(&mut conn)
        .await; // EXECABORT
    let script = redis::Script::new(&format!("return {} -- registry", std::process::id()));
    let _: i64 = script
        .invoke_async(&mut conn)
        .await
        .expect("EVALSHA, SCRIPT LOAD, EVALSHA");
    let _: () = conn.del(&[&name, &hash]).await.expect("DEL");

    let client = redis::Client::open(format!("redis://127.0.0.1:{}/0", closed_port())).expect("client");
    let config = ConnectionManagerConfig::new()
        .set_number_of_retries(0)
        .set_connection_timeout(Some(Duration::from_secs(1)));
    let manager = client
        .get_connection_manager_lazy(config)
        .expect("a lazy manager");
    let mut down = InstrumentedRedis::builder(manager, client.get_connection_info())
        .providers(t.providers())
        .build();
    let _: Result<Option<String>, _> = down.get("k").await;

    let spans = t.spans();
    assert!(spans.len() >= 12, "{:?}", spans.names());
    assert!(
        spans
            .iter()
            .filter(|s| matches!(s.status, opentelemetry::trace::Status::Error { .. }))
            .count()
            >= 3
    );
    crate::support::assert_conforms(&t);
}
