//! HTTP semantic conventions 1.45 pieces shared by the server layer and the client
//! middleware: one home for each rule.
//!
//! - [`KnownMethods`]: `http.request.method` is one of a known set or `_OTHER` (with
//!   `http.request.method_original`), so a scanner cannot explode cardinality.
//! - [`redact_url`] / [`redact_query`]: credentials in URLs and signed query values never
//!   reach telemetry.
//! - [`HeaderCapture`]: opt-in header capture by allow-list; `Authorization`, `Cookie`,
//!   `Set-Cookie` and `Proxy-Authorization` are never captured.
//! - [`protocol_version`]: `network.protocol.version` of an HTTP version.
//! - [`HTTP_RPC_DURATION_BUCKETS`]: the advisory boundaries of `http.*.request.duration`.
//! - [`SERVER_EXCEPTION_EVENT`] / [`CLIENT_EXCEPTION_EVENT`]: the names of the log event
//!   a panic is recorded as (`docs/errors.md`).

#[cfg(any(
    feature = "server",
    feature = "client",
    feature = "tower-client",
    feature = "awc"
))]
pub(crate) mod from_switches;
pub(crate) mod method;
mod protocol;
mod redact;

pub use method::KnownMethods;
pub use otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS;
pub use otel_kit_core::header_capture::{HeaderCapture, NEVER_CAPTURED};
pub use protocol::protocol_version;
pub use redact::{REDACTED, SENSITIVE_QUERY_KEYS, redact_query, redact_url};

/// The event a panic in a request's handler is recorded as, with severity ERROR
/// (semantic conventions 1.45, `event.http.server.request.exception`).
///
/// ```
/// assert_eq!(otel_kit_http::conventions::SERVER_EXCEPTION_EVENT, "http.server.request.exception");
/// ```
pub const SERVER_EXCEPTION_EVENT: &str = "http.server.request.exception";

/// The event a panic below the client middleware is recorded as, with severity WARN
/// (`event.http.client.request.exception`).
///
/// ```
/// assert_eq!(otel_kit_http::conventions::CLIENT_EXCEPTION_EVENT, "http.client.request.exception");
/// ```
pub const CLIENT_EXCEPTION_EVENT: &str = "http.client.request.exception";
