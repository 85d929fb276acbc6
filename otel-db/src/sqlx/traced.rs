//! The traced forms of what the executors run: a query's stream or future (the span
//! starts when the query is handed to the driver), and a fixed step (`BEGIN`, `COMMIT`,
//! `ROLLBACK`).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt as _};
use opentelemetry::Context;
use otel_kit_core::__private::call::{CallFuture, EndEarly as _};
use sqlx::{Database, Either, Execute};

use super::database::InstrumentedDatabase;
use super::failure::classify;
use super::frontend::Sqlx;
use super::stream::TracedStream;
use super::traced_query::TracedQuery;
use crate::sql_core::call::{Call, Outcome};
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::operation::DbOperation;
use crate::sql_core::statement::Statement;
use crate::sql_core::statement_cache;

/// What the driver runs, marked as the wrapper's for sqlx's statement log (which then
/// leaves it to the wrapper); as it is without that feature.
#[cfg(feature = "sqlx-statement-log")]
use super::statement_log::{OnWorker, wrapper_runs, wrapper_streams};
#[cfg(not(feature = "sqlx-statement-log"))]
fn wrapper_runs<T>(work: T, _: Option<OnWorker>) -> T {
    work
}
#[cfg(not(feature = "sqlx-statement-log"))]
fn wrapper_streams<T>(rows: T, _: Option<OnWorker>) -> T {
    rows
}
/// Without the statement log, nothing to leave to the wrapper.
#[cfg(not(feature = "sqlx-statement-log"))]
struct OnWorker;
#[cfg(not(feature = "sqlx-statement-log"))]
impl OnWorker {
    fn register(_on_worker: bool, _text: &str) -> Option<Self> {
        None
    }
}

type Rows<DB> = Either<<DB as Database>::QueryResult, <DB as Database>::Row>;

/// Starts the call for `query` (with what the caller said of it, `operation`) and
/// rebuilds the query for the driver.
fn start<'q, DB: InstrumentedDatabase, E: Execute<'q, DB>>(
    instrumentation: &Arc<Instrumentation<Sqlx>>,
    parent: &Context,
    operation: Option<&DbOperation>,
    query: E,
) -> (Call<Sqlx>, TracedQuery<DB>) {
    let (mut traced, has_binds) = TracedQuery::new(query);
    let mode = instrumentation.options.query_text.get();
    let sanitize = mode.sanitizes(has_binds);
    // Described once per text (per thread), not on every call.
    let statement = statement_cache::describe(traced.text(), DB::DIALECT, sanitize);
    let text = statement.query_text(mode, has_binds);
    let call = Call::start(instrumentation, parent, statement, operation, text);
    if instrumentation.options.sql_commenter
        && let Some(commented) = instrumentation.with(None, |resolved| {
            super::commenter::with_trace_context(traced.text(), call.context(), resolved)
        })
    {
        traced.replace_sql(commented);
    }
    (call, traced)
}

/// What an executor's traced query starts from: the executor's instrumentation, what
/// runs before the span starts (asking the server what it is), and what the caller
/// said of the query.
pub(crate) struct QueryStart<'e> {
    instrumentation: Arc<Instrumentation<Sqlx>>,
    before: Option<BoxFuture<'e, ()>>,
    operation: Option<DbOperation>,
}

impl<'e> QueryStart<'e> {
    pub(crate) fn new(
        instrumentation: &Arc<Instrumentation<Sqlx>>,
        before: Option<BoxFuture<'e, ()>>,
        operation: Option<DbOperation>,
    ) -> Self {
        Self {
            instrumentation: Arc::clone(instrumentation),
            before,
            operation,
        }
    }

    /// A traced `fetch_many`: `before` runs first, then the span starts and `run` gets
    /// the query.
    pub(crate) fn fetch_many<'q: 'e, DB, E, F>(
        self,
        query: E,
        run: F,
    ) -> BoxStream<'e, Result<Rows<DB>, sqlx::Error>>
    where
        DB: InstrumentedDatabase,
        E: 'q + Execute<'q, DB>,
        F: FnOnce(TracedQuery<DB>) -> BoxStream<'e, Result<Rows<DB>, sqlx::Error>> + Send + 'e,
    {
        let Self {
            instrumentation,
            before,
            operation,
        } = self;
        let parent = Context::current();
        match before {
            None => {
                let (call, traced) = start(&instrumentation, &parent, operation.as_ref(), query);
                let on_worker = OnWorker::register(DB::RUNS_ON_WORKER, traced.text());
                Box::pin(TracedStream::new(
                    wrapper_streams(run(traced), on_worker),
                    call,
                    classify::<DB>,
                ))
            }
            Some(before) => Box::pin(
                stream::once(async move {
                    before.await;
                    let (call, traced) = start(&instrumentation, &parent, operation.as_ref(), query);
                    let on_worker = OnWorker::register(DB::RUNS_ON_WORKER, traced.text());
                    TracedStream::new(wrapper_streams(run(traced), on_worker), call, classify::<DB>)
                })
                .flatten(),
            ),
        }
    }

    /// A traced `fetch_optional`.
    pub(crate) fn fetch_optional<'q: 'e, DB, E, F>(
        self,
        query: E,
        run: F,
    ) -> BoxFuture<'e, Result<Option<DB::Row>, sqlx::Error>>
    where
        DB: InstrumentedDatabase,
        E: 'q + Execute<'q, DB>,
        F: FnOnce(TracedQuery<DB>) -> BoxFuture<'e, Result<Option<DB::Row>, sqlx::Error>> + Send + 'e,
    {
        let Self {
            instrumentation,
            before,
            operation,
        } = self;
        let parent = Context::current();
        Box::pin(async move {
            if let Some(before) = before {
                before.await;
            }
            let (call, traced) = start(&instrumentation, &parent, operation.as_ref(), query);
            let on_worker = OnWorker::register(DB::RUNS_ON_WORKER, traced.text());
            // Ended in the span's context, where the duration is recorded.
            let mut running = std::pin::pin!(CallFuture::new(wrapper_runs(run(traced), on_worker), call));
            std::future::poll_fn(|task| {
                running.as_mut().poll_finish(task, |result, call| {
                    if let Some(call) = call {
                        match &result {
                            Ok(row) => call.finish(Outcome::Done {
                                rows: u64::from(row.is_some()),
                            }),
                            Err(error) => call.finish(Outcome::Failed(classify::<DB>(error))),
                        }
                    }
                    result
                })
            })
            .await
        })
    }
}

/// Wraps a non-query step (BEGIN, COMMIT, ROLLBACK) in a call named `name`.
pub(crate) async fn traced_step<DB, T>(
    instrumentation: &Arc<Instrumentation<Sqlx>>,
    name: &'static str,
    step: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error>
where
    DB: InstrumentedDatabase,
{
    let statement = Arc::new(Statement::step(name));
    let call = Call::start(instrumentation, &Context::current(), statement, None, None);
    // sqlx's SQLite worker logs no step: nothing to leave to the wrapper there.
    let step = wrapper_runs(step, None);
    let (result, call) = CallFuture::new(step, call).await;
    if let Some(call) = call {
        match &result {
            Ok(_) => call.finish(Outcome::Done { rows: 0 }),
            Err(error) => call.finish(Outcome::Failed(classify::<DB>(error))),
        }
    }
    result
}

/// A `ROLLBACK` span for a transaction dropped open, ended at once: sqlx runs the
/// rollback later, with the connection's next use.
pub(crate) fn implicit_rollback(instrumentation: &Arc<Instrumentation<Sqlx>>) {
    let statement = Arc::new(Statement::step("ROLLBACK"));
    Call::start(instrumentation, &Context::current(), statement, None, None)
        .finish(Outcome::Done { rows: 0 });
}
