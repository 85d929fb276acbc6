//! [`instrument`] and [`ClientBuilder`]: what a tokio-postgres client wrapper records,
//! and where to; and the endpoint attributes read from a `tokio_postgres::Config`.

use std::sync::Arc;

use tokio_postgres::config::Host;

use super::client::InstrumentedClient;
use super::frontend::TokioPostgres;
use crate::Providers;
use crate::front_end::endpoint::Endpoint;
use crate::options::{Options, QueryText};
use crate::sql_core::instrumentation::Instrumentation;

/// Wraps `client` with the default settings (sanitised query text, no returned-rows
/// count), its attributes read from `config`, the configuration it was connected with.
///
/// ```no_run
/// # async fn run() -> Result<(), tokio_postgres::Error> {
/// let config: tokio_postgres::Config = "postgres://app@localhost/shop".parse()?;
/// let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
/// tokio::spawn(connection);
/// let client = otel_kit_db::tokio_postgres::instrument(client, &config);
/// let row = client.query_one("SELECT 40 + 2", &[]).await?;
/// assert_eq!(row.get::<_, i32>(0), 42);
/// # Ok(())
/// # }
/// ```
pub fn instrument(client: tokio_postgres::Client, config: &tokio_postgres::Config) -> InstrumentedClient {
    ClientBuilder::new(client, config).build()
}

/// Chooses what an [`InstrumentedClient`] records; from [`InstrumentedClient::builder`].
///
/// ```no_run
/// # async fn run() -> Result<(), tokio_postgres::Error> {
/// use otel_kit_db::tokio_postgres::InstrumentedClient;
/// use otel_kit_db::{Providers, QueryText};
///
/// let config: tokio_postgres::Config = "postgres://app@localhost/shop".parse()?;
/// let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
/// tokio::spawn(connection);
/// let client = InstrumentedClient::builder(client, &config)
///     .query_text(QueryText::Off)
///     .returned_rows(true)
///     .providers(Providers::new()) // the globals, as by default
///     .build();
/// # drop(client);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClientBuilder<T> {
    target: T,
    pub(super) settings: Settings,
}

/// What a builder gathers: the same for a client and a pool.
#[derive(Debug)]
pub(super) struct Settings {
    endpoint: Endpoint,
    pub(super) options: Options,
    providers: Providers,
}

impl Settings {
    pub(super) fn new(config: &tokio_postgres::Config) -> Self {
        Self {
            endpoint: endpoint(config),
            options: Options::default(),
            providers: Providers::new(),
        }
    }

    /// Names a pool left unnamed apart from the other pools on the same database; the
    /// lease holds the name while the pool lives.
    #[cfg(feature = "deadpool-postgres")]
    pub(super) fn name_pool(&mut self) -> Option<crate::pool_metrics::PoolNameLease> {
        self.options.pool_name.is_none().then(|| {
            let lease = crate::pool_metrics::PoolNameLease::take(self.endpoint.pool_name());
            self.options.pool_name = Some(lease.name().to_owned());
            lease
        })
    }

    pub(super) fn build(self) -> Arc<Instrumentation<TokioPostgres>> {
        Arc::new(Instrumentation::new(
            self.endpoint,
            self.options,
            self.providers,
            false,
        ))
    }
}

impl<T> ClientBuilder<T> {
    pub(super) fn new(target: T, config: &tokio_postgres::Config) -> Self {
        Self {
            target,
            settings: Settings::new(config),
        }
    }

    /// How `db.query.text` is recorded (default [`QueryText::Sanitized`]: a query with
    /// parameters as written, one without them with its literals replaced).
    ///
    /// ```no_run
    /// # fn run(client: tokio_postgres::Client, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedClient;
    /// let client = InstrumentedClient::builder(client, &config)
    ///     .query_text(otel_kit_db::QueryText::Off)
    ///     .build();
    /// # drop(client);
    /// # }
    /// ```
    pub fn query_text(mut self, mode: QueryText) -> Self {
        self.settings.options.query_text.set(mode);
        self
    }

    /// Records `db.response.returned_rows` (opt-in in the conventions; off by default).
    ///
    /// ```no_run
    /// # fn run(client: tokio_postgres::Client, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedClient;
    /// let client = InstrumentedClient::builder(client, &config).returned_rows(true).build();
    /// # drop(client);
    /// # }
    /// ```
    pub fn returned_rows(mut self, on: bool) -> Self {
        self.settings.options.returned_rows = on;
        self
    }

    /// Sets `db.system.name` instead of `postgresql`: for a server that speaks
    /// PostgreSQL's protocol, such as `cockroachdb`.
    ///
    /// ```no_run
    /// # fn run(client: tokio_postgres::Client, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedClient;
    /// let client = InstrumentedClient::builder(client, &config).system_name("cockroachdb").build();
    /// assert_eq!(client.system_name(), "cockroachdb");
    /// # }
    /// ```
    pub fn system_name(mut self, system: &'static str) -> Self {
        self.settings.options.system_name = Some(system);
        self
    }

    /// Sends spans, metrics and exception events to `providers` instead of the
    /// globals, which are read when queries run (not when the client is wrapped).
    ///
    /// ```no_run
    /// # fn run(client: tokio_postgres::Client, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedClient;
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_db::Providers;
    ///
    /// let providers = Providers::new().tracer_provider(SdkTracerProvider::default());
    /// let client = InstrumentedClient::builder(client, &config).providers(providers).build();
    /// # drop(client);
    /// # }
    /// ```
    pub fn providers(mut self, providers: Providers) -> Self {
        self.settings.providers = providers;
        self
    }

    pub(super) fn into_parts(self) -> (T, Settings) {
        (self.target, self.settings)
    }
}

impl ClientBuilder<tokio_postgres::Client> {
    /// The traced client.
    ///
    /// ```no_run
    /// # fn run(client: tokio_postgres::Client, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedClient;
    /// let client = InstrumentedClient::builder(client, &config).build();
    /// assert_eq!(client.system_name(), "postgresql");
    /// # }
    /// ```
    pub fn build(self) -> InstrumentedClient {
        let (client, settings) = self.into_parts();
        InstrumentedClient::new(client, settings.build())
    }
}

/// `db.namespace`, `server.address` and `server.port` from `config`, part by part:
/// never the password. The database is the configured one, else the user's name (the
/// server's default, as libpq's). With several hosts, the first (tokio-postgres tries
/// them in order; which one answered is not known here).
pub(super) fn endpoint(config: &tokio_postgres::Config) -> Endpoint {
    let database = config.get_dbname().or_else(|| config.get_user());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    match config.get_hosts().first() {
        Some(Host::Tcp(host)) => Endpoint::postgres(database, host, None, port),
        #[cfg(unix)]
        Some(Host::Unix(directory)) => {
            Endpoint::postgres(database, "", Some(&directory.to_string_lossy()), port)
        }
        // No host: no address rather than a guessed one.
        None => Endpoint::postgres(database, "", None, port),
    }
}

impl InstrumentedClient {
    /// A builder to choose what is recorded; `config` is what `client` was connected
    /// with. See [`ClientBuilder`].
    ///
    /// ```no_run
    /// # fn run(client: tokio_postgres::Client, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedClient;
    ///
    /// let client = InstrumentedClient::builder(client, &config).returned_rows(true).build();
    /// # drop(client);
    /// # }
    /// ```
    pub fn builder(
        client: tokio_postgres::Client,
        config: &tokio_postgres::Config,
    ) -> ClientBuilder<tokio_postgres::Client> {
        ClientBuilder::new(client, config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(url: &str) -> Vec<String> {
        let config: tokio_postgres::Config = url.parse().expect("a config");
        endpoint(&config)
            .attributes("postgresql")
            .map(|kv| format!("{}={}", kv.key, kv.value))
            .collect()
    }

    #[test]
    fn the_endpoint_comes_from_the_config_never_the_password() {
        assert_eq!(
            attributes("postgres://app:hunter2@db.internal:6432/shop"),
            [
                "db.system.name=postgresql",
                "db.namespace=shop",
                "server.address=db.internal",
                "server.port=6432"
            ]
        );
        assert_eq!(
            attributes("host=10.0.0.7 user=ledger"),
            [
                "db.system.name=postgresql",
                "db.namespace=ledger",
                "server.address=10.0.0.7",
                "network.peer.address=10.0.0.7",
                "network.peer.port=5432"
            ]
        );
        assert_eq!(
            attributes("host=/var/run/postgresql port=5433 dbname=app"),
            [
                "db.system.name=postgresql",
                "db.namespace=app",
                "server.address=/var/run/postgresql/.s.PGSQL.5433",
                "network.peer.address=/var/run/postgresql/.s.PGSQL.5433"
            ]
        );
        assert_eq!(
            attributes("dbname=app"),
            ["db.system.name=postgresql", "db.namespace=app"]
        );
    }
}
