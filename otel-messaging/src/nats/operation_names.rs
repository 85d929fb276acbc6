//! The `messaging.operation.name` values of the NATS operations.

/// `messaging.operation.name` of a core publish.
pub(crate) const PUBLISH: &str = "publish";
/// `messaging.operation.name` of a request.
pub(crate) const REQUEST: &str = "request";
/// `messaging.operation.name` of a message handed to the application to process.
pub(crate) const PROCESS: &str = "process";
