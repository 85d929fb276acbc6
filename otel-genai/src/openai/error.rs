//! [`ApiError`]: an error answer of an OpenAI-compatible API.

use std::fmt;

use crate::errors::{ErrorDetail, MAX_KIND, MAX_MESSAGE, bounded};

/// An error answer of an OpenAI-compatible API (a 4xx or 5xx with its body). Recorded
/// with [`GenAiCall::record_error`](crate::GenAiCall::record_error), its `error.type` is
/// the HTTP status code (`429`, `500`): the one classification every compatible server
/// shares.
///
/// ```
/// use otel_kit_genai::openai::ApiError;
///
/// let body = br#"{"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}"#;
/// let err = ApiError::from_response(429, body);
/// assert_eq!(err.status, 429);
/// assert_eq!(err.code.as_deref(), Some("rate_limit_exceeded"));
/// assert_eq!(err.to_string(), "429: Rate limit reached");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// `error.message` of the body, when it has one (at most 1 KiB of it).
    pub message: Option<String>,
    /// `error.type` of the body.
    pub kind: Option<String>,
    /// `error.code` of the body (a string or a number).
    pub code: Option<String>,
}

impl ApiError {
    /// Reads an error answer; a body that is not the usual `{"error": {...}}` gives an
    /// error with the status only.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        let (message, kind, code) = match ErrorDetail::of(body) {
            Some(d) => (d.message, d.kind, d.code),
            None => (None, None, None),
        };
        ApiError {
            status,
            message: message.map(|m| bounded(m, MAX_MESSAGE)),
            kind: kind.map(|k| bounded(k, MAX_KIND)),
            code: code.and_then(|code| match code {
                serde_json::Value::String(s) => Some(bounded(s, MAX_KIND)),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
        }
    }

    /// `error.type`: the status code.
    ///
    /// ```
    /// let err = otel_kit_genai::openai::ApiError::from_response(500, b"oops");
    /// assert_eq!(err.error_type(), "500");
    /// ```
    pub fn error_type(&self) -> String {
        self.status.to_string()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{}: {message}", self.status),
            None => write!(f, "HTTP status {}", self.status),
        }
    }
}

impl std::error::Error for ApiError {}
