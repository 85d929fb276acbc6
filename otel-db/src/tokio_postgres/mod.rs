//! PostgreSQL over [tokio-postgres](https://docs.rs/tokio-postgres) (feature
//! `tokio-postgres`) and [deadpool-postgres](https://docs.rs/deadpool-postgres)'s pool
//! (feature `deadpool-postgres`), with no sqlx: the same spans and metrics as the sqlx
//! pool wrapper, from the same core (summaries, sanitised text, [`DbOperation`],
//! SQLSTATE as `db.response.status_code`, exception events, the providers).
//!
//! Wrap the client with the `tokio_postgres::Config` it was connected with (the
//! attributes are read from it, part by part: never the password); then call it as
//! before:
//!
//! ```no_run
//! # async fn run() -> Result<(), tokio_postgres::Error> {
//! let config: tokio_postgres::Config = "postgres://app@localhost/shop".parse()?;
//! let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
//! tokio::spawn(connection);
//! let mut client = otel_kit_db::tokio_postgres::instrument(client, &config);
//!
//! let rows = client.query("SELECT id FROM users WHERE id > $1", &[&10_i64]).await?; // span `SELECT users`
//! let insert = client.prepare("INSERT INTO audit (note) VALUES ($1)").await?; // carries `INSERT audit`
//! let tx = client.transaction().await?; // span `BEGIN`
//! tx.execute(&insert, &[&"seen"]).await?; // span `INSERT audit`
//! tx.commit().await?; // span `COMMIT`
//! # drop(rows);
//! # Ok(())
//! # }
//! ```
//!
//! - [`instrument`], [`InstrumentedClient`], [`ClientBuilder`]: the client wrapper and
//!   what it records. `InstrumentedClient<C>` wraps a `tokio_postgres::Client`, a
//!   transaction ([`InstrumentedTransaction`]) or a pooled client
//!   (`deadpool_postgres::Object`), with the same traced methods: `query`,
//!   `query_one`, `query_opt`, `query_raw`, `execute`, `batch_execute`, `prepare`;
//!   `with_operation` for the [`DbOperation`] of one query.
//! - [`Statement`]: a prepared statement that carries its SQL's summary, so its
//!   executions are named and sanitised like the text.
//! - [`InstrumentedDeadpool`] (feature `deadpool-postgres`): a deadpool-postgres pool
//!   whose clients are traced, and whose acquire timeouts are counted.
//!
//! One CLIENT span per `query*`, `execute`, `batch_execute`, and `BEGIN`, `COMMIT`,
//! `ROLLBACK`, with the attributes and the `db.client.operation.duration` measurement
//! of the sqlx wrapper (see the [crate docs](crate)). `prepare` is not traced (as
//! sqlx's is not); a statement that fails to prepare inside a `query` fails that
//! query's span. The switch of this instrumentation is
//! `OTEL_INSTRUMENTATION_TOKIO_POSTGRES_ENABLED`.
//!
//! What is recorded, when, and why: [docs/db.md](https://github.com/otel-kit/otel-kit/blob/main/docs/db.md#tokio-postgres-and-deadpool-postgres).

mod as_client;
mod builder;
mod client;
#[cfg(feature = "deadpool-postgres")]
mod deadpool;
mod frontend;
mod outcome;
mod row_stream;
mod run;
mod statement;
mod transaction;
mod with_operation;

pub use as_client::AsClient;
pub use builder::{ClientBuilder, instrument};
pub use client::InstrumentedClient;
#[cfg(feature = "deadpool-postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "deadpool-postgres")))]
pub use deadpool::{DeadpoolBuilder, InstrumentedDeadpool};
pub use row_stream::RowStream;
pub use statement::{Statement, ToStatement};
pub use transaction::InstrumentedTransaction;

#[cfg(doc)]
use crate::DbOperation;
