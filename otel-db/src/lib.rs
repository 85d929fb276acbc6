//! OpenTelemetry instrumentation for sqlx following the stable database semantic
//! conventions 1.45, for PostgreSQL, MySQL/MariaDB and SQLite; for tokio-postgres and
//! deadpool-postgres (`otel_kit_db::tokio_postgres`, features `tokio-postgres` and
//! `deadpool-postgres`); for diesel 2.3 and diesel-async (`otel_kit_db::diesel`, feature
//! `diesel`); and for Redis, over the redis crate's async connections
//! (`otel_kit_db::redis`, feature `redis`).
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
//! - `SqlBuilder`: the builder the SQL wrappers share; [`InstrumentBuilder`],
//!   `tokio_postgres::ClientBuilder`, `tokio_postgres::DeadpoolBuilder` and
//!   `diesel::DieselBuilder` are it over their clients.
//! - [`InstrumentedConnection`], [`InstrumentedPoolConnection`],
//!   [`InstrumentedTransaction`]: connections and transactions from the pool, traced
//!   the same way (`&mut *tx`).
//! - [`DbOperation`], [`WithOperation`]: `db.operation.name`, `db.collection.name` and a
//!   summary given per query (`pool.with_operation(op)`), since the conventions say
//!   not to parse the first two from the SQL.
//! - [`QueryText`]: sanitised `db.query.text`, or none.
//! - [`sql`]: the SQL summariser (`db.query.summary`) and sanitiser.
//! - [`InstrumentedDatabase`]: the databases supported and what differs between them.
//! - `statement_log` (feature `sqlx-statement-log`): sqlx's own statement log as the same
//!   spans and duration points, a `tracing` layer for code that keeps its plain pool.
//! - `redis` (feature `redis`): `redis::instrument`, `redis::InstrumentedRedis`: a
//!   Redis connection (multiplexed, or the connection manager) traced per command,
//!   pipeline and transaction.
//! - `tokio_postgres` (features `tokio-postgres`, `deadpool-postgres`):
//!   `tokio_postgres::instrument`, `tokio_postgres::InstrumentedClient`,
//!   `tokio_postgres::InstrumentedDeadpool`: PostgreSQL without sqlx, with the same
//!   spans and metrics.
//! - `diesel` (feature `diesel`): `diesel::install_default`, `diesel::instrumentation`,
//!   `diesel::DieselBuilder`: diesel's (and diesel-async's) connections traced through
//!   diesel's `Instrumentation` hook, with the same summaries, text and attributes.
//!
//! # Spans
//!
//! One CLIENT span per operation (`execute`, `fetch*`, a stream read to its end or
//! dropped; `BEGIN`, `COMMIT`, `ROLLBACK`), a child of [`opentelemetry::Context::current`],
//! named by `db.query.summary` (`SELECT users`, in the text's own case), else
//! `{db.operation.name} {target}`, else the target (a text with nothing recognised in
//! it: `db.namespace`, else `server.address:server.port`), else `db.system.name`; never
//! the raw SQL.
//!
//! | attribute | when |
//! | --- | --- |
//! | `db.system.name` | always: `postgresql`, `mysql` or `mariadb` (asked of the server once per pool), `sqlite` |
//! | `db.namespace` | the database name (SQLite: the file name) |
//! | `server.address`, `server.port` (int) | TCP connections; the port only when not the default (5432, 3306) |
//! | `network.peer.address`, `network.peer.port` (int) | a host given as an IP address (it is the peer: no name to resolve to another one), with the port used; a Unix socket's path, without a port. A host name leaves them out: sqlx and redis do not say which address a name resolved to |
//! | `db.query.summary` | when an operation was recognised (as written), or given in an [`DbOperation`] |
//! | `db.operation.name` | given in an [`DbOperation`]; `BEGIN`, `COMMIT`, `ROLLBACK`; never parsed from the SQL |
//! | `db.collection.name` | given in an [`DbOperation`]; never parsed from the SQL |
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
//! `db.client.operation.duration` (histogram, seconds, [`DB_DURATION_BUCKETS`]) with the
//! span's attributes except the query text, batch size and row count;
//! `db.client.connection.count` (`state` = `idle` / `used`), `db.client.connection.limit`
//! and `db.client.connection.timeouts`, each with `db.client.connection.pool.name`.
//!
//! The tracer and instruments come from the [`Providers`] given to the pool's builder,
//! else from the globals, read when operations run (not when the pool is wrapped): the
//! pool may be wrapped before or after the providers are installed.
//!
//! # Cargo features
//!
//! One per sqlx driver, one for tokio-postgres (and deadpool-postgres), one for diesel
//! and one for Redis, none on by default: turn on the databases the service talks to. With none, [`sql`], [`QueryText`] and the constants are there,
//! and no sqlx.
//!
//! | feature | default | adds | pulls in |
//! | --- | --- | --- | --- |
//! | `postgres` | no | [`instrument`] and the rest for `sqlx::Postgres` | sqlx's `postgres` |
//! | `mysql` | no | the same for `sqlx::MySql` (MySQL and MariaDB) | sqlx's `mysql` |
//! | `sqlite` | no | the same for `sqlx::Sqlite` | sqlx's `sqlite`: SQLite itself, built from C (libsqlite3-sys, `links = "sqlite3"`, so one version in a graph: rusqlite must agree) |
//! | `sqlx-statement-log` | no | `statement_log`, `StatementLog`, `StatementLogBuilder`: sqlx's statement log (`sqlx::query` events) as spans, for a plain pool; with a sqlx driver feature | tracing-subscriber (in every otel-kit-init graph) |
//! | `redis` | no | `redis::instrument`, `redis::InstrumentedRedis`, `redis::RedisBuilder` (no sqlx) | redis with `tokio-comp` (its async connections need a runtime) |
//! | `tokio-postgres` | no | `tokio_postgres::instrument`, `InstrumentedClient` (a client, a transaction, a pooled client), `Statement`, `ClientBuilder` (no sqlx) | tokio-postgres 0.7 without its default `runtime` feature |
//! | `deadpool-postgres` | no | `tokio_postgres::InstrumentedDeadpool`; implies `tokio-postgres` | deadpool-postgres 0.14 without a runtime feature (7 more crates) |
//! | `diesel` | no | `diesel::install_default`, `diesel::instrumentation`, `diesel::DieselBuilder`, `diesel::DieselInstrumentation` for diesel 2.3 and diesel-async (no sqlx) | diesel with no backend (the application's diesel picks them, and the C library each links), url |
//!
//! The runtime and TLS are chosen on the application's own sqlx dependency
//! (`runtime-tokio`, `tls-rustls`, ...), as sqlx asks.
//!
//! Each driver feature also turns on the `offline` feature of sqlx-core and of that
//! driver, not sqlx's `macros` (a proc-macro that builds sqlx a second time, for the
//! host). `offline` adds `describe` to the `sqlx::Executor` trait, and sqlx's `macros`
//! turns it on too; an impl of the trait must either list it or not, so this crate
//! always turns it on and always implements it. That costs serde (with its derive) and
//! serde_json. One case to know: a sqlx driver in the same build, without sqlx's
//! `macros` and without its feature here (`sqlx/mysql` next to `otel-kit-db/postgres`,
//! say), would lack `describe` and fail to compile; turn on its feature here too.

#![cfg_attr(docsrs, feature(doc_cfg))]

// diesel's connections, through diesel's `Instrumentation` hook.
#[cfg(feature = "diesel")]
#[cfg_attr(docsrs, doc(cfg(feature = "diesel")))]
pub mod diesel;
/// What every front end records the same way: the duration, the endpoint, the exception
/// event.
#[cfg(feature = "__front-end")]
mod front_end;
/// What is recorded and its limits: [`QueryText`], [`MAX_QUERY_TEXT`], [`DB_DURATION_BUCKETS`].
mod options;
/// The connection-pool gauges: sqlx's pool and deadpool's.
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "deadpool-postgres"
))]
mod pool_metrics;
// Redis connections, traced per command, pipeline and transaction.
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;
/// This crate's instrumentation scope.
mod scope;
pub mod sql;
/// The SQL core the sqlx, tokio-postgres and diesel front ends share.
#[cfg(feature = "__sql-core")]
mod sql_core;
/// The sqlx front end: the pool wrapper, its connections and transactions.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
mod sqlx;
// PostgreSQL over tokio-postgres and deadpool-postgres.
#[cfg(feature = "tokio-postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio-postgres")))]
pub mod tokio_postgres;
/// The executors with a caller's [`DbOperation`] (diesel's hook has none: a diesel query
/// carries no such value).
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "tokio-postgres"
))]
mod with_operation;

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite")))
)]
pub use crate::sqlx::{
    InstrumentBuilder, InstrumentedConnection, InstrumentedDatabase, InstrumentedPool,
    InstrumentedPoolConnection, InstrumentedTransaction, instrument,
};
#[cfg(all(
    feature = "sqlx-statement-log",
    any(feature = "postgres", feature = "mysql", feature = "sqlite")
))]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlx-statement-log")))]
pub use crate::sqlx::{StatementLog, StatementLogBuilder, statement_log};
/// The OpenTelemetry API this crate is built on, re-exported so that the application
/// names the very version the kit records through: with a second `opentelemetry` in the
/// build, providers installed through one are invisible to the other and the
/// instrumentation silently records nothing.
pub use opentelemetry;
pub use options::{DB_DURATION_BUCKETS, MAX_QUERY_TEXT, QueryText};
pub use otel_kit_core::Providers;
/// The logger provider the kit's log events (exception events) go to when
/// [`Providers`] gives none. `otel_kit_init::init()` sets it; a service without `init()`
/// sets it here, with no need to name the kit's shared core.
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
///
/// otel_kit_db::set_global_logger_provider(SdkLoggerProvider::builder().build());
/// ```
pub use otel_kit_core::log_events::set_global_logger_provider;
/// `server.service.name` by address, for [`Providers::peer_services`].
pub use otel_kit_core::{PeerServiceError, PeerServices};
pub use scope::INSTRUMENTATION_SCOPE;
#[cfg(feature = "__sql-core")]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "postgres",
        feature = "mysql",
        feature = "sqlite",
        feature = "tokio-postgres",
        feature = "diesel"
    )))
)]
pub use sql_core::{DbOperation, SqlBuilder};
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "tokio-postgres"
))]
pub use with_operation::WithOperation;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

#[cfg(doctest)]
#[doc = include_str!("../../docs/db.md")]
struct DbGuide;
