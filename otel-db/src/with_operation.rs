//! [`WithOperation`]: an instrumented executor that runs its query with an
//! [`DbOperation`] the caller gave.

use crate::sql_core::operation::DbOperation;

/// An executor whose query is recorded with the caller's [`DbOperation`]: made by
/// [`InstrumentedPool::with_operation`](crate::InstrumentedPool::with_operation) (`E`
/// is `&InstrumentedPool`) and
/// [`InstrumentedConnection::with_operation`](crate::InstrumentedConnection::with_operation)
/// (`E` is `&mut InstrumentedConnection`, also reached from a transaction). It is a
/// [`sqlx::Executor`] for one operation, as `&pool` and `&mut *tx` are; `prepare` and
/// `describe` go to `E` untraced, as theirs do.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// use otel_kit_db::DbOperation;
///
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// let mut tx = pool.begin().await?;
/// sqlx::query("CREATE TEMP TABLE stock (sku TEXT, n INTEGER)").execute(&mut *tx).await?;
/// sqlx::query("UPDATE stock SET n = n - 1 WHERE sku = ?1")
///     .bind("a")
///     .execute(tx.with_operation(DbOperation::new().name("take").collection("stock")))
///     .await?;
/// tx.commit().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WithOperation<E> {
    pub(crate) inner: E,
    pub(crate) operation: DbOperation,
}

impl<E> WithOperation<E> {
    pub(crate) fn new(inner: E, operation: DbOperation) -> Self {
        Self { inner, operation }
    }
}
