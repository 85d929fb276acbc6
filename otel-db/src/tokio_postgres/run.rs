//! What every traced method of [`InstrumentedClient`] runs: the call started for its
//! statement, the driver's work run in the call's context, the call ended with the
//! outcome; each query method's driver call, with or without the caller's
//! [`DbOperation`]; and the fixed steps (`BEGIN`, `COMMIT`, `ROLLBACK`).

use std::future::Future;
use std::sync::Arc;

use opentelemetry::Context;
use otel_kit_core::__private::call::CallFuture;
use tokio_postgres::types::BorrowToSql;
use tokio_postgres::{Error, Row};

use super::as_client::{AsClient, sealed};
use super::client::InstrumentedClient;
use super::frontend::TokioPostgres;
use super::outcome::classify;
use super::row_stream::RowStream;
use super::statement::{Params, ToStatement, drive};
use crate::sql_core::call::{Call, Outcome};
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::operation::DbOperation;
use crate::sql_core::statement::Statement as Described;

impl<C: AsClient> InstrumentedClient<C> {
    pub(super) fn client(&self) -> &tokio_postgres::Client {
        sealed::Sealed::client(&self.inner)
    }

    /// Starts the call of `statement`, a child of the current context.
    fn start<T>(
        &self,
        operation: Option<&DbOperation>,
        statement: &T,
        has_params: bool,
    ) -> Call<TokioPostgres>
    where
        T: ToStatement + ?Sized,
    {
        let mode = self.instrumentation.options.query_text.get();
        let sanitize = mode.sanitizes(has_params);
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

    /// Runs the driver's call for `statement` that `work` makes, in a call started
    /// now, `rows` counting what it returned. Not an `async fn` (nor are the methods
    /// below): it is called from one, whose first poll is the call's start, and a layer
    /// more would only add a copy.
    pub(super) fn run<T, R, W>(
        &self,
        operation: Option<&DbOperation>,
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

    /// `Client::query` for [`InstrumentedClient::query`] and its operation's.
    pub(super) fn query_with<T>(
        &self,
        operation: Option<&DbOperation>,
        statement: &T,
        params: Params<'_>,
    ) -> impl Future<Output = Result<Vec<Row>, Error>>
    where
        T: ToStatement + ?Sized,
    {
        let work = move || drive!(self.client(), statement.driver(), query(params));
        self.run(
            operation,
            statement,
            !params.is_empty(),
            work,
            |rows: &Vec<Row>| rows.len() as u64,
        )
    }

    /// `Client::query_one` for [`InstrumentedClient::query_one`] and its operation's.
    pub(super) fn query_one_with<T>(
        &self,
        operation: Option<&DbOperation>,
        statement: &T,
        params: Params<'_>,
    ) -> impl Future<Output = Result<Row, Error>>
    where
        T: ToStatement + ?Sized,
    {
        let work = move || drive!(self.client(), statement.driver(), query_one(params));
        self.run(operation, statement, !params.is_empty(), work, |_: &Row| 1)
    }

    /// `Client::query_opt` for [`InstrumentedClient::query_opt`] and its operation's.
    pub(super) fn query_opt_with<T>(
        &self,
        operation: Option<&DbOperation>,
        statement: &T,
        params: Params<'_>,
    ) -> impl Future<Output = Result<Option<Row>, Error>>
    where
        T: ToStatement + ?Sized,
    {
        let work = move || drive!(self.client(), statement.driver(), query_opt(params));
        self.run(
            operation,
            statement,
            !params.is_empty(),
            work,
            |row: &Option<Row>| u64::from(row.is_some()),
        )
    }

    /// `Client::execute` for [`InstrumentedClient::execute`] and its operation's.
    pub(super) fn execute_with<T>(
        &self,
        operation: Option<&DbOperation>,
        statement: &T,
        params: Params<'_>,
    ) -> impl Future<Output = Result<u64, Error>>
    where
        T: ToStatement + ?Sized,
    {
        let work = move || drive!(self.client(), statement.driver(), execute(params));
        self.run(operation, statement, !params.is_empty(), work, |_: &u64| 0)
    }

    pub(super) async fn query_raw_with<T, P, I>(
        &self,
        op: Option<&DbOperation>,
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

/// A step with a fixed name and no text (`BEGIN`, `COMMIT`, `ROLLBACK`), traced.
pub(super) async fn step<T>(
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
