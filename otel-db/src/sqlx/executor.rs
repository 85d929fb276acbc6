//! The `sqlx::Executor` implementations: `&InstrumentedPool<DB>`,
//! `&mut InstrumentedConnection<...>` and `&mut InstrumentedTransaction<DB>` for each
//! database, and the [`WithOperation`](crate::WithOperation) of the pool and of a
//! connection, each handing the query to the traced forms in `traced.rs`. The trait's
//! methods are the same for every executor but for where the query goes; the macros
//! below write them out (trait impls only: they define no type and no method of their
//! own).

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
        impl<$($generics)*> ::sqlx::Executor<'c> for $target {
            type Database = $db;

            fn fetch_many<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> futures_util::stream::BoxStream<
                'e,
                Result<::sqlx::Either<<$db as ::sqlx::Database>::QueryResult, <$db as ::sqlx::Database>::Row>, ::sqlx::Error>,
            >
            where
                'c: 'e,
                E: 'q + ::sqlx::Execute<'q, $db>,
            {
                let $this = self;
                $crate::sqlx::traced::QueryStart::new($instrumentation, $before, $operation)
                    .fetch_many(query, move |q| $inner.fetch_many(q))
            }

            fn fetch_optional<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> futures_util::future::BoxFuture<'e, Result<Option<<$db as ::sqlx::Database>::Row>, ::sqlx::Error>>
            where
                'c: 'e,
                E: 'q + ::sqlx::Execute<'q, $db>,
            {
                let $this = self;
                $crate::sqlx::traced::QueryStart::new($instrumentation, $before, $operation)
                    .fetch_optional(query, move |q| $inner.fetch_optional(q))
            }

            fn prepare_with<'e>(
                self,
                sql: ::sqlx::SqlStr,
                parameters: &'e [<$db as ::sqlx::Database>::TypeInfo],
            ) -> futures_util::future::BoxFuture<'e, Result<<$db as ::sqlx::Database>::Statement, ::sqlx::Error>>
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
                sql: ::sqlx::SqlStr,
            ) -> futures_util::future::BoxFuture<'e, Result<::sqlx::Describe<$db>, ::sqlx::Error>>
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
            ['c] &'c $crate::sqlx::pool::InstrumentedPool<$db>, $db, |this|
            instrumentation: this.instrumentation(),
            before: $crate::sqlx::detection::detection(this.instrumentation(), this.pool()),
            operation: None,
            inner: this.pool(),
        );
        impl_executor!(
            ['c, 't] &'c mut $crate::sqlx::connection::InstrumentedConnection<::sqlx::Transaction<'t, $db>>, $db, |this|
            instrumentation: this.instrumentation(),
            before: None,
            operation: None,
            inner: &mut **this.connection_mut(),
        );
        impl_executor!(
            ['c] &'c mut $crate::sqlx::connection::InstrumentedConnection<::sqlx::pool::PoolConnection<$db>>, $db, |this|
            instrumentation: this.instrumentation(),
            before: None,
            operation: None,
            inner: &mut **this.connection_mut(),
        );
        impl_executor!(
            ['c, 't] &'c mut $crate::sqlx::connection::InstrumentedTransaction<'t, $db>, $db, |this|
            instrumentation: this.instrumentation(),
            before: None,
            operation: None,
            inner: &mut **this.connection_mut(),
        );
        impl_executor!(
            ['c] $crate::with_operation::WithOperation<&'c $crate::sqlx::pool::InstrumentedPool<$db>>, $db, |this|
            instrumentation: this.inner.instrumentation(),
            before: $crate::sqlx::detection::detection(this.inner.instrumentation(), this.inner.pool()),
            operation: Some(this.operation),
            inner: this.inner.pool(),
        );
        impl_executor!(
            ['c, 't] $crate::with_operation::WithOperation<
                &'c mut $crate::sqlx::connection::InstrumentedConnection<::sqlx::Transaction<'t, $db>>,
            >, $db, |this|
            instrumentation: this.inner.instrumentation(),
            before: None,
            operation: Some(this.operation),
            inner: &mut **this.inner.connection_mut(),
        );
        impl_executor!(
            ['c] $crate::with_operation::WithOperation<
                &'c mut $crate::sqlx::connection::InstrumentedConnection<::sqlx::pool::PoolConnection<$db>>,
            >, $db, |this|
            instrumentation: this.inner.instrumentation(),
            before: None,
            operation: Some(this.operation),
            inner: &mut **this.inner.connection_mut(),
        );
    };
}

#[cfg(feature = "postgres")]
impl_executors!(::sqlx::Postgres);
#[cfg(feature = "mysql")]
impl_executors!(::sqlx::MySql);
#[cfg(feature = "sqlite")]
impl_executors!(::sqlx::Sqlite);
