//! The SQL core the sqlx pool wrapper, the tokio-postgres client wrapper and diesel's
//! instrumentation share: the operation in flight, what one pool or client shares, the
//! caller's description of an operation, the failure rules and the statement's summary.

// diesel's hook alone uses a part of it (no streams, no fixed steps).
#![cfg_attr(
    not(any(
        feature = "postgres",
        feature = "mysql",
        feature = "sqlite",
        feature = "tokio-postgres"
    )),
    allow(dead_code)
)]

/// The builder every SQL client's wrapper shares: [`builder::SqlBuilder`].
pub(crate) mod builder;
/// One operation in flight: its span, its duration metric, its exception event.
pub(crate) mod call;
/// What every operation of one pool or client shares: endpoint, options, providers.
pub(crate) mod instrumentation;
/// The caller's description of an operation ([`DbOperation`]).
pub(crate) mod operation;
/// The failure rules: status codes, which are failures, messages without values.
pub(crate) mod outcome;
/// A server's error message without its values, the names it quotes kept.
pub(crate) mod server_message;
/// A statement's summary, span name and attributes, read from its text.
pub(crate) mod statement;
/// Statements described once per text, per thread.
pub(crate) mod statement_cache;
/// A row stream's call, ended by the stream.
#[cfg(any(
    feature = "postgres",
    feature = "mysql",
    feature = "sqlite",
    feature = "tokio-postgres"
))]
pub(crate) mod stream_call;

pub use builder::SqlBuilder;
pub use operation::DbOperation;
