//! The sqlx front end: a pool wrapper, its connections and transactions, traced as
//! `sqlx::Executor`s over the shared SQL core, for PostgreSQL, MySQL/MariaDB and SQLite.

mod commenter;
mod connection;
mod database;
mod detection;
mod executor;
mod failure;
pub(crate) mod frontend;
mod pool;
#[cfg(feature = "sqlx-statement-log")]
pub(crate) mod statement_log;
mod stream;
mod traced;
mod traced_query;

pub use connection::{InstrumentedConnection, InstrumentedPoolConnection, InstrumentedTransaction};
pub use database::InstrumentedDatabase;
pub use pool::{InstrumentBuilder, InstrumentedPool, instrument};
#[cfg(feature = "sqlx-statement-log")]
pub use statement_log::{StatementLog, StatementLogBuilder, statement_log};
