//! diesel 2.3 (and diesel-async) traced through diesel's own
//! [`Instrumentation`](diesel::connection::Instrumentation) hook, with the sqlx pool
//! wrapper's core: the same summaries, sanitised text, attributes, duration metric and
//! exception events (feature `diesel`).
//!
//! ```no_run
//! // `PgConnection` and `MysqlConnection` alike.
//! use diesel::{Connection as _, RunQueryDsl as _, SqliteConnection};
//!
//! // Every connection established from now on (pools' too):
//! otel_kit_db::diesel::install_default()?;
//! let mut conn = SqliteConnection::establish("app.db")?;
//! diesel::sql_query("SELECT 1").execute(&mut conn)?; // span `SELECT`
//!
//! // Or one connection already open:
//! let url = "app.db";
//! let mut conn = SqliteConnection::establish(url)?;
//! conn.set_instrumentation(otel_kit_db::diesel::instrumentation(url));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`install_default`], [`instrumentation`], [`DieselBuilder`]: installing it, for
//!   every new connection or one; [`DieselInstrumentation`]: the hook itself.
//! - Any backend: PostgreSQL, MySQL/MariaDB, SQLite (the dialect and attributes come
//!   from the connection URL). This crate turns on no diesel backend: the
//!   application's own diesel dependency does, with the C library it links.
//! - diesel-async: its connections take the same hook (`set_instrumentation`) and
//!   read the same default (`install_default`); its pipelined queries (several in
//!   flight on one connection) are told apart by their text.
//!
//! # What is recorded
//!
//! - **Queries**: one CLIENT span per query diesel runs, from `StartQuery` to
//!   `FinishQuery`, a child of [`opentelemetry::Context::current`] at `StartQuery`;
//!   named and attributed as the pool wrapper's (`db.system.name`, `db.namespace`,
//!   `server.address`, `server.port`, `db.query.summary`, `db.query.text`), and one
//!   `db.client.operation.duration` measurement. The text is read from the query's
//!   `Display` form (its `Debug` form as the fallback); bind values are never kept (the
//!   formatting is stopped at the first write of the first one).
//!   A query with bind values is recorded as written; one without (`sql_query`,
//!   `batch_execute`) has its literals replaced by `?`.
//! - **Errors**: `error.type` (PostgreSQL: the SQLSTATE, when diesel's error kind
//!   names one; otherwise the kind, `unique_violation`; `_OTHER` for diesel's
//!   `Unknown`), `db.response.status_code` on PostgreSQL when known, status Error with
//!   the server's message without its values, and one `db.client.operation.exception`
//!   event. diesel keeps no SQLSTATE or error number past its kinds, so MySQL and SQLite
//!   failures carry no status code.
//! - **Transactions**: diesel announces each step, then runs its statement: the step's
//!   span has `db.operation.name` (and the summary and name) `BEGIN`, `COMMIT`,
//!   `ROLLBACK` at depth 1, `SAVEPOINT`, `RELEASE SAVEPOINT`, `ROLLBACK TO SAVEPOINT`
//!   for nested transactions, and the statement (`SAVEPOINT diesel_savepoint_1`) as
//!   `db.query.text`.
//! - **Connection attempts** (with [`install_default`]: diesel reports them only to the
//!   default instrumentation): one CLIENT span `connect` with `server.address`,
//!   `server.port` (and `network.peer.*` when the host is an address), `error.type`
//!   and status Error on failure. Not a database span: the conventions (1.45) define
//!   database spans for operations, named after the operation or its target, and
//!   `db.client.connection.create_time` for pools only; a connection attempt is
//!   neither, so it carries no `db.*` attribute and is not measured as an operation.
//!   The URL is read for the host, port, database and socket only (credentials never).
//!
//! MySQL and MariaDB speak one protocol and diesel's hook cannot ask the server: a
//! `mysql://` connection is `mysql` unless [`DieselBuilder::system_name`] says
//! `mariadb`. `OTEL_INSTRUMENTATION_DIESEL_ENABLED=false` turns it off.

mod builder;
mod config;
mod connection_url;
mod defaults;
mod failure;
mod frontend;
mod hook;
mod query_text;

pub use builder::DieselBuilder;
pub use defaults::{install_default, instrumentation};
pub use hook::DieselInstrumentation;
