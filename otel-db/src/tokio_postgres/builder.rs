//! [`instrument`] and [`ClientBuilder`]: what a tokio-postgres client wrapper records,
//! and where to; and the endpoint attributes read from a `tokio_postgres::Config`.

use tokio_postgres::config::Host;

use super::client::InstrumentedClient;
use crate::front_end::endpoint::Endpoint;
use crate::sql_core::builder::{ReturnsRows, SqlBuilder};

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
    InstrumentedClient::builder(client, config).build()
}

/// Chooses what an [`InstrumentedClient`] records: the [`SqlBuilder`] over a
/// tokio-postgres client (`T`: `tokio_postgres::Client`; deadpool's pool is
/// `DeadpoolBuilder`'s, feature `deadpool-postgres`), with its settings and
/// `returned_rows`. From [`InstrumentedClient::builder`].
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
pub type ClientBuilder<T> = SqlBuilder<Connected<T>>;

/// A tokio-postgres builder's own part: the client (or deadpool's pool) and the
/// endpoint read from the configuration it connects with.
#[derive(Debug)]
pub struct Connected<T> {
    pub(super) target: T,
    pub(super) endpoint: Endpoint,
}

impl<T> ReturnsRows for Connected<T> {}

impl<T> Connected<T> {
    /// The builder of `target`, which connects with `config`.
    pub(super) fn builder(target: T, config: &tokio_postgres::Config) -> ClientBuilder<T> {
        SqlBuilder::for_client(Self {
            target,
            endpoint: endpoint(config),
        })
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
        let (Connected { target, endpoint }, settings) = self.into_parts();
        InstrumentedClient::new(target, settings.instrumentation(endpoint, false))
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
        Connected::builder(client, config)
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
