//! otel-kit-db against MariaDB (`TEST_MYSQL_URL`; skipped when unset). The MySQL driver
//! speaks to both; the pool asks the server which one it is.

use sqlx::Pool;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::pool::PoolOptions;

use crate::support::{Expect, url_from_env};

type Db = sqlx::MySql;
const SYSTEM: &str = "mariadb";
const P: [&str; 3] = ["?", "?", "?"];
/// ER_PARSE_ERROR.
const SYNTAX_ERROR: &str = "1064";
/// ER_DUP_ENTRY.
const UNIQUE_VIOLATION: &str = "1062";

async fn connect(test: &str, options: PoolOptions<Db>) -> Option<(Pool<Db>, Expect)> {
    let url = url_from_env("TEST_MYSQL_URL", test)?;
    let connect: MySqlConnectOptions = url.parse().expect("TEST_MYSQL_URL");
    let expect = Expect {
        namespace: connect.get_database().unwrap_or_default().to_owned(),
        address: Some(connect.get_host().to_owned()),
        port: (connect.get_port() != 3306).then_some(i64::from(connect.get_port())),
    };
    let pool = options
        .connect_with(connect)
        .await
        .expect("connect to TEST_MYSQL_URL");
    Some((pool, expect))
}

include!("support/scenarios.rs");
include!("support/operation_scenarios.rs");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_is_asked_once_whether_it_is_mariadb() {
    let Some((raw, _)) = connect("detect", PoolOptions::new()).await else {
        return;
    };
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    assert_eq!(pool.system_name(), "mysql", "nothing asked yet");
    sqlx::query("SELECT 1").execute(&pool).await.expect("select");
    assert_eq!(pool.system_name(), "mariadb");
    let spans = t.spans();
    // The question itself is not traced: one span, already `mariadb`.
    spans.assert_count(1);
    spans
        .span("SELECT")
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, "mariadb");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_commenter_puts_the_span_in_the_text_the_server_sees() {
    let Some((raw, _)) = connect("commenter", PoolOptions::new()).await else {
        return;
    };
    let t = TestTelemetry::new().install_global();
    let pool = InstrumentedPool::builder(raw).sql_commenter(true).build();
    let sql = "SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()";
    let seen: String = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("query");
    let spans = t.spans();
    let span = spans.span("SELECT information_schema.PROCESSLIST");
    let record = span.record();
    assert!(
        seen.ends_with(&format!(
            "/*traceparent='00-{}-{}-01'*/",
            record.trace_id, record.span_id
        )),
        "{seen}"
    );
    span.has_attribute(semconv::attribute::DB_QUERY_TEXT, sql);
}

/// The Debian package's socket (what `.ci/run` installs).
const SOCKET: &str = "/run/mysqld/mysqld.sock";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unix_socket_connection_has_the_socket_as_server_address() {
    let Some(url) = url_from_env("TEST_MYSQL_URL", "unix socket") else {
        return;
    };
    if !std::path::Path::new(SOCKET).exists() {
        eprintln!("skipping unix socket: no {SOCKET}");
        return;
    }
    let tcp: MySqlConnectOptions = url.parse().expect("url");
    let t = TestTelemetry::new();
    let raw = PoolOptions::<Db>::new()
        .connect_with(tcp.socket(SOCKET))
        .await
        .expect("connect over the socket");
    let pool = otel_kit_db::InstrumentedPool::builder(raw)
        .providers(t.providers())
        .build();
    sqlx::query("SELECT 1").fetch_one(&pool).await.expect("query");

    t.spans()
        .span("SELECT")
        .has_attribute(semconv::attribute::SERVER_ADDRESS, SOCKET)
        .lacks_attribute(semconv::attribute::SERVER_PORT);
}
