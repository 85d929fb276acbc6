//! otel-kit-db against PostgreSQL (`TEST_POSTGRES_URL`; skipped when unset).

use sqlx::Pool;
use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;

use crate::support::{Expect, closed_port, url_from_env};

type Db = sqlx::Postgres;
const SYSTEM: &str = "postgresql";
const P: [&str; 3] = ["$1", "$2", "$3"];
const SYNTAX_ERROR: &str = "42601";
const UNIQUE_VIOLATION: &str = "23505";

async fn connect(test: &str, options: PoolOptions<Db>) -> Option<(Pool<Db>, Expect)> {
    let url = url_from_env("TEST_POSTGRES_URL", test)?;
    let connect: PgConnectOptions = url.parse().expect("TEST_POSTGRES_URL");
    let expect = Expect {
        namespace: connect.get_database().unwrap_or_default().to_owned(),
        address: Some(connect.get_host().to_owned()),
        port: (connect.get_port() != 5432).then_some(i64::from(connect.get_port())),
    };
    let pool = options
        .connect_with(connect)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    Some((pool, expect))
}

include!("support/scenarios.rs");
include!("support/operation_scenarios.rs");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_failure_is_an_error_span_without_the_password() {
    let Some(url) = url_from_env("TEST_POSTGRES_URL", "connection failure") else {
        return;
    };
    let real: PgConnectOptions = url.parse().expect("url");
    let port = closed_port();
    let secret = "pw-s3cr3t-d0-not-leak";
    let bad_url = format!(
        "postgres://postgres:{secret}@127.0.0.1:{port}/{}",
        real.get_database().unwrap_or("test")
    );
    let t = TestTelemetry::new().install_global();
    let raw = PoolOptions::<Db>::new()
        .acquire_timeout(Duration::from_secs(3))
        .connect_lazy(&bad_url)
        .expect("lazy pool");
    let pool = otel_kit_db::instrument(raw);
    assert!(!pool.pool_name().contains(secret));
    let started = Instant::now();
    let error = in_parent(sqlx::query("SELECT 1").fetch_one(&pool))
        .await
        .expect_err("nothing listens");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    let spans = t.spans();
    let span = spans
        .span("SELECT")
        .has_parent(&spans.span("test"))
        .is_error()
        .has_attribute(semconv::attribute::SERVER_ADDRESS, "127.0.0.1")
        .has_attribute(semconv::attribute::SERVER_PORT, i64::from(port))
        .has_attribute_satisfying(semconv::attribute::ERROR_TYPE, "io or pool_timed_out", |v| {
            matches!(v.as_str(), Some("io" | "pool_timed_out"))
        });
    let everything = format!("{:?} {error}", span.record());
    assert!(!everything.contains(secret), "the password leaked: {everything}");
    let metrics = t.metrics();
    assert!(!metrics.listing().contains(secret));
    metrics
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::SERVER_PORT, i64::from(port).into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_commenter_puts_the_span_in_the_text_the_server_sees() {
    let Some((raw, _)) = connect("commenter", PoolOptions::new()).await else {
        return;
    };
    let t = TestTelemetry::new().install_global();
    let pool = InstrumentedPool::builder(raw).sql_commenter(true).build();
    let seen: String = sqlx::query_scalar("SELECT current_query()")
        .fetch_one(&pool)
        .await
        .expect("query");
    let spans = t.spans();
    let span = spans.span("SELECT");
    let record = span.record();
    assert!(
        seen.ends_with(&format!(
            "/*traceparent='00-{}-{}-01'*/",
            record.trace_id, record.span_id
        )),
        "{seen}"
    );
    // The recorded text is the caller's, without the comment.
    span.has_attribute(semconv::attribute::DB_QUERY_TEXT, "SELECT current_query()");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_commenter_writes_what_the_propagator_injects_but_never_baggage() {
    use opentelemetry::baggage::BaggageExt as _;
    use opentelemetry::propagation::TextMapPropagator as _;
    use opentelemetry::trace::TraceContextExt as _;

    let Some((raw, _)) = connect("commenter propagator", PoolOptions::new()).await else {
        return;
    };
    let t = TestTelemetry::new();
    let pool = InstrumentedPool::builder(raw)
        .providers(t.providers())
        .sql_commenter(true)
        .build();
    // A caller's context with a tracestate, and baggage that must not reach the server.
    let mut headers = std::collections::HashMap::new();
    headers.insert(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    );
    headers.insert("tracestate".to_owned(), "vendor=a1,other=b2".to_owned());
    let parent = opentelemetry_sdk::propagation::TraceContextPropagator::new()
        .extract(&headers)
        .with_baggage([opentelemetry::KeyValue::new("user.email", "ada@example.com")]);
    assert!(parent.span().span_context().is_valid());
    let seen: String = opentelemetry::trace::FutureExt::with_context(
        sqlx::query_scalar("SELECT current_query()").fetch_one(&pool),
        parent,
    )
    .await
    .expect("query");
    let spans = t.spans();
    let record = spans.span("SELECT").record().clone();
    assert_eq!(record.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert!(
        seen.ends_with(&format!(
            "/*traceparent='00-{}-{}-01',tracestate='vendor%3Da1%2Cother%3Db2'*/",
            record.trace_id, record.span_id
        )),
        "{seen}"
    );
    assert!(!seen.contains("ada") && !seen.contains("baggage"), "{seen}");
}

/// The Debian and Ubuntu packages' socket directory (what `.ci/run` installs).
const SOCKET_DIRECTORY: &str = "/var/run/postgresql";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unix_socket_connection_has_the_socket_as_server_address() {
    let Some(url) = url_from_env("TEST_POSTGRES_URL", "unix socket") else {
        return;
    };
    let tcp: PgConnectOptions = url.parse().expect("url");
    let socket = format!("{SOCKET_DIRECTORY}/.s.PGSQL.{}", tcp.get_port());
    if !std::path::Path::new(&socket).exists() {
        eprintln!("skipping unix socket: no {socket}");
        return;
    }
    let options = tcp.clone().socket(SOCKET_DIRECTORY);
    let t = TestTelemetry::new();
    let raw = PoolOptions::<Db>::new()
        .connect_with(options)
        .await
        .expect("connect over the socket");
    let pool = otel_kit_db::InstrumentedPool::builder(raw)
        .providers(t.providers())
        .build();
    sqlx::query("SELECT 1").fetch_one(&pool).await.expect("query");
    // The host given as a directory is a socket too, as sqlx reads it.
    let raw = PoolOptions::<Db>::new()
        .connect_with(tcp.host(SOCKET_DIRECTORY))
        .await
        .expect("connect over the socket directory");
    let pool = otel_kit_db::InstrumentedPool::builder(raw)
        .providers(t.providers())
        .build();
    sqlx::query("SELECT 2").fetch_one(&pool).await.expect("query");

    let spans = t.spans();
    for span in spans.named("SELECT") {
        span.has_attribute(semconv::attribute::SERVER_ADDRESS, socket.as_str())
            .lacks_attribute(semconv::attribute::SERVER_PORT);
    }
    t.metrics()
        .metric(semconv::metric::DB_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(semconv::attribute::SERVER_ADDRESS, socket.as_str().into())])
        .has_count(2);
}
