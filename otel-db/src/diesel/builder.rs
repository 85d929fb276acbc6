//! [`DieselBuilder`]: what diesel connections record and where to, for one connection
//! ([`DieselBuilder::build`]) or every connection diesel establishes afterwards
//! ([`DieselBuilder::install_default`]).

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use super::config::Config;
use super::hook::DieselInstrumentation;
use crate::sql_core::builder::SqlBuilder;

/// Settings for diesel connections' telemetry: the [`SqlBuilder`] over diesel's
/// connections, with its settings, and of its own the hook for one connection
/// ([`build`](DieselBuilder::build)) or the default of every new one
/// ([`install_default`](DieselBuilder::install_default)).
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
pub type DieselBuilder = SqlBuilder<DieselConnections>;

/// diesel's part of its builder: none beyond the shared settings (each connection's
/// URL is given to `build`, or read by the default hook).
#[derive(Debug, Clone, Copy, Default)]
pub struct DieselConnections;

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
            settings: self.into_parts().1,
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
