//! Connections taken from an instrumented pool: [`InstrumentedConnection`] is the
//! traced executor (`&mut *conn`, `&mut *tx`), [`InstrumentedPoolConnection`] and
//! [`InstrumentedTransaction`] own it the way sqlx's `PoolConnection` and
//! `Transaction` own a connection.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::Transaction;
use sqlx::pool::PoolConnection;

use super::database::InstrumentedDatabase;
use super::frontend::Sqlx;
use super::traced::traced_step;
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::operation::DbOperation;
use crate::with_operation::WithOperation;

/// A connection (`C` is a `sqlx::pool::PoolConnection` or a `sqlx::Transaction`)
/// whose queries are traced: `&mut InstrumentedConnection<C>` is a [`sqlx::Executor`].
/// Reached through `&mut *conn` or `&mut *tx`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let mut tx = pool.begin().await?;
/// let one: i64 = sqlx::query_scalar("SELECT 1").fetch_one(&mut *tx).await?;
/// assert_eq!(one, 1);
/// # Ok(())
/// # }
/// ```
pub struct InstrumentedConnection<C> {
    connection: C,
    instrumentation: Arc<Instrumentation<Sqlx>>,
}

impl<C> fmt::Debug for InstrumentedConnection<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedConnection")
            .field("instrumentation", &self.instrumentation)
            .finish_non_exhaustive()
    }
}

impl<C> InstrumentedConnection<C> {
    pub(crate) fn new(connection: C, instrumentation: Arc<Instrumentation<Sqlx>>) -> Self {
        Self {
            connection,
            instrumentation,
        }
    }

    /// The sqlx connection or transaction, for what this wrapper does not offer (its
    /// operations are not traced).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use sqlx::Connection as _;
    ///
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// let mut conn = pool.acquire().await?;
    /// conn.connection_mut().ping().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn connection_mut(&mut self) -> &mut C {
        &mut self.connection
    }

    /// An executor for one query that records `operation` on its span and duration
    /// measurement (see [`DbOperation`]). Reached from a transaction too:
    /// `tx.with_operation(..)`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use otel_kit_db::DbOperation;
    ///
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// let mut conn = pool.acquire().await?;
    /// let n: i64 = sqlx::query_scalar("SELECT 2")
    ///     .fetch_one(conn.with_operation(DbOperation::new().summary("two")))
    ///     .await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_operation(&mut self, operation: DbOperation) -> WithOperation<&mut Self> {
        WithOperation::new(self, operation)
    }

    pub(crate) fn instrumentation(&self) -> &Arc<Instrumentation<Sqlx>> {
        &self.instrumentation
    }
}

/// A connection taken from an [`crate::InstrumentedPool`]; returns to the pool when
/// dropped. `&mut *conn` is a traced executor.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let mut conn = pool.acquire().await?;
/// let n: i64 = sqlx::query_scalar("SELECT 2").fetch_one(&mut *conn).await?;
/// assert_eq!(n, 2);
/// # Ok(())
/// # }
/// ```
pub struct InstrumentedPoolConnection<DB: InstrumentedDatabase> {
    inner: InstrumentedConnection<PoolConnection<DB>>,
}

impl<DB: InstrumentedDatabase> fmt::Debug for InstrumentedPoolConnection<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<DB: InstrumentedDatabase> InstrumentedPoolConnection<DB> {
    pub(crate) fn new(inner: InstrumentedConnection<PoolConnection<DB>>) -> Self {
        Self { inner }
    }
}

impl<DB: InstrumentedDatabase> Deref for InstrumentedPoolConnection<DB> {
    type Target = InstrumentedConnection<PoolConnection<DB>>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl<DB: InstrumentedDatabase> DerefMut for InstrumentedPoolConnection<DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

/// `conn.as_mut()`, as with sqlx's own `PoolConnection`: the traced executor.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let mut conn = pool.acquire().await?;
/// let n: i64 = sqlx::query_scalar("SELECT 2").fetch_one(conn.as_mut()).await?;
/// assert_eq!(n, 2);
/// # Ok(())
/// # }
/// ```
impl<DB: InstrumentedDatabase> AsMut<InstrumentedConnection<PoolConnection<DB>>>
    for InstrumentedPoolConnection<DB>
{
    fn as_mut(&mut self) -> &mut InstrumentedConnection<PoolConnection<DB>> {
        &mut self.inner
    }
}

/// A transaction begun with [`crate::InstrumentedPool::begin`]. `&mut *tx`, `&mut tx`
/// and `tx.as_mut()` are traced executors, as with sqlx's `Transaction`; `commit` and `rollback` are traced as `COMMIT` and
/// `ROLLBACK`. Dropped without either, sqlx rolls it back (untraced).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let mut tx = pool.begin().await?;
/// sqlx::query("CREATE TEMP TABLE t (x)").execute(&mut *tx).await?;
/// tx.rollback().await?;
/// # Ok(())
/// # }
/// ```
pub struct InstrumentedTransaction<'t, DB: InstrumentedDatabase> {
    inner: InstrumentedConnection<Transaction<'t, DB>>,
    /// Marks a drop without `commit` or `rollback`, which sqlx rolls back.
    dropped_open: RollbackOnDrop,
}

/// A `ROLLBACK` span when an open transaction is dropped: sqlx rolls it back then (it
/// sends the `ROLLBACK` with the connection's next use, where no span of ours is), so
/// the trace would otherwise end at the transaction's last statement, as if it had
/// been kept. Disarmed by `commit` and `rollback`, which have spans of their own.
struct RollbackOnDrop {
    instrumentation: Option<Arc<Instrumentation<Sqlx>>>,
}

impl RollbackOnDrop {
    fn disarm(mut self) {
        self.instrumentation = None;
    }
}

impl Drop for RollbackOnDrop {
    fn drop(&mut self) {
        if let Some(instrumentation) = self.instrumentation.take() {
            super::traced::implicit_rollback(&instrumentation);
        }
    }
}

impl<DB: InstrumentedDatabase> fmt::Debug for InstrumentedTransaction<'_, DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<'t, DB: InstrumentedDatabase> InstrumentedTransaction<'t, DB> {
    pub(crate) fn new(inner: InstrumentedConnection<Transaction<'t, DB>>) -> Self {
        let dropped_open = RollbackOnDrop {
            instrumentation: Some(Arc::clone(&inner.instrumentation)),
        };
        Self { inner, dropped_open }
    }

    /// Commits, in a `COMMIT` span.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// pool.begin().await?.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.dropped_open.disarm();
        let InstrumentedConnection {
            connection,
            instrumentation,
        } = self.inner;
        traced_step::<DB, _>(&instrumentation, "COMMIT", connection.commit()).await
    }

    /// Rolls back, in a `ROLLBACK` span.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// pool.begin().await?.rollback().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.dropped_open.disarm();
        let InstrumentedConnection {
            connection,
            instrumentation,
        } = self.inner;
        traced_step::<DB, _>(&instrumentation, "ROLLBACK", connection.rollback()).await
    }

    pub(crate) fn connection_mut(&mut self) -> &mut Transaction<'t, DB> {
        &mut self.inner.connection
    }

    pub(crate) fn instrumentation(&self) -> &Arc<Instrumentation<Sqlx>> {
        &self.inner.instrumentation
    }
}

impl<'t, DB: InstrumentedDatabase> Deref for InstrumentedTransaction<'t, DB> {
    type Target = InstrumentedConnection<Transaction<'t, DB>>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl<DB: InstrumentedDatabase> DerefMut for InstrumentedTransaction<'_, DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

/// `tx.as_mut()`, as with sqlx's own `Transaction`: the traced executor.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let mut tx = pool.begin().await?;
/// sqlx::query("CREATE TEMP TABLE t (x)").execute(tx.as_mut()).await?;
/// tx.commit().await?;
/// # Ok(())
/// # }
/// ```
impl<'t, DB: InstrumentedDatabase> AsMut<InstrumentedConnection<Transaction<'t, DB>>>
    for InstrumentedTransaction<'t, DB>
{
    fn as_mut(&mut self) -> &mut InstrumentedConnection<Transaction<'t, DB>> {
        &mut self.inner
    }
}
