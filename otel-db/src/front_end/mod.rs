//! What every front end (sqlx, tokio-postgres, diesel, Redis) records the same way.

/// `db.client.operation.duration`.
pub(crate) mod duration;
/// The server's address and the endpoint attributes.
pub(crate) mod endpoint;
/// The event a failed operation is recorded as.
pub(crate) mod exception_event;
