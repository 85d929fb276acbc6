//! HTTP semantic conventions 1.42 pieces shared by the server layer and the client
//! middleware: one home for each rule.
//!
//! - [`KnownMethods`]: `http.request.method` is one of a known set or `_OTHER` (with
//!   `http.request.method_original`), so a scanner cannot explode cardinality.
//! - [`redact_url`] / [`redact_query`]: credentials in URLs and signed query values never
//!   reach telemetry.
//! - [`HeaderCapture`]: opt-in header capture by allow-list; `Authorization`, `Cookie`,
//!   `Set-Cookie` and `Proxy-Authorization` are never captured.
//! - [`protocol_version`]: `network.protocol.version` of an HTTP version.
//! - [`DURATION_BUCKETS`]: the advisory boundaries of `http.*.request.duration`.

mod headers;
mod method;
mod protocol;
mod redact;

pub use headers::{HeaderCapture, NEVER_CAPTURED};
pub use method::KnownMethods;
pub use protocol::protocol_version;
pub use redact::{REDACTED, SENSITIVE_QUERY_KEYS, redact_query, redact_url};

/// The advisory bucket boundaries (seconds) of `http.server.request.duration` and
/// `http.client.request.duration` in semconv 1.42.
pub const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
