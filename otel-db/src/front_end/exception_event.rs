//! The event a failed operation is recorded as.

/// The event a failed operation is recorded as, once: the error the caller gets (an
/// `Err` from the driver, or a Redis error reply) or a driver's panic (semantic
/// conventions 1.44, `event.db.client.operation.exception`, severity WARN).
pub(crate) const EXCEPTION_EVENT: &str = "db.client.operation.exception";
