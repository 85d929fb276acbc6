//! [`Statement`]: a prepared statement that carries its SQL's description, and
//! [`ToStatement`]: what the traced methods take (a query text or such a statement).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use tokio_postgres::types::ToSql;

use crate::sql::SqlDialect;
use crate::sql_core::statement::Statement as Described;
use crate::sql_core::statement_cache;

/// A prepared statement from [`InstrumentedClient::prepare`](super::InstrumentedClient::prepare),
/// with its SQL's summary, span name and text made when it was prepared: each
/// execution is named and recorded like the text would be, with no parsing. Derefs to
/// the `tokio_postgres::Statement` (`params()`, `columns()`).
///
/// ```no_run
/// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
/// let by_id = client.prepare("SELECT email FROM users WHERE id = $1").await?;
/// assert_eq!(by_id.params().len(), 1);
/// for id in [1_i64, 2, 3] {
///     let _ = client.query_opt(&by_id, &[&id]).await?; // spans `SELECT users`
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Statement {
    inner: tokio_postgres::Statement,
    described: Arc<Described>,
}

impl Statement {
    pub(super) fn new(inner: tokio_postgres::Statement, text: &str) -> Self {
        Self {
            inner,
            described: statement_cache::describe(text, SqlDialect::PostgreSql, false),
        }
    }

    /// The driver's statement, to hand to what this wrapper does not offer (its
    /// executions there are not traced).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let prepared = client.prepare("SELECT 1").await?;
    /// let row = client.get_ref().query_one(prepared.statement(), &[]).await?; // untraced
    /// # drop(row);
    /// # Ok(())
    /// # }
    /// ```
    pub fn statement(&self) -> &tokio_postgres::Statement {
        &self.inner
    }
}

impl Deref for Statement {
    type Target = tokio_postgres::Statement;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl fmt::Debug for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Statement")
            .field("summary", &self.described.summary().map(|s| s.as_str()))
            .field("params", &self.inner.params())
            .finish_non_exhaustive()
    }
}

/// What the traced methods run: a query text (`&str`, `String`) or a [`Statement`]
/// prepared through the wrapper. Sealed. (A bare `tokio_postgres::Statement` does not
/// say its text, so it has nothing to name a span with: prepare through the wrapper.)
///
/// ```
/// fn runs<T: otel_kit_db::tokio_postgres::ToStatement + ?Sized>() {}
/// runs::<str>();
/// runs::<String>();
/// runs::<otel_kit_db::tokio_postgres::Statement>();
/// ```
pub trait ToStatement: sealed::Sealed + Sync {}

/// The parameters of a query, as tokio-postgres takes them.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// `$client.$method(statement, $args)` with the driver's statement of `$driver`.
macro_rules! drive {
    ($client:expr, $driver:expr, $method:ident($($arg:expr),*)) => {
        async move {
            match $driver {
                $crate::tokio_postgres::statement::sealed::Driver::Text(text) => $client.$method(text, $($arg),*).await,
                $crate::tokio_postgres::statement::sealed::Driver::Prepared(statement) => {
                    $client.$method(statement, $($arg),*).await
                }
            }
        }
    };
}
pub(super) use drive;

pub(super) mod sealed {
    use super::*;

    /// What the driver is handed for a [`ToStatement`] (public in a private module:
    /// nameable by no one outside).
    #[derive(Clone, Copy)]
    pub enum Driver<'a> {
        Text(&'a str),
        Prepared(&'a tokio_postgres::Statement),
    }

    /// A statement's description.
    pub struct Description(pub(crate) Arc<Described>);

    pub trait Sealed {
        /// What the driver runs.
        fn driver(&self) -> Driver<'_>;

        /// The description, made now (`sanitize`: with its sanitised text) or cached.
        fn described(&self, sanitize: bool) -> Description;
    }
}

use sealed::{Description, Driver};

impl ToStatement for str {}
impl ToStatement for String {}
impl ToStatement for Statement {}

impl sealed::Sealed for str {
    fn driver(&self) -> Driver<'_> {
        Driver::Text(self)
    }

    fn described(&self, sanitize: bool) -> Description {
        Description(statement_cache::describe(self, SqlDialect::PostgreSql, sanitize))
    }
}

impl sealed::Sealed for String {
    fn driver(&self) -> Driver<'_> {
        Driver::Text(self)
    }

    fn described(&self, sanitize: bool) -> Description {
        self.as_str().described(sanitize)
    }
}

impl sealed::Sealed for Statement {
    fn driver(&self) -> Driver<'_> {
        Driver::Prepared(&self.inner)
    }

    fn described(&self, _sanitize: bool) -> Description {
        Description(Arc::clone(&self.described))
    }
}
