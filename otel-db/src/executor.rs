//! The `sqlx::Executor` implementations: `&InstrumentedPool<DB>`,
//! `&mut InstrumentedConnection<...>` and `&mut InstrumentedTransaction<DB>` for each
//! database, and the [`WithOperation`](crate::WithOperation) of the pool and of a
//! connection, all built on two generic helpers that wrap the driver's stream or future.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt as _};
use opentelemetry::Context;
use otel_kit_core::call::{CallFuture, EndEarly as _};
use sqlx::{Database, Either, Execute};

use crate::call::{Call, Outcome};
use crate::database::InstrumentedDatabase;
use crate::instrumentation::Instrumentation;
use crate::operation::Operation;
use crate::options::QueryText;
use crate::outcome::classify;
use crate::statement::Statement;
use crate::statement_cache;
use crate::stream::TracedStream;
use crate::traced_query::TracedQuery;

type Rows<DB> = Either<<DB as Database>::QueryResult, <DB as Database>::Row>;

/// Starts the call for `query` (with what the caller said of it, `operation`) and
/// rebuilds the query for the driver.
fn start<'q, DB: InstrumentedDatabase, E: Execute<'q, DB>>(
    instrumentation: &Arc<Instrumentation>,
    parent: &Context,
    operation: Option<&Operation>,
    query: E,
) -> (Call, TracedQuery<DB>) {
    let (mut traced, has_binds) = TracedQuery::new(query);
    let mode = instrumentation.options.query_text;
    let sanitize = mode == QueryText::Sanitized && !has_binds;
    // Described once per text (per thread), not on every call.
    let statement = statement_cache::describe(traced.text(), DB::DIALECT, sanitize);
    let text = statement.query_text(mode, has_binds);
    let call = Call::start(instrumentation, parent, statement, operation, text);
    if instrumentation.options.sql_commenter
        && let Some(commented) = instrumentation.with(None, |resolved| {
            crate::commenter::with_trace_context(traced.text(), call.context(), resolved)
        })
    {
        traced.replace_sql(commented);
    }
    (call, traced)
}

/// A traced `fetch_many`: `before` (asking the server what it is) runs first, then the
/// span starts and `run` gets the query.
pub(crate) fn fetch_many<'e, 'q: 'e, DB, E, F>(
    instrumentation: &Arc<Instrumentation>,
    before: Option<BoxFuture<'e, ()>>,
    operation: Option<Operation>,
    query: E,
    run: F,
) -> BoxStream<'e, Result<Rows<DB>, sqlx::Error>>
where
    DB: InstrumentedDatabase,
    E: 'q + Execute<'q, DB>,
    F: FnOnce(TracedQuery<DB>) -> BoxStream<'e, Result<Rows<DB>, sqlx::Error>> + Send + 'e,
{
    let parent = Context::current();
    match before {
        None => {
            let (call, traced) = start(instrumentation, &parent, operation.as_ref(), query);
            Box::pin(TracedStream::new(run(traced), call, classify::<DB>))
        }
        Some(before) => {
            let instrumentation = Arc::clone(instrumentation);
            Box::pin(
                stream::once(async move {
                    before.await;
                    let (call, traced) = start(&instrumentation, &parent, operation.as_ref(), query);
                    TracedStream::new(run(traced), call, classify::<DB>)
                })
                .flatten(),
            )
        }
    }
}

/// A traced `fetch_optional`.
pub(crate) fn fetch_optional<'e, 'q: 'e, DB, E, F>(
    instrumentation: &Arc<Instrumentation>,
    before: Option<BoxFuture<'e, ()>>,
    operation: Option<Operation>,
    query: E,
    run: F,
) -> BoxFuture<'e, Result<Option<DB::Row>, sqlx::Error>>
where
    DB: InstrumentedDatabase,
    E: 'q + Execute<'q, DB>,
    F: FnOnce(TracedQuery<DB>) -> BoxFuture<'e, Result<Option<DB::Row>, sqlx::Error>> + Send + 'e,
{
    let parent = Context::current();
    let instrumentation = Arc::clone(instrumentation);
    Box::pin(async move {
        if let Some(before) = before {
            before.await;
        }
        let (call, traced) = start(&instrumentation, &parent, operation.as_ref(), query);
        let (result, call) = CallFuture::new(run(traced), call).await;
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
}

/// Wraps a non-query step (BEGIN, COMMIT, ROLLBACK) in a call named `name`.
pub(crate) async fn traced_step<DB, T>(
    instrumentation: &Arc<Instrumentation>,
    name: &'static str,
    step: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error>
where
    DB: InstrumentedDatabase,
{
    let statement = Arc::new(Statement::step(name));
    let call = Call::start(
        instrumentation,
        &Context::current(),
        statement,
        None,
        None,
    );
    let (result, call) = CallFuture::new(step, call).await;
    if let Some(call) = call {
        match &result {
            Ok(_) => call.finish(Outcome::Done { rows: 0 }),
            Err(error) => call.finish(Outcome::Failed(classify::<DB>(error))),
        }
    }
    result
}

/// `Executor` for `$target` over database `$db`. With `self` bound to `$this`:
/// `$instrumentation` is its instrumentation, `$before` what runs before the span
/// starts, `$operation` what the caller said of the query, and `$inner` the executor
/// the query is handed to (evaluated last, in the closure that runs the query).
macro_rules! impl_executor {
    (
        [$($generics:tt)*] $target:ty, $db:ty, |$this:ident|
        instrumentation: $instrumentation:expr,
        before: $before:expr,
        operation: $operation:expr,
        inner: $inner:expr $(,)?
    ) => {
        impl<$($generics)*> sqlx::Executor<'c> for $target {
            type Database = $db;

            fn fetch_many<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> futures_util::stream::BoxStream<
                'e,
                Result<sqlx::Either<<$db as sqlx::Database>::QueryResult, <$db as sqlx::Database>::Row>, sqlx::Error>,
            >
            where
                'c: 'e,
                E: 'q + sqlx::Execute<'q, $db>,
            {
                let $this = self;
                let instrumentation = std::sync::Arc::clone($instrumentation);
                let before = $before;
                let operation = $operation;
                $crate::executor::fetch_many(&instrumentation, before, operation, query, move |q| $inner.fetch_many(q))
            }

            fn fetch_optional<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> futures_util::future::BoxFuture<'e, Result<Option<<$db as sqlx::Database>::Row>, sqlx::Error>>
            where
                'c: 'e,
                E: 'q + sqlx::Execute<'q, $db>,
            {
                let $this = self;
                let instrumentation = std::sync::Arc::clone($instrumentation);
                let before = $before;
                let operation = $operation;
                $crate::executor::fetch_optional(&instrumentation, before, operation, query, move |q| {
                    $inner.fetch_optional(q)
                })
            }

            fn prepare_with<'e>(
                self,
                sql: sqlx::SqlStr,
                parameters: &'e [<$db as sqlx::Database>::TypeInfo],
            ) -> futures_util::future::BoxFuture<'e, Result<<$db as sqlx::Database>::Statement, sqlx::Error>>
            where
                'c: 'e,
            {
                let $this = self;
                $inner.prepare_with(sql, parameters)
            }

            // In the trait only with sqlx-core's `offline` feature, which every driver
            // feature of this crate turns on (with the driver's own `offline`, which
            // implements it): the trait then has it whether or not the application turns
            // on sqlx's `macros`, which enables it too. See "Cargo features" in lib.rs.
            fn describe<'e>(
                self,
                sql: sqlx::SqlStr,
            ) -> futures_util::future::BoxFuture<'e, Result<sqlx::Describe<$db>, sqlx::Error>>
            where
                'c: 'e,
            {
                let $this = self;
                $inner.describe(sql)
            }
        }
    };
}

macro_rules! impl_executors {
    ($db:ty) => {
        impl_executor!(
            ['c] &'c $crate::pool::InstrumentedPool<$db>, $db, |this|
            instrumentation: this.instrumentation(),
            before: $crate::pool::detection(this.instrumentation(), this.pool()),
            operation: None,
            inner: this.pool(),
        );
        impl_executor!(
            ['c, 't] &'c mut $crate::connection::InstrumentedConnection<sqlx::Transaction<'t, $db>>, $db, |this|
            instrumentation: this.instrumentation(),
            before: None,
            operation: None,
            inner: &mut **this.connection_mut(),
        );
        impl_executor!(
            ['c] &'c mut $crate::connection::InstrumentedConnection<sqlx::pool::PoolConnection<$db>>, $db, |this|
            instrumentation: this.instrumentation(),
            before: None,
            operation: None,
            inner: &mut **this.connection_mut(),
        );
        impl_executor!(
            ['c, 't] &'c mut $crate::connection::InstrumentedTransaction<'t, $db>, $db, |this|
            instrumentation: this.instrumentation(),
            before: None,
            operation: None,
            inner: &mut **this.connection_mut(),
        );
        impl_executor!(
            ['c] $crate::with_operation::WithOperation<&'c $crate::pool::InstrumentedPool<$db>>, $db, |this|
            instrumentation: this.inner.instrumentation(),
            before: $crate::pool::detection(this.inner.instrumentation(), this.inner.pool()),
            operation: Some(this.operation),
            inner: this.inner.pool(),
        );
        impl_executor!(
            ['c, 't] $crate::with_operation::WithOperation<
                &'c mut $crate::connection::InstrumentedConnection<sqlx::Transaction<'t, $db>>,
            >, $db, |this|
            instrumentation: this.inner.instrumentation(),
            before: None,
            operation: Some(this.operation),
            inner: &mut **this.inner.connection_mut(),
        );
        impl_executor!(
            ['c] $crate::with_operation::WithOperation<
                &'c mut $crate::connection::InstrumentedConnection<sqlx::pool::PoolConnection<$db>>,
            >, $db, |this|
            instrumentation: this.inner.instrumentation(),
            before: None,
            operation: Some(this.operation),
            inner: &mut **this.inner.connection_mut(),
        );
    };
}

#[cfg(feature = "postgres")]
impl_executors!(sqlx::Postgres);
#[cfg(feature = "mysql")]
impl_executors!(sqlx::MySql);
#[cfg(feature = "sqlite")]
impl_executors!(sqlx::Sqlite);
