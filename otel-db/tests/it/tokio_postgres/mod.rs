//! The tokio-postgres client wrapper and the deadpool-postgres pool against a real
//! PostgreSQL (`TEST_POSTGRES_URL`, each test skipped when it is unset): queries,
//! streams and prepared statements (`queries`), failures (`failures`), transactions
//! and the caller's operation (`transactions`), the pool (`deadpool`), and the registry
//! check over all of it (`registry`). Each test reports to its own harness through
//! `.providers(..)`, so they run in parallel.

use opentelemetry::trace::SpanKind;
use otel_kit_db::tokio_postgres::{ClientBuilder, InstrumentedClient};
use otel_kit_semconv as semconv;
use otel_kit_testing::{SpanAssert, TestTelemetry};

use crate::support::{Expect, url_from_env};

mod deadpool;
mod failures;
mod queries;
mod registry;
mod transactions;

/// `TEST_POSTGRES_URL` as a tokio-postgres configuration, or `None` after saying why
/// the test is skipped.
fn config(test: &str) -> Option<tokio_postgres::Config> {
    let url = url_from_env("TEST_POSTGRES_URL", test)?;
    Some(url.parse().expect("TEST_POSTGRES_URL"))
}

/// A plain client on `config`, its connection driven by a task.
async fn plain(config: &tokio_postgres::Config) -> tokio_postgres::Client {
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    tokio::spawn(connection);
    client
}

/// A traced client reporting to `t`, configured by `build`, with what its spans'
/// endpoint attributes should be.
async fn connect_with(
    test: &str,
    t: &TestTelemetry,
    build: impl FnOnce(ClientBuilder<tokio_postgres::Client>) -> ClientBuilder<tokio_postgres::Client>,
) -> Option<(InstrumentedClient, Expect)> {
    let config = config(test)?;
    let client = plain(&config).await;
    let builder = InstrumentedClient::builder(client, &config).providers(t.providers());
    Some((build(builder).build(), expect(&config)))
}

/// A traced client with the default settings.
async fn connect(test: &str, t: &TestTelemetry) -> Option<(InstrumentedClient, Expect)> {
    connect_with(test, t, |b| b).await
}

/// The endpoint attributes `config` gives.
fn expect(config: &tokio_postgres::Config) -> Expect {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => Some(host.clone()),
        _ => None,
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    Expect {
        namespace: config
            .get_dbname()
            .or(config.get_user())
            .unwrap_or_default()
            .to_owned(),
        address: host,
        port: (port != 5432).then_some(i64::from(port)),
    }
}

/// A CLIENT span of this crate's scope with `expect`'s endpoint attributes.
fn endpoint<'a>(span: SpanAssert<'a>, expect: &Expect) -> SpanAssert<'a> {
    let span = span
        .has_kind(SpanKind::Client)
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, "postgresql")
        .has_attribute(semconv::attribute::DB_NAMESPACE, expect.namespace.as_str());
    let span = match &expect.address {
        Some(address) => span.has_attribute(semconv::attribute::SERVER_ADDRESS, address.as_str()),
        None => span.lacks_attribute(semconv::attribute::SERVER_ADDRESS),
    };
    match expect.port {
        Some(port) => span.has_attribute(semconv::attribute::SERVER_PORT, port),
        None => span.lacks_attribute(semconv::attribute::SERVER_PORT),
    }
}

/// A span that did not fail.
fn ok(span: SpanAssert<'_>) -> SpanAssert<'_> {
    span.has_status_unset()
        .lacks_attribute(semconv::attribute::ERROR_TYPE)
        .lacks_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE)
}

/// Creates (again) `users (id BIGINT PRIMARY KEY, email TEXT UNIQUE)` under `name`,
/// untraced.
async fn create_users(client: &InstrumentedClient, name: &str) {
    client
        .get_ref()
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS {name}; CREATE TABLE {name} (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)"
        ))
        .await
        .expect("create");
}
