//! Server errors (`error.type` and `db.response.status_code` from the error's prefix)
//! and a Redis that is down or goes away: the call errors promptly, its span ends with
//! `error.type`, and nothing is left running.

use std::time::{Duration, Instant};

use otel_kit_db::redis::InstrumentedRedis;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;
use redis::AsyncCommands as _;
use redis::aio::ConnectionManagerConfig;
use tokio::net::{TcpListener, TcpStream};

use super::{assert_nowhere, client, connect, key};
use crate::support::closed_port;

const SECRET: &str = "err-s3cr3t-d0-not-leak";

/// How long a failing call may take: far less than any hang.
const PROMPTLY: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_gives_its_prefix_and_never_the_arguments() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("server_error", 0, &t).await else {
        return;
    };
    let name = key("wrongtype");
    let () = conn.set(&name, "a string").await.expect("SET");
    let error = conn
        .hget::<_, _, Option<String>>(&name, "field")
        .await
        .expect_err("WRONGTYPE");
    assert_eq!(error.code(), Some("WRONGTYPE"), "{error:?}");
    // The server echoes an unknown command's arguments in its message.
    let error = redis::cmd("FROBNICATE")
        .arg(SECRET)
        .query_async::<()>(&mut conn)
        .await
        .expect_err("unknown command");
    assert_eq!(error.code(), Some("ERR"), "{error:?}");
    let () = conn.del(&name).await.expect("DEL");

    let spans = t.spans();
    let hget = spans
        .span("HGET")
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "WRONGTYPE")
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, "WRONGTYPE")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, format!("HGET {name} ?"));
    let unknown = spans
        .span("FROBNICATE")
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "ERR")
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, "ERR")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, "FROBNICATE ?");
    let opentelemetry::trace::Status::Error { description } = &unknown.record().status else {
        panic!("an error status");
    };
    assert!(description.starts_with("ERR unknown command"), "{description}");
    // Each error the caller got is one exception event in its command's span, its
    // message the description (the arguments replaced); SET succeeded: none.
    let logs = t.logs();
    let events: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|r| r.event_name.ends_with(".exception"))
        .collect();
    assert_eq!(events.len(), 2, "{}", logs.listing());
    for (span, name) in [(hget, "HGET"), (unknown, "FROBNICATE")] {
        let in_span =
            |r: &otel_kit_testing::LogRecord| r.span_id.as_deref() == Some(span.record().span_id.as_str());
        logs.record_where(name, |r| {
            in_span(r) && r.event_name == "db.client.operation.exception"
        })
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", std::any::type_name::<redis::ServerError>())
        .is_in_span(&span);
    }
    logs.record_where("FROBNICATE's", |r| {
        r.span_id.as_deref() == Some(unknown.record().span_id.as_str())
    })
    .has_attribute("exception.message", description.to_string());
    otel_kit_testing::Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .report()
        .assert_conforms();
    spans
        .span("SET")
        .has_status_unset()
        .lacks_attribute(semconv::attribute::ERROR_TYPE);
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::DB_OPERATION_NAME, "HGET".into()),
            (semconv::attribute::ERROR_TYPE, "WRONGTYPE".into()),
            (semconv::attribute::DB_RESPONSE_STATUS_CODE, "WRONGTYPE".into()),
        ])
        .has_count(1);
    assert_nowhere(&t, SECRET);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_transaction_is_execabort() {
    let t = TestTelemetry::new();
    let Some(mut conn) = connect("execabort", 0, &t).await else {
        return;
    };
    let name = key("execabort");
    // `SET` without its value is refused when queued, so `EXEC` aborts.
    let error = redis::pipe()
        .atomic()
        .cmd("SET")
        .arg(&name)
        .cmd("GET")
        .arg(&name)
        .query_async::<()>(&mut conn)
        .await
        .expect_err("aborted");
    assert_eq!(error.code(), Some("EXECABORT"), "{error:?}");
    t.spans()
        .span("MULTI")
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "EXECABORT")
        .has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, "EXECABORT")
        .has_attribute(semconv::attribute::DB_OPERATION_BATCH_SIZE, 2);
}

/// Waits until the runtime runs no more than `baseline` tasks, for at most
/// [`PROMPTLY`].
async fn settles_to(baseline: usize) {
    let metrics = tokio::runtime::Handle::current().metrics();
    let deadline = Instant::now() + PROMPTLY;
    while metrics.num_alive_tasks() > baseline && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        metrics.num_alive_tasks() <= baseline,
        "{} tasks left running, {baseline} before",
        metrics.num_alive_tasks()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_is_down_fails_promptly_with_error_type_and_leaves_nothing() {
    let t = TestTelemetry::new();
    let baseline = tokio::runtime::Handle::current().metrics().num_alive_tasks();
    let client = redis::Client::open(format!("redis://127.0.0.1:{}/0", closed_port())).expect("client");
    let config = ConnectionManagerConfig::new()
        .set_number_of_retries(0)
        .set_connection_timeout(Some(Duration::from_secs(1)));
    let manager = client
        .get_connection_manager_lazy(config)
        .expect("a lazy manager");
    let mut conn = InstrumentedRedis::builder(manager, client.get_connection_info())
        .providers(t.providers())
        .build();

    let started = Instant::now();
    let result = tokio::time::timeout(PROMPTLY, conn.get::<_, Option<String>>("k"))
        .await
        .expect("the call returns: no hang");
    let error = result.expect_err("nothing listens");
    assert!(error.is_io_error(), "{error:?}");
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    drop(conn);
    settles_to(baseline).await;

    let spans = t.spans();
    let span = spans
        .assert_count(1)
        .span("GET")
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "io")
        .has_attribute(semconv::attribute::SERVER_ADDRESS, "127.0.0.1")
        .lacks_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE);
    // The connection's own error: one exception event of the redis crate's error type.
    t.logs()
        .assert_count(1)
        .event("db.client.operation.exception")
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", std::any::type_name::<redis::RedisError>())
        .is_in_span(&span);
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (semconv::attribute::DB_OPERATION_NAME, "GET".into()),
            (semconv::attribute::ERROR_TYPE, "io".into()),
        ])
        .has_count(1);
}

/// A proxy to `target` on a port of its own, until the returned handle is aborted
/// (which closes every connection through it).
async fn proxy(target: (String, u16)) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let task = tokio::spawn(async move {
        let mut links = tokio::task::JoinSet::new();
        while let Ok((mut inbound, _)) = listener.accept().await {
            let mut outbound = TcpStream::connect(target.clone()).await.expect("the real Redis");
            links.spawn(async move {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (port, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_goes_away_mid_session_fails_promptly() {
    let t = TestTelemetry::new();
    let Some(real) = client("goes_away", 0) else {
        return;
    };
    let redis::ConnectionAddr::Tcp(host, port) = real.get_connection_info().addr().clone() else {
        panic!("a TCP TEST_REDIS_URL");
    };
    let (proxy_port, proxy) = proxy((host, port)).await;
    let client = redis::Client::open(format!("redis://127.0.0.1:{proxy_port}/0")).expect("client");
    let connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("through the proxy");
    let mut conn = InstrumentedRedis::builder(connection, client.get_connection_info())
        .providers(t.providers())
        .build();
    let _: Option<String> = conn.get(key("goes_away")).await.expect("GET while it is up");
    proxy.abort();
    let _ = proxy.await;

    let result = tokio::time::timeout(PROMPTLY, conn.get::<_, Option<String>>(key("goes_away")))
        .await
        .expect("the call returns: no hang");
    assert!(result.is_err(), "{result:?}");
    let spans = t.spans();
    let [ok, failed] = <[_; 2]>::try_from(spans.named("GET")).expect("two GETs");
    ok.has_status_unset();
    failed
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "io");
}
