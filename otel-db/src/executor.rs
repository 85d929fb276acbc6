//! The `sqlx::Executor` implementations: `&InstrumentedPool<DB>`,
//! `&mut InstrumentedConnection<...>` and `&mut InstrumentedTransaction<DB>` for each
//! database, all built on two generic helpers that wrap the driver's stream or future.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt as _};
use opentelemetry::Context;
use otel_kit_core::call::{CallFuture, EndEarly as _};
use sqlx::{Database, Either, Execute};

use crate::call::{Call, Outcome};
use crate::database::InstrumentedDatabase;
use crate::instrumentation::Instrumentation;
use crate::options::QueryText;
use crate::outcome::classify;
use crate::statement::Statement;
use crate::statement_cache;
use crate::stream::TracedStream;
use crate::traced_query::TracedQuery;

type Rows<DB> = Either<<DB as Database>::QueryResult, <DB as Database>::Row>;

/// Starts the call for `query` and rebuilds the query for the driver.
fn start<'q, DB: InstrumentedDatabase, E: Execute<'q, DB>>(
    instrumentation: &Arc<Instrumentation>,
    parent: &Context,
    query: E,
) -> (Call, TracedQuery<DB>) {
    let (mut traced, has_binds) = TracedQuery::new(query);
    let mode = instrumentation.options.query_text;
    let sanitize = mode == QueryText::Sanitized && !has_binds;
    // Described once per text (per thread), not on every call.
    let statement = statement_cache::describe(traced.text(), DB::DIALECT, sanitize);
    let text = match mode {
        QueryText::Off => None,
        QueryText::Sanitized if has_binds => Some(statement.recorded_text().clone()),
        QueryText::Sanitized => Some(statement.sanitized().clone()),
    };
    let call = Call::start(instrumentation, parent, statement, text, classify::<DB>);
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
            let (call, traced) = start(instrumentation, &parent, query);
            Box::pin(TracedStream::new(run(traced), call))
        }
        Some(before) => {
            let instrumentation = Arc::clone(instrumentation);
            Box::pin(
                stream::once(async move {
                    before.await;
                    let (call, traced) = start(&instrumentation, &parent, query);
                    TracedStream::new(run(traced), call)
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
        let (call, traced) = start(&instrumentation, &parent, query);
        let (result, call) = CallFuture::new(run(traced), call).await;
        if let Some(call) = call {
            match &result {
                Ok(row) => call.finish(Outcome::Done {
                    rows: u64::from(row.is_some()),
                }),
                Err(error) => call.finish(Outcome::Failed(error)),
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
        classify::<DB>,
    );
    let (result, call) = CallFuture::new(step, call).await;
    if let Some(call) = call {
        match &result {
            Ok(_) => call.finish(Outcome::Done { rows: 0 }),
            Err(error) => call.finish(Outcome::Failed(error)),
        }
    }
    result
}

/// `Executor` for `$target` over database `$db`, where `$conn(self)` is the executor
/// the query is handed to and `$before(self)` what runs before the span starts.
macro_rules! impl_executor {
    ([$($generics:tt)*] $target:ty, $db:ty, |$this:ident| $inner:expr, $before:expr) => {
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
                let instrumentation = std::sync::Arc::clone($this.instrumentation());
                let before = $before;
                $crate::executor::fetch_many(&instrumentation, before, query, move |q| $inner.fetch_many(q))
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
                let instrumentation = std::sync::Arc::clone($this.instrumentation());
                let before = $before;
                $crate::executor::fetch_optional(&instrumentation, before, query, move |q| $inner.fetch_optional(q))
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
            ['c] &'c $crate::pool::InstrumentedPool<$db>, $db,
            |this| this.pool(),
            $crate::pool::detection(this.instrumentation(), this.pool())
        );
        impl_executor!(
            ['c, 't] &'c mut $crate::connection::InstrumentedConnection<sqlx::Transaction<'t, $db>>, $db,
            |this| &mut **this.connection_mut(),
            None
        );
        impl_executor!(
            ['c] &'c mut $crate::connection::InstrumentedConnection<sqlx::pool::PoolConnection<$db>>, $db,
            |this| &mut **this.connection_mut(),
            None
        );
        impl_executor!(
            ['c, 't] &'c mut $crate::connection::InstrumentedTransaction<'t, $db>, $db,
            |this| &mut **this.connection_mut(),
            None
        );
    };
}

#[cfg(feature = "postgres")]
impl_executors!(sqlx::Postgres);
#[cfg(feature = "mysql")]
impl_executors!(sqlx::MySql);
#[cfg(feature = "sqlite")]
impl_executors!(sqlx::Sqlite);
