//! OpenTelemetry instrumentation for sqlx following the stable database semantic
//! conventions 1.42, for PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! ```no_run
//! # async fn run() -> Result<(), sqlx::Error> {
//! let pool = otel_kit_db::instrument(sqlx::PgPool::connect("postgres://localhost/app").await?);
//! let users: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM users WHERE id > $1")
//!     .bind(10_i64)
//!     .fetch_all(&pool)
//!     .await?;
//! # drop(users);
//! # Ok(())
//! # }
//! ```
//!
//! - [`instrument`], [`InstrumentedPool`], [`InstrumentBuilder`]: the pool wrapper and
//!   what it records; `&pool` is a `sqlx::Executor`.
//! - [`InstrumentedConnection`], [`InstrumentedPoolConnection`],
//!   [`InstrumentedTransaction`]: connections and transactions from the pool, traced
//!   the same way (`&mut *tx`).
//! - [`QueryText`]: sanitised `db.query.text`, or none.
//! - [`sql`]: the SQL summariser (`db.query.summary`) and sanitiser.
//! - [`InstrumentedDatabase`]: the databases supported and what differs between them.
//!
//! # Spans
//!
//! One CLIENT span per operation (`execute`, `fetch*`, a stream read to its end or
//! dropped; `BEGIN`, `COMMIT`, `ROLLBACK`), a child of [`opentelemetry::Context::current`],
//! named by `db.query.summary` (`SELECT users`), else `db.operation.name`, else
//! `db.system.name`; never the raw SQL.
//!
//! | attribute | when |
//! | --- | --- |
//! | `db.system.name` | always: `postgresql`, `mysql` or `mariadb` (asked of the server once per pool), `sqlite` |
//! | `db.namespace` | the database name (SQLite: the file name) |
//! | `server.address`, `server.port` (int) | TCP connections; the port only when not the default (5432, 3306) |
//! | `db.query.summary` | when an operation was recognised |
//! | `db.operation.name` | one operation (`BATCH X` / `BATCH` for several statements) |
//! | `db.collection.name` | one operation on one table |
//! | `db.stored_procedure.name` | `CALL proc(...)` |
//! | `db.operation.batch.size` (int) | two statements or more in one text |
//! | `db.query.text` | see [`QueryText`]; never bind values, never the connection string |
//! | `db.response.status_code` (string) | on a database error: SQLSTATE (PostgreSQL), error number (MySQL/MariaDB), result code (SQLite) |
//! | `error.type` | on failure: the status code, or `io`, `tls`, `pool_timed_out`, `protocol`, ... |
//! | `db.response.returned_rows` (int) | opt-in, [`InstrumentBuilder::returned_rows`] |
//!
//! Status: Error on failure (PostgreSQL SQLSTATE classes 00 and 01 are not failures),
//! with the server's message, its literals replaced by `?`.
//!
//! # Metrics
//!
//! `db.client.operation.duration` (histogram, seconds, [`DURATION_BUCKETS`]) with the
//! span's attributes except the query text, batch size and row count;
//! `db.client.connection.count` (`state` = `idle` / `used`), `db.client.connection.max`
//! and `db.client.connection.timeouts`, each with `db.client.connection.pool.name`.
//!
//! The tracer and instruments are taken from the OpenTelemetry globals when the pool is
//! wrapped: wrap it after installing the providers.

mod call;
mod commenter;
mod connection;
mod database;
mod endpoint;
mod executor;
mod instrumentation;
mod options;
mod outcome;
mod pool;
mod pool_metrics;
pub mod sql;
mod statement;
mod statement_cache;
mod stream;
mod traced_query;

pub use connection::{InstrumentedConnection, InstrumentedPoolConnection, InstrumentedTransaction};
pub use database::InstrumentedDatabase;
pub use instrumentation::DURATION_BUCKETS;
pub use options::QueryText;
pub use otel_kit_core::Providers;
pub use pool::{InstrumentBuilder, InstrumentedPool, instrument};
pub use statement::MAX_QUERY_TEXT;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

#[cfg(doctest)]
#[doc = include_str!("../../docs/db.md")]
struct DbGuide;

/// The name of the instrumentation scope of this crate's spans and metrics (its version
/// is this crate's, its schema URL the semantic conventions' 1.42).
///
/// ```
/// assert_eq!(otel_kit_db::INSTRUMENTATION_SCOPE, "otel-kit-db");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = "otel-kit-db";

static SCOPE: otel_kit_core::Scope =
    otel_kit_core::Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));
