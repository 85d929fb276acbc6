//! [`SqlBuilder`], what a SQL client wrapper records, chosen before it is built: written
//! once over the client part `C`, with the settings every SQL client shares. Each
//! client's own part, settings and build methods sit beside its wrapper
//! (`sqlx/pool.rs`, `tokio_postgres/builder.rs` and `deadpool.rs`, `diesel/builder.rs`).

use std::fmt;
use std::sync::Arc;

use otel_kit_core::Providers;

use super::instrumentation::{Frontend, Instrumentation};
use crate::front_end::endpoint::Endpoint;
use crate::options::{Options, QueryText};

/// Chooses what a SQL client wrapper records and where to, before it is built. Each
/// client names it, with its own part `C`, and adds its own settings and build methods:
///
/// | client | builder | made by | its own settings |
/// | --- | --- | --- | --- |
/// | a sqlx pool | `InstrumentBuilder<DB>` | `InstrumentedPool::builder(pool)` | `returned_rows`, `sql_commenter`, `pool_name`; `build()` |
/// | a tokio-postgres client | `tokio_postgres::ClientBuilder<tokio_postgres::Client>` | `InstrumentedClient::builder(client, &config)` | `returned_rows`; `build()` |
/// | a deadpool-postgres pool | `tokio_postgres::DeadpoolBuilder` | `InstrumentedDeadpool::builder(pool, &config)` | `returned_rows`, `pool_name`; `build()` |
/// | diesel's connections | `diesel::DieselBuilder` | `DieselBuilder::new()` | `build(url)`, `install_default()` |
///
/// Redis's builder is its own (`redis::RedisBuilder`): its query text is the command,
/// not SQL.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// use otel_kit_db::{InstrumentedPool, Providers, QueryText};
///
/// let pool = InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
///     .query_text(QueryText::Off)
///     .providers(Providers::new()) // the globals, as by default
///     .returned_rows(true)
///     .build();
/// # drop(pool);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
#[must_use = "a builder instruments nothing until its build method runs"]
pub struct SqlBuilder<C> {
    pub(crate) client: C,
    pub(crate) settings: Settings,
}

/// What every SQL builder gathers, whatever its client.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) options: Options,
    pub(crate) providers: Providers,
}

/// A client whose rows its wrapper sees: its builder has `returned_rows` (diesel's hook
/// sees no rows).
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "tokio-postgres"
))]
pub trait ReturnsRows {}

/// A pool: its builder names the pool's metrics (`pool_name`).
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "deadpool-postgres"
))]
pub trait Pooled {}

// By hand: derived, it would ask the client part to be `Debug`, and print it.
impl<C> fmt::Debug for SqlBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlBuilder")
            .field("options", &self.settings.options)
            .field("providers", &self.settings.providers)
            .finish_non_exhaustive()
    }
}

impl<C> SqlBuilder<C> {
    /// A builder over the client part `client`, with the defaults.
    pub(crate) fn for_client(client: C) -> Self {
        Self {
            client,
            settings: Settings::default(),
        }
    }

    /// How `db.query.text` is recorded (default [`QueryText::Sanitized`]: a query with
    /// bind values as written, one without with its literals replaced).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
    ///     .query_text(otel_kit_db::QueryText::Off)
    ///     .build();
    /// # drop(pool);
    /// # Ok(())
    /// # }
    /// ```
    pub fn query_text(mut self, mode: QueryText) -> Self {
        self.settings.options.query_text.set(mode);
        self
    }

    /// Sets `db.system.name` instead of the one the client gives (the sqlx driver's, or
    /// a MySQL server's answer; `postgresql` for tokio-postgres; the URL's scheme for
    /// diesel): for a server that speaks another's protocol, such as `cockroachdb` over
    /// PostgreSQL's, or `mariadb` behind diesel's `mysql://` URL (its hook cannot ask the
    /// server).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::PgPool::connect_lazy("postgres://root@crdb:26257/bank").unwrap())
    ///     .system_name("cockroachdb")
    ///     .build();
    /// assert_eq!(pool.system_name(), "cockroachdb");
    /// # }
    /// ```
    pub fn system_name(mut self, system: &'static str) -> Self {
        self.settings.options.system_name = Some(system);
        self
    }

    /// Sends spans, metrics and exception events to `providers` instead of the globals
    /// (each one not given in `providers` is still read from its global). Either way
    /// they are resolved when operations run, not when the client is wrapped, so the
    /// order of set-up does not matter.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_db::{InstrumentedPool, Providers};
    ///
    /// let pool = InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
    ///     .providers(Providers::new().tracer_provider(SdkTracerProvider::default()))
    ///     .build();
    /// # drop(pool);
    /// # Ok(())
    /// # }
    /// ```
    pub fn providers(mut self, providers: Providers) -> Self {
        self.settings.providers = providers;
        self
    }

    /// The client part and the settings, for the client's build method.
    pub(crate) fn into_parts(self) -> (C, Settings) {
        (self.client, self.settings)
    }
}

#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "tokio-postgres"
))]
impl<C: ReturnsRows> SqlBuilder<C> {
    /// Records `db.response.returned_rows` (opt-in in the conventions; off by default).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
    ///     .returned_rows(true)
    ///     .build();
    /// # drop(pool);
    /// # Ok(())
    /// # }
    /// ```
    pub fn returned_rows(mut self, on: bool) -> Self {
        self.settings.options.returned_rows = on;
        self
    }
}

#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "deadpool-postgres"
))]
impl<C: Pooled> SqlBuilder<C> {
    /// `db.client.connection.pool.name` (default `address:port/database`, or the SQLite
    /// file name; a second unnamed pool alive on the same database gets `#2` after it).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
    ///     .pool_name("sessions")
    ///     .build();
    /// assert_eq!(pool.pool_name(), "sessions");
    /// # Ok(())
    /// # }
    /// ```
    pub fn pool_name(mut self, name: impl Into<String>) -> Self {
        self.settings.options.pool_name = Some(name.into());
        self
    }
}

impl Settings {
    /// The instrumentation these settings give the client at `endpoint`; `asks_server`:
    /// whether the server is to be asked which system it is (see `sqlx/detection.rs`).
    pub(crate) fn instrumentation<F: Frontend>(
        self,
        endpoint: Endpoint,
        asks_server: bool,
    ) -> Arc<Instrumentation<F>> {
        Arc::new(Instrumentation::new(
            endpoint,
            self.options,
            self.providers,
            asks_server,
        ))
    }

    /// Names a pool left unnamed apart from the other pools on the same database; the
    /// lease holds the name while the pool lives.
    #[cfg(any(
        feature = "postgres",
        feature = "mysql",
        feature = "sqlite",
        feature = "deadpool-postgres"
    ))]
    pub(crate) fn name_pool(&mut self, endpoint: &Endpoint) -> Option<crate::pool_metrics::PoolNameLease> {
        self.options.pool_name.is_none().then(|| {
            let lease = crate::pool_metrics::PoolNameLease::take(endpoint.pool_name());
            self.options.pool_name = Some(lease.name().to_owned());
            lease
        })
    }
}
