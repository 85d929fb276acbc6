//! What ended a call.

use crate::Response;

/// What ended a call.
pub(crate) enum Outcome<'a> {
    Response(&'a Response),
    ToolResult(&'a serde_json::Value),
    Error {
        error_type: &'a str,
        /// `exception.type` of the exception event.
        exception_type: &'a str,
        description: &'a str,
    },
    Ended,
    /// Dropped before any of the others: its caller gave up on it, which is not an
    /// error of the call (see `GenAiCall`'s `Drop`).
    Cancelled,
}
