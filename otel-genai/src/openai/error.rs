//! [`ApiError`] (an error answer) and [`ParseError`] (a body that is not JSON).

use std::fmt;

use serde::Deserialize;

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

/// The longest error message kept.
const MAX_MESSAGE: usize = 1024;

#[derive(Deserialize)]
struct Body {
    error: Option<Detail>,
}

#[derive(Deserialize)]
struct Detail {
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<serde_json::Value>,
}

impl ApiError {
    /// Reads an error answer; a body that is not the usual `{"error": {...}}` gives an
    /// error with the status only.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        let detail = serde_json::from_slice::<Body>(body)
            .ok()
            .and_then(|body| body.error);
        let (message, kind, code) = match detail {
            Some(d) => (d.message, d.kind, d.code),
            None => (None, None, None),
        };
        ApiError {
            status,
            message: message.map(|m| truncated(m, MAX_MESSAGE)),
            kind: kind.map(|k| truncated(k, 128)),
            code: code.and_then(|code| match code {
                serde_json::Value::String(s) => Some(truncated(s, 128)),
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

fn truncated(mut text: String, max: usize) -> String {
    text.truncate(text.floor_char_boundary(max));
    text
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

/// A response body that is not the JSON expected.
///
/// ```
/// let err = otel_kit_genai::openai::chat_response(b"<html>").unwrap_err();
/// assert!(err.to_string().starts_with("not an OpenAI-compatible response"));
/// ```
#[derive(Debug)]
pub struct ParseError(pub(crate) serde_json::Error);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an OpenAI-compatible response: {}", self.0)
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
