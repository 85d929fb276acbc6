//! [`InstrumentedClient`]: a tokio-postgres client, transaction or pooled client whose
//! queries are traced. Each query method is written out here and runs its driver call
//! in `run.rs`; the same methods with an [`DbOperation`] are in
//! `with_operation.rs`, `BEGIN`, `COMMIT` and `ROLLBACK` in `transaction.rs`.

use std::fmt;
use std::sync::Arc;

use tokio_postgres::types::{BorrowToSql, Type};
use tokio_postgres::{Error, Row};

use super::as_client::AsClient;
use super::frontend::TokioPostgres;
use super::row_stream::RowStream;
use super::statement::{Params, Statement, ToStatement};
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::operation::DbOperation;
use crate::with_operation::WithOperation;

/// A tokio-postgres client (`C`: a `tokio_postgres::Client`, a transaction, a pooled
/// client) that emits one CLIENT span and one `db.client.operation.duration`
/// measurement per query, as the sqlx pool wrapper does. Made by
/// [`instrument`](super::instrument), [`InstrumentedClient::builder`],
/// [`InstrumentedClient::transaction`] and (feature `deadpool-postgres`)
/// [`InstrumentedDeadpool::get`](super::InstrumentedDeadpool::get).
///
/// ```no_run
/// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
/// let n: i64 = client.query_one("SELECT count(*) FROM users", &[]).await?.get(0);
/// client.execute("UPDATE users SET seen = now() WHERE id = $1", &[&7_i64]).await?;
/// # drop(n);
/// # Ok(())
/// # }
/// ```
pub struct InstrumentedClient<C = tokio_postgres::Client> {
    pub(super) inner: C,
    pub(super) instrumentation: Arc<Instrumentation<TokioPostgres>>,
}

impl<C> fmt::Debug for InstrumentedClient<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedClient")
            .field("instrumentation", &self.instrumentation)
            .finish_non_exhaustive()
    }
}

impl<C> InstrumentedClient<C> {
    pub(super) fn new(inner: C, instrumentation: Arc<Instrumentation<TokioPostgres>>) -> Self {
        Self {
            inner,
            instrumentation,
        }
    }

    /// The wrapped client, for what this wrapper does not offer (its operations are
    /// not traced).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// client.get_ref().check_connection().await?; // untraced
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &C {
        &self.inner
    }

    /// The wrapped client, mutably (its operations are not traced).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// # let mut client = client;
    /// client.get_mut().clear_type_cache(); // untraced
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut C {
        &mut self.inner
    }

    /// The wrapped client; nothing more is traced.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let plain: tokio_postgres::Client = client.into_inner();
    /// # drop(plain);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> C {
        self.inner
    }

    /// `db.system.name`: `postgresql`, or the builder's.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// assert_eq!(client.system_name(), "postgresql");
    /// # Ok(())
    /// # }
    /// ```
    pub fn system_name(&self) -> &'static str {
        self.instrumentation.system()
    }

    #[cfg(feature = "deadpool-postgres")]
    pub(super) fn instrumentation(&self) -> &Arc<Instrumentation<TokioPostgres>> {
        &self.instrumentation
    }

    /// Methods for one query that record `operation` on its span and duration
    /// measurement: `db.operation.name` and `db.collection.name`, which the
    /// conventions say must not be parsed from the SQL, and a summary (see
    /// [`DbOperation`]).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// use otel_kit_db::DbOperation;
    ///
    /// let op = DbOperation::new().name("find_user").collection("users");
    /// let user = client.with_operation(op).query_opt("SELECT * FROM users WHERE id = $1", &[&7_i64]).await?;
    /// # drop(user);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_operation(&self, operation: DbOperation) -> WithOperation<&Self> {
        WithOperation::new(self, operation)
    }
}

/// The traced query methods, each one call of the driver's method of the same name.
impl<C: AsClient> InstrumentedClient<C> {
    /// Runs a query and returns its rows, in a span (`Client::query`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let rows = client.query("SELECT id, email FROM users WHERE id > $1", &[&10_i64]).await?; // `SELECT users`
    /// # drop(rows);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn query<T>(&self, statement: &T, params: Params<'_>) -> Result<Vec<Row>, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.query_with(None, statement, params).await
    }

    /// Runs a query that returns exactly one row (`Client::query_one`); another count
    /// is an error (`error.type` `row_count`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let n: i64 = client.query_one("SELECT count(*) FROM users", &[]).await?.get(0);
    /// # drop(n);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn query_one<T>(&self, statement: &T, params: Params<'_>) -> Result<Row, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.query_one_with(None, statement, params).await
    }

    /// Runs a query that returns at most one row (`Client::query_opt`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let user = client.query_opt("SELECT * FROM users WHERE id = $1", &[&7_i64]).await?;
    /// # drop(user);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn query_opt<T>(&self, statement: &T, params: Params<'_>) -> Result<Option<Row>, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.query_opt_with(None, statement, params).await
    }

    /// Runs a statement and returns the number of rows it changed (`Client::execute`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let changed = client.execute("UPDATE users SET seen = now() WHERE id = $1", &[&7_i64]).await?;
    /// # drop(changed);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute<T>(&self, statement: &T, params: Params<'_>) -> Result<u64, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.execute_with(None, statement, params).await
    }

    /// Runs a query and streams its rows (`Client::query_raw`): the span ends when the
    /// stream ends, fails, or is dropped.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// use futures_util::TryStreamExt as _;
    ///
    /// let rows = client.query_raw("SELECT id FROM users WHERE id > $1", [10_i64]).await?;
    /// let ids: Vec<i64> = rows.map_ok(|row| row.get::<_, i64>(0)).try_collect().await?;
    /// # drop(ids);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn query_raw<T, P, I>(&self, statement: &T, params: I) -> Result<RowStream, Error>
    where
        T: ToStatement + ?Sized,
        P: BorrowToSql,
        I: IntoIterator<Item = P>,
        I::IntoIter: ExactSizeIterator,
    {
        self.query_raw_with(None, statement, params).await
    }

    /// Runs one or more statements separated by `;` with the simple query protocol
    /// (`Client::batch_execute`): one span, `db.operation.batch.size` for two or more,
    /// the text sanitised (it has no parameters, so its values are in it).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// client.batch_execute("DELETE FROM sessions WHERE expired; VACUUM sessions").await?; // `BATCH`
    /// # Ok(())
    /// # }
    /// ```
    pub async fn batch_execute(&self, query: &str) -> Result<(), Error> {
        self.run(None, query, false, || self.client().batch_execute(query), |_| 0)
            .await
    }

    /// Prepares a statement (`Client::prepare`), untraced, as the sqlx wrapper leaves
    /// preparing: the [`Statement`] carries the text's description, so its executions
    /// are named and recorded like the text.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let by_id = client.prepare("SELECT email FROM users WHERE id = $1").await?;
    /// let row = client.query_one(&by_id, &[&7_i64]).await?; // `SELECT users`
    /// # drop(row);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn prepare(&self, query: &str) -> Result<Statement, Error> {
        let inner = self.client().prepare(query).await?;
        Ok(Statement::new(inner, query))
    }

    /// [`prepare`](Self::prepare) with parameter types (`Client::prepare_typed`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// use tokio_postgres::types::Type;
    ///
    /// let insert = client.prepare_typed("INSERT INTO audit (n) VALUES ($1)", &[Type::INT8]).await?;
    /// client.execute(&insert, &[&1_i64]).await?; // `INSERT audit`
    /// # Ok(())
    /// # }
    /// ```
    pub async fn prepare_typed(&self, query: &str, types: &[Type]) -> Result<Statement, Error> {
        let inner = self.client().prepare_typed(query, types).await?;
        Ok(Statement::new(inner, query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokio_postgres::InstrumentedTransaction;

    /// Compiles only if every traced future is `Send` (a server spawns them on tokio's
    /// multi-threaded runtime) and the wrappers are `Send + Sync`.
    #[test]
    fn the_futures_are_send_and_the_wrappers_send_and_sync() {
        fn send<T: Send>(_: &T) {}
        fn send_sync<T: Send + Sync>() {}
        #[allow(dead_code, clippy::let_underscore_future)]
        async fn futures(mut client: InstrumentedClient, statement: Statement) {
            send(&client.query("SELECT 1", &[]));
            send(&client.query_one(&statement, &[&1_i64]));
            send(&client.with_operation(DbOperation::new()).execute("SELECT 1", &[]));
            send(&client.query_raw("SELECT 1", Vec::<i64>::new()));
            send(&client.batch_execute("SELECT 1"));
            send(&client.prepare("SELECT 1"));
            let transaction = client.transaction();
            send(&transaction);
            if let Ok(tx) = transaction.await {
                send(&tx.commit());
            }
        }
        send_sync::<InstrumentedClient>();
        send_sync::<InstrumentedTransaction<'static>>();
        send_sync::<Statement>();
        send_sync::<RowStream>();
    }
}

#[cfg(test)]
mod future_size {
    use super::*;

    fn size<'a, Fut>(_: impl FnOnce(&'a InstrumentedClient, &'a Statement) -> Fut) -> usize {
        std::mem::size_of::<Fut>()
    }

    /// The driver's future is held once: passed made into an `async fn` it was held
    /// twice (2,600 bytes against the driver's 1,100), and copied on every query.
    #[test]
    fn a_traced_future_holds_the_drivers_once() {
        let bare = size(|c, s| c.get_ref().query_one(s.statement(), &[]));
        let wrapped = size(|c, s| c.query_one(s, &[]));
        let bare_text = size(|c, _| c.get_ref().query("SELECT 1", &[]));
        let text = size(|c, _| c.query("SELECT 1", &[]));
        assert!(
            wrapped <= bare + 512,
            "{wrapped} bytes against the driver's {bare}"
        );
        assert!(
            text <= bare_text + 512,
            "{text} bytes against the driver's {bare_text}"
        );
    }
}
