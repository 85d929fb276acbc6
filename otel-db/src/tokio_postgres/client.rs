//! [`InstrumentedClient`]: a tokio-postgres client, transaction or pooled client whose
//! queries are traced; the methods of one query given an [`Operation`]
//! ([`WithOperation`]); `BEGIN`, `COMMIT` and `ROLLBACK`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use opentelemetry::Context;
use otel_kit_core::call::CallFuture;
use tokio_postgres::types::{BorrowToSql, ToSql, Type};
use tokio_postgres::{Error, Row};

use super::TokioPostgres;
use super::builder::ClientBuilder;
use super::outcome::classify;
use super::row_stream::RowStream;
use super::statement::{Statement, ToStatement, drive};
use crate::call::{Call, Outcome};
use crate::instrumentation::Instrumentation;
use crate::operation::Operation;
use crate::statement::Statement as Described;
use crate::with_operation::WithOperation;

/// The parameters of a query, as tokio-postgres takes them.
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// A transaction begun with [`InstrumentedClient::transaction`]: the same traced
/// methods, and [`commit`](InstrumentedClient::commit) /
/// [`rollback`](InstrumentedClient::rollback) traced as `COMMIT` and `ROLLBACK`.
/// Dropped without either, tokio-postgres rolls it back (untraced).
pub type InstrumentedTransaction<'a> = InstrumentedClient<tokio_postgres::Transaction<'a>>;

/// What an [`InstrumentedClient`] can wrap: a `tokio_postgres::Client`, a
/// `tokio_postgres::Transaction`, and (feature `deadpool-postgres`) a
/// `deadpool_postgres::Object`. Sealed.
pub trait AsClient: sealed::Sealed {}

pub(super) mod sealed {
    /// The client the queries go to.
    pub trait Sealed {
        fn client(&self) -> &tokio_postgres::Client;
    }
}

impl AsClient for tokio_postgres::Client {}
impl sealed::Sealed for tokio_postgres::Client {
    fn client(&self) -> &tokio_postgres::Client {
        self
    }
}

impl AsClient for tokio_postgres::Transaction<'_> {}
impl sealed::Sealed for tokio_postgres::Transaction<'_> {
    fn client(&self) -> &tokio_postgres::Client {
        // A transaction's queries go to its client: BEGIN was sent on that connection.
        tokio_postgres::Transaction::client(self)
    }
}

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
    inner: C,
    instrumentation: Arc<Instrumentation<TokioPostgres>>,
}

impl<C> fmt::Debug for InstrumentedClient<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedClient")
            .field("instrumentation", &self.instrumentation)
            .finish_non_exhaustive()
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

    /// Begins a transaction, traced as `BEGIN`; the transaction's queries, `COMMIT` and
    /// `ROLLBACK` are traced too.
    ///
    /// ```no_run
    /// # async fn run(mut client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let tx = client.transaction().await?;
    /// tx.execute("DELETE FROM sessions WHERE expired", &[]).await?;
    /// tx.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction(&mut self) -> Result<InstrumentedTransaction<'_>, Error> {
        begin(&self.instrumentation, &mut self.inner).await
    }
}

/// `BEGIN` on `client`, traced.
pub(super) async fn begin<'a>(
    instrumentation: &Arc<Instrumentation<TokioPostgres>>,
    client: &'a mut tokio_postgres::Client,
) -> Result<InstrumentedTransaction<'a>, Error> {
    let transaction = step(instrumentation, "BEGIN", client.transaction()).await?;
    Ok(InstrumentedClient::new(transaction, Arc::clone(instrumentation)))
}

impl<'a> InstrumentedTransaction<'a> {
    /// Commits, in a `COMMIT` span.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// # let mut client = client;
    /// let tx = client.transaction().await?;
    /// tx.execute("INSERT INTO audit (note) VALUES ($1)", &[&"in"]).await?;
    /// tx.commit().await?; // `COMMIT`
    /// # Ok(())
    /// # }
    /// ```
    pub async fn commit(self) -> Result<(), Error> {
        step(&self.instrumentation, "COMMIT", self.inner.commit()).await
    }

    /// Rolls back, in a `ROLLBACK` span.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// # let mut client = client;
    /// let tx = client.transaction().await?;
    /// tx.execute("DELETE FROM audit", &[]).await?;
    /// tx.rollback().await?; // `ROLLBACK`: nothing deleted
    /// # Ok(())
    /// # }
    /// ```
    pub async fn rollback(self) -> Result<(), Error> {
        step(&self.instrumentation, "ROLLBACK", self.inner.rollback()).await
    }
}

/// A step with a fixed name and no text (`BEGIN`, `COMMIT`, `ROLLBACK`), traced.
async fn step<T>(
    instrumentation: &Arc<Instrumentation<TokioPostgres>>,
    name: &'static str,
    work: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let call = Call::start(
        instrumentation,
        &Context::current(),
        Arc::new(Described::step(name)),
        None,
        None,
    );
    traced(call, || work, |_| 0).await
}

/// Runs the work `start` makes (in `call`'s context) and ends the call with its
/// outcome, `rows` the rows it returned. The work is made here, not handed in made: a
/// future passed by value into an `async fn` is held twice (where it was made and
/// where it is awaited), which doubled the size of every query's future (2,600 bytes
/// against the driver's 1,100) and cost about 1,000 instructions a query in copies.
async fn traced<R, W>(
    call: Call<TokioPostgres>,
    start: impl FnOnce() -> W,
    rows: impl FnOnce(&R) -> u64,
) -> Result<R, Error>
where
    W: Future<Output = Result<R, Error>>,
{
    let (result, call) = CallFuture::start(call, start).await;
    if let Some(call) = call {
        match &result {
            Ok(value) => call.finish(Outcome::Done { rows: rows(value) }),
            Err(error) => call.finish(Outcome::Failed(classify(error))),
        }
    }
    result
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
    /// [`Operation`]).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// use otel_kit_db::Operation;
    ///
    /// let op = Operation::new().name("find_user").collection("users");
    /// let user = client.with_operation(op).query_opt("SELECT * FROM users WHERE id = $1", &[&7_i64]).await?;
    /// # drop(user);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_operation(&self, operation: Operation) -> WithOperation<&Self> {
        WithOperation::new(self, operation)
    }
}

/// The methods that take a statement and a slice of parameters, on the client and on
/// [`WithOperation`], each one call of the driver's method of the same name.
macro_rules! traced_methods {
    ($($(#[$doc:meta])* $name:ident -> $out:ty, rows: $rows:expr;)*) => {
        impl<C: AsClient> InstrumentedClient<C> {
            $(
                $(#[$doc])*
                pub async fn $name<T>(&self, statement: &T, params: Params<'_>) -> Result<$out, Error>
                where
                    T: ToStatement + ?Sized,
                {
                    let work = || drive!(self.client(), statement.driver(), $name(params));
                    self.run(None, statement, !params.is_empty(), work, $rows).await
                }
            )*
        }

        impl<C: AsClient> WithOperation<&InstrumentedClient<C>> {
            $(
                #[doc = concat!("[`InstrumentedClient::", stringify!($name), "`] with this operation.")]
                pub async fn $name<T>(&self, statement: &T, params: Params<'_>) -> Result<$out, Error>
                where
                    T: ToStatement + ?Sized,
                {
                    let work = || drive!(self.inner.client(), statement.driver(), $name(params));
                    let has_params = !params.is_empty();
                    self.inner.run(Some(&self.operation), statement, has_params, work, $rows).await
                }
            )*
        }
    };
}

traced_methods! {
    /// Runs a query and returns its rows, in a span (`Client::query`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let rows = client.query("SELECT id, email FROM users WHERE id > $1", &[&10_i64]).await?; // `SELECT users`
    /// # drop(rows);
    /// # Ok(())
    /// # }
    /// ```
    query -> Vec<Row>, rows: |rows: &Vec<Row>| rows.len() as u64;
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
    query_one -> Row, rows: |_: &Row| 1;
    /// Runs a query that returns at most one row (`Client::query_opt`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let user = client.query_opt("SELECT * FROM users WHERE id = $1", &[&7_i64]).await?;
    /// # drop(user);
    /// # Ok(())
    /// # }
    /// ```
    query_opt -> Option<Row>, rows: |row: &Option<Row>| u64::from(row.is_some());
    /// Runs a statement and returns the number of rows it changed (`Client::execute`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let changed = client.execute("UPDATE users SET seen = now() WHERE id = $1", &[&7_i64]).await?;
    /// # drop(changed);
    /// # Ok(())
    /// # }
    /// ```
    execute -> u64, rows: |_: &u64| 0;
}

impl<C: AsClient> InstrumentedClient<C> {
    fn client(&self) -> &tokio_postgres::Client {
        sealed::Sealed::client(&self.inner)
    }

    /// Starts the call of `statement`, a child of the current context.
    fn start<T>(&self, operation: Option<&Operation>, statement: &T, has_params: bool) -> Call<TokioPostgres>
    where
        T: ToStatement + ?Sized,
    {
        let mode = self.instrumentation.options.query_text;
        let sanitize = mode == crate::QueryText::Sanitized && !has_params;
        let described = statement.described(sanitize).0;
        let text = described.query_text(mode, has_params);
        Call::start(
            &self.instrumentation,
            &Context::current(),
            described,
            operation,
            text,
        )
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

    /// Runs the driver's call for `statement` that `work` makes, in a call started
    /// now, `rows` counting what it returned. Not an `async fn`: it is called from one,
    /// whose first poll is the call's start, and a layer more would only add a copy.
    fn run<T, R, W>(
        &self,
        operation: Option<&Operation>,
        statement: &T,
        has_params: bool,
        work: impl FnOnce() -> W,
        rows: impl FnOnce(&R) -> u64,
    ) -> impl Future<Output = Result<R, Error>>
    where
        T: ToStatement + ?Sized,
        W: Future<Output = Result<R, Error>>,
    {
        traced(self.start(operation, statement, has_params), work, rows)
    }

    async fn query_raw_with<T, P, I>(
        &self,
        op: Option<&Operation>,
        statement: &T,
        params: I,
    ) -> Result<RowStream, Error>
    where
        T: ToStatement + ?Sized,
        P: BorrowToSql,
        I: IntoIterator<Item = P>,
        I::IntoIter: ExactSizeIterator,
    {
        let params = params.into_iter();
        let call = self.start(op, statement, params.len() > 0);
        let work = || drive!(self.client(), statement.driver(), query_raw(params));
        let (result, call) = CallFuture::start(call, work).await;
        match (result, call) {
            (Ok(rows), Some(call)) => Ok(RowStream::new(rows, Some(call))),
            (Ok(rows), None) => Ok(RowStream::new(rows, None)),
            (Err(error), call) => {
                if let Some(call) = call {
                    call.finish(Outcome::Failed(classify(&error)));
                }
                Err(error)
            }
        }
    }
}

/// One query's methods with the caller's [`Operation`]; from
/// [`InstrumentedClient::with_operation`] (the others are made by `traced_methods!`).
impl<C: AsClient> WithOperation<&InstrumentedClient<C>> {
    /// [`InstrumentedClient::query_raw`] with this operation.
    pub async fn query_raw<T, P, I>(&self, statement: &T, params: I) -> Result<RowStream, Error>
    where
        T: ToStatement + ?Sized,
        P: BorrowToSql,
        I: IntoIterator<Item = P>,
        I::IntoIter: ExactSizeIterator,
    {
        self.inner
            .query_raw_with(Some(&self.operation), statement, params)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            send(&client.with_operation(Operation::new()).execute("SELECT 1", &[]));
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
