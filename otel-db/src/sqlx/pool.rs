//! [`InstrumentedPool`]: a sqlx pool whose every operation is traced and measured.

use std::fmt;
use std::sync::Arc;

use sqlx::Pool;

use super::connection::{InstrumentedConnection, InstrumentedPoolConnection, InstrumentedTransaction};
use super::database::InstrumentedDatabase;
use super::detection::detect;
use super::frontend::Sqlx;
use super::traced::traced_step;
use crate::pool_metrics;
use crate::sql_core::builder::{Pooled, ReturnsRows, SqlBuilder};
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::operation::DbOperation;
use crate::with_operation::WithOperation;

/// Wraps `pool` with the default settings: sanitised query text, no returned-rows
/// count, no SQL commenter, the pool named `address:port/database`.
///
/// Use `&pool` wherever sqlx takes an executor. It may be called before or after
/// `otel_kit_init::init()`: the global providers are read per operation (a thread picks up
/// globals set later at its next operation), unless the builder was given its own
/// (`providers`).
///
/// ```no_run
/// # async fn run() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::PgPool::connect("postgres://localhost/app").await?);
/// let rows = sqlx::query("SELECT id FROM users WHERE active").fetch_all(&pool).await?;
/// let mut tx = pool.begin().await?;
/// sqlx::query("UPDATE users SET seen = now()").execute(&mut *tx).await?;
/// tx.commit().await?;
/// # drop(rows);
/// # Ok(())
/// # }
/// ```
pub fn instrument<DB: InstrumentedDatabase>(pool: Pool<DB>) -> InstrumentedPool<DB> {
    InstrumentedPool::builder(pool).build()
}

/// A sqlx [`Pool`] that emits one CLIENT span and one `db.client.operation.duration`
/// measurement per operation, and reports the pool's connection counts.
///
/// `&InstrumentedPool<DB>` is a [`sqlx::Executor`], so `sqlx::query(..)`,
/// `query_as`, `query_scalar` and the `query!` macros take it where they took `&Pool`.
/// [`begin`](Self::begin) and [`acquire`](Self::acquire) return wrappers that are
/// executors too (`&mut *tx`, `&mut *conn`, as with sqlx). Cloning is cheap and shares
/// the pool.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let (n,): (i64,) = sqlx::query_as("SELECT 40 + 2").fetch_one(&pool).await?;
/// assert_eq!(n, 42);
/// # Ok(())
/// # }
/// ```
pub struct InstrumentedPool<DB: InstrumentedDatabase> {
    shared: Arc<Shared<DB>>,
}

pub(crate) struct Shared<DB: InstrumentedDatabase> {
    pub(crate) pool: Pool<DB>,
    pub(crate) instrumentation: Arc<Instrumentation<Sqlx>>,
    /// The default pool name this pool holds while it lives.
    _name_lease: Option<pool_metrics::PoolNameLease>,
}

impl<DB: InstrumentedDatabase> Clone for InstrumentedPool<DB> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<DB: InstrumentedDatabase> fmt::Debug for InstrumentedPool<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedPool")
            .field("pool", &self.shared.pool)
            .field("instrumentation", &self.shared.instrumentation)
            .finish()
    }
}

impl<DB: InstrumentedDatabase> InstrumentedPool<DB> {
    /// A builder to choose what is recorded; see [`InstrumentBuilder`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use otel_kit_db::{InstrumentedPool, QueryText};
    ///
    /// let pool = InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
    ///     .pool_name("cache")
    ///     .query_text(QueryText::Off)
    ///     .build();
    /// assert_eq!(pool.pool_name(), "cache");
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder(pool: Pool<DB>) -> InstrumentBuilder<DB> {
        SqlBuilder::for_client(pool)
    }

    /// The wrapped pool, for what this wrapper does not offer (its operations are not
    /// traced).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// assert!(pool.pool().size() <= pool.pool().options().get_max_connections());
    /// # Ok(())
    /// # }
    /// ```
    pub fn pool(&self) -> &Pool<DB> {
        &self.shared.pool
    }

    /// `db.client.connection.pool.name` of this pool's metrics.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = otel_kit_db::instrument(sqlx::PgPool::connect_lazy("postgres://u:secret@db.internal:6432/app").unwrap());
    /// assert_eq!(pool.pool_name(), "db.internal:6432/app"); // never the password
    /// # }
    /// ```
    pub fn pool_name(&self) -> &str {
        self.shared.instrumentation.pool_name.as_str()
    }

    /// `db.system.name` as currently known: for a MySQL pool, `mariadb` once the
    /// server has been asked (on the first operation).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// assert_eq!(pool.system_name(), "sqlite");
    /// # Ok(())
    /// # }
    /// ```
    pub fn system_name(&self) -> &'static str {
        self.shared.instrumentation.system()
    }

    /// An executor for one query that records `operation` on its span and duration
    /// measurement: `db.operation.name` and `db.collection.name`, which the conventions
    /// say must not be parsed from the SQL, and a summary (see [`DbOperation`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use otel_kit_db::DbOperation;
    ///
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// let op = DbOperation::new().name("SELECT").collection("users");
    /// let n: i64 = sqlx::query_scalar("SELECT 40 + 2").fetch_one(pool.with_operation(op)).await?;
    /// assert_eq!(n, 42);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_operation(&self, operation: DbOperation) -> WithOperation<&Self> {
        WithOperation::new(self, operation)
    }

    /// Takes a connection from the pool; `&mut *conn` is a traced executor.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// let mut conn = pool.acquire().await?;
    /// sqlx::query("CREATE TEMP TABLE t (x)").execute(&mut *conn).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn acquire(&self) -> Result<InstrumentedPoolConnection<DB>, sqlx::Error> {
        let mut connection = self.shared.pool.acquire().await?;
        detect::<DB>(&self.shared.instrumentation, &mut connection).await;
        Ok(InstrumentedPoolConnection::new(InstrumentedConnection::new(
            connection,
            Arc::clone(&self.shared.instrumentation),
        )))
    }

    /// Begins a transaction (traced as `BEGIN`); `&mut *tx` is a traced executor and
    /// [`commit`](InstrumentedTransaction::commit) / `rollback` are traced too.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// let mut tx = pool.begin().await?;
    /// sqlx::query("SELECT 1").execute(&mut *tx).await?;
    /// tx.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn begin(&self) -> Result<InstrumentedTransaction<'static, DB>, sqlx::Error> {
        let instrumentation = &self.shared.instrumentation;
        if instrumentation.detection_pending() {
            let mut connection = self.shared.pool.acquire().await?;
            detect::<DB>(instrumentation, &mut connection).await;
        }
        let transaction = traced_step::<DB, _>(instrumentation, "BEGIN", self.shared.pool.begin()).await?;
        Ok(InstrumentedTransaction::new(InstrumentedConnection::new(
            transaction,
            Arc::clone(instrumentation),
        )))
    }

    /// Closes the pool (see [`Pool::close`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// pool.close().await;
    /// assert!(pool.pool().is_closed());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn close(&self) {
        self.shared.pool.close().await;
    }

    pub(crate) fn instrumentation(&self) -> &Arc<Instrumentation<Sqlx>> {
        &self.shared.instrumentation
    }
}

/// Chooses what an [`InstrumentedPool`] records: the [`SqlBuilder`] over a sqlx pool,
/// with its settings and, of its own, `sql_commenter`. Made by
/// [`InstrumentedPool::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
///     .returned_rows(true)
///     .sql_commenter(true)
///     .build();
/// # drop(pool);
/// # Ok(())
/// # }
/// ```
pub type InstrumentBuilder<DB> = SqlBuilder<Pool<DB>>;

impl<DB: sqlx::Database> ReturnsRows for Pool<DB> {}
impl<DB: sqlx::Database> Pooled for Pool<DB> {}

impl<DB: InstrumentedDatabase> InstrumentBuilder<DB> {
    /// Appends the span's trace context, as the pool's propagator injects it, to every
    /// query text sent to the database (off by default), so its logs can be joined to
    /// the trace: `/*traceparent='00-<trace id>-<span id>-<flags>'*/` with the W3C
    /// propagator, `tracestate` too when the trace has one; never baggage.
    /// Each commented text is unique, so such queries skip the connection's
    /// prepared-statement cache: a query with bind values is prepared on every call.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?)
    ///     .sql_commenter(true)
    ///     .build();
    /// # drop(pool);
    /// # Ok(())
    /// # }
    /// ```
    pub fn sql_commenter(mut self, on: bool) -> Self {
        self.settings.options.sql_commenter = on;
        self
    }

    /// Builds the pool wrapper and registers its connection-pool metrics.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::InstrumentedPool::builder(sqlx::SqlitePool::connect("sqlite::memory:").await?).build();
    /// # drop(pool);
    /// # Ok(())
    /// # }
    /// ```
    pub fn build(self) -> InstrumentedPool<DB> {
        let endpoint = DB::endpoint(&self.client.connect_options());
        let (pool, mut settings) = self.into_parts();
        // Named by default: apart from the other pools on the same database.
        let name_lease = settings.name_pool(&endpoint);
        let instrumentation = settings.instrumentation(endpoint, DB::ASKS_SERVER);
        let shared = Arc::new(Shared {
            pool,
            instrumentation,
            _name_lease: name_lease,
        });
        let weak = Arc::downgrade(&shared);
        let snapshot: pool_metrics::Snapshot = Arc::new(move || {
            let shared = weak.upgrade()?;
            let size = i64::from(shared.pool.size());
            let idle = i64::try_from(shared.pool.num_idle()).unwrap_or(size);
            let max = i64::from(shared.pool.options().get_max_connections());
            Some(pool_metrics::Counts {
                idle,
                used: (size - idle).max(0),
                max,
            })
        });
        let pool_name = shared.instrumentation.pool_attribute();
        shared
            .instrumentation
            .set_gauges(pool_metrics::gauges(pool_name, snapshot));
        InstrumentedPool { shared }
    }
}
