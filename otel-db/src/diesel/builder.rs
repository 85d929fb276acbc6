//! [`DieselBuilder`]: what diesel connections record and where to, for one connection
//! ([`DieselBuilder::build`]) or every connection diesel establishes afterwards
//! ([`DieselBuilder::install_default`]).

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use otel_kit_core::Providers;

use super::config::Config;
use super::hook::DieselInstrumentation;
use crate::options::{Options, QueryText};

/// Settings for diesel connections' telemetry.
///
/// ```
/// use otel_kit_db::QueryText;
/// use otel_kit_db::diesel::DieselBuilder;
///
/// // One connection (`conn.set_instrumentation(hook)`), as MariaDB:
/// let hook = DieselBuilder::new()
///     .query_text(QueryText::Off)
///     .system_name("mariadb")
///     .build("mysql://app@db.internal/shop");
/// assert_eq!(hook.system_name(), Some("mariadb"));
/// ```
#[derive(Clone, Default)]
pub struct DieselBuilder {
    options: Options,
    providers: Providers,
}

impl std::fmt::Debug for DieselBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DieselBuilder")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl DieselBuilder {
    /// The defaults: sanitised query text, the global providers.
    ///
    /// ```
    /// let hook = otel_kit_db::diesel::DieselBuilder::new().build("app.db");
    /// assert_eq!(hook.system_name(), Some("sqlite"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// How `db.query.text` is recorded (default [`QueryText::Sanitized`]: a query with
    /// bind values as written, one without with its literals replaced).
    ///
    /// ```
    /// let builder = otel_kit_db::diesel::DieselBuilder::new().query_text(otel_kit_db::QueryText::Off);
    /// # drop(builder);
    /// ```
    pub fn query_text(mut self, mode: QueryText) -> Self {
        self.options.query_text.set(mode);
        self
    }

    /// Sets `db.system.name` instead of the one the URL's scheme gives: `mariadb` for a
    /// MariaDB server behind a `mysql://` URL (diesel's hook cannot ask the server), or
    /// `cockroachdb` behind a `postgres://` one.
    ///
    /// ```
    /// let hook = otel_kit_db::diesel::DieselBuilder::new()
    ///     .system_name("cockroachdb")
    ///     .build("postgres://root@crdb:26257/bank");
    /// assert_eq!(hook.system_name(), Some("cockroachdb"));
    /// ```
    pub fn system_name(mut self, system: &'static str) -> Self {
        self.options.system_name = Some(system);
        self
    }

    /// Sends spans and metrics to `providers` instead of the globals (each one not
    /// given is still read from its global, when queries run).
    ///
    /// ```
    /// use otel_kit_db::Providers;
    ///
    /// let builder = otel_kit_db::diesel::DieselBuilder::new().providers(Providers::new());
    /// # drop(builder);
    /// ```
    pub fn providers(mut self, providers: Providers) -> Self {
        self.providers = providers;
        self
    }

    /// The instrumentation of one connection established with `url` (read for the
    /// endpoint attributes only; never recorded), for
    /// `connection.set_instrumentation(...)`. Its connection attempt was before it: no
    /// connect span.
    ///
    /// ```no_run
    /// // `PgConnection` and `MysqlConnection` alike.
    /// use diesel::{Connection as _, SqliteConnection};
    ///
    /// let url = "app.db";
    /// let mut conn = SqliteConnection::establish(url)?;
    /// conn.set_instrumentation(otel_kit_db::diesel::DieselBuilder::new().build(url));
    /// # Ok::<(), diesel::ConnectionError>(())
    /// ```
    pub fn build(self, url: &str) -> DieselInstrumentation {
        let config = Arc::new(self.config());
        let connection = config.connection(url);
        DieselInstrumentation::new(config, Some(connection))
    }

    /// Makes every connection diesel establishes from now on (diesel's and
    /// diesel-async's `establish`, r2d2's and deadpool's pools) traced with these
    /// settings, connection attempt included (diesel's
    /// `set_default_instrumentation`). Connections already open are left alone.
    ///
    /// ```no_run
    /// // `PgConnection` and `MysqlConnection` alike.
    /// use diesel::{Connection as _, SqliteConnection};
    ///
    /// otel_kit_db::diesel::DieselBuilder::new().install_default()?;
    /// let conn = SqliteConnection::establish("app.db")?;
    /// # drop(conn);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn install_default(self) -> diesel::QueryResult<()> {
        *DEFAULT.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(self.config()));
        diesel::connection::set_default_instrumentation(default_instrumentation)
    }

    fn config(self) -> Config {
        Config {
            options: self.options,
            providers: self.providers,
            targets: Mutex::new(Vec::new()),
        }
    }
}

/// The settings [`DieselBuilder::install_default`] installed.
static DEFAULT: RwLock<Option<Arc<Config>>> = RwLock::new(None);

fn default_instrumentation() -> Option<Box<dyn diesel::connection::Instrumentation>> {
    let config = DEFAULT.read().unwrap_or_else(PoisonError::into_inner).clone()?;
    Some(Box::new(DieselInstrumentation::new(config, None)))
}
