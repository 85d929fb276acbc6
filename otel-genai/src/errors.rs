//! The errors the provider readers give, whatever the provider: [`ParseError`] (a body
//! that is not the JSON expected), [`ProviderError`] (an error Anthropic or Bedrock
//! answered) and [`StreamError`] (a stream that did not end as its protocol ends it).

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The longest error message kept.
pub(crate) const MAX_MESSAGE: usize = 1024;
/// The longest error type (or code) kept.
pub(crate) const MAX_KIND: usize = 128;

/// `text` cut to `max` bytes at a char boundary.
pub(crate) fn bounded(mut text: String, max: usize) -> String {
    text.truncate(text.floor_char_boundary(max));
    text
}

/// A response body that is not the JSON expected.
///
/// ```
/// let err = otel_kit_genai::openai::chat_response(b"<html>").unwrap_err();
/// assert!(err.to_string().starts_with("not an OpenAI-compatible response"));
/// let err = otel_kit_genai::anthropic::chat_response(b"{").unwrap_err();
/// assert!(err.to_string().starts_with("not an Anthropic Messages response"));
/// ```
#[derive(Debug)]
pub struct ParseError {
    /// What the body should have been ("an OpenAI-compatible response").
    expected: &'static str,
    error: serde_json::Error,
}

/// Reads `body` as `T`, or says it is not `expected`.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8], expected: &'static str) -> Result<T, ParseError> {
    serde_json::from_slice(body).map_err(|error| ParseError { expected, error })
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not {}: {}", self.expected, self.error)
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The `{"error": {"type", "message", "code"}}` object of an error body (OpenAI's, and
/// Anthropic's answers and stream `error` events).
#[derive(Deserialize)]
pub(crate) struct ErrorDetail {
    pub(crate) message: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) code: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: Option<ErrorDetail>,
}

impl ErrorDetail {
    /// The `error` object of `body`, when it is such a body.
    pub(crate) fn of(body: &[u8]) -> Option<ErrorDetail> {
        serde_json::from_slice::<ErrorBody>(body).ok()?.error
    }
}

/// An error the provider answered: an Anthropic error answer or stream `error` event
/// ([`anthropic::api_error`](crate::anthropic::api_error)), a Bedrock error answer
/// ([`bedrock::api_error`](crate::bedrock::api_error)) or stream exception. Recorded
/// with [`GenAiCall::record_error`](crate::GenAiCall::record_error), its `error.type`
/// is the provider's own error type (`overloaded_error`, `ThrottlingException`), else
/// the HTTP status.
///
/// ```
/// let body = br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
/// let error = otel_kit_genai::anthropic::api_error(529, body);
/// assert_eq!(error.error_type(), "overloaded_error");
/// assert_eq!(error.to_string(), "529 overloaded_error: Overloaded");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderError {
    /// The HTTP status of an error answer (`None` for an error inside a stream).
    pub status: Option<u16>,
    /// The provider's error type (at most 128 bytes of it).
    pub kind: Option<String>,
    /// The provider's message (at most 1 KiB of it).
    pub message: Option<String>,
}

impl ProviderError {
    pub(crate) fn new(status: Option<u16>, kind: Option<String>, message: Option<String>) -> Self {
        ProviderError {
            status,
            kind: kind.map(|k| bounded(k, MAX_KIND)),
            message: message.map(|m| bounded(m, MAX_MESSAGE)),
        }
    }

    /// `error.type`: the provider's error type, else the HTTP status, else `_OTHER`.
    ///
    /// ```
    /// let error = otel_kit_genai::bedrock::api_error(500, None, b"oops");
    /// assert_eq!(error.error_type(), "500");
    /// ```
    pub fn error_type(&self) -> String {
        match (&self.kind, self.status) {
            (Some(kind), _) => kind.clone(),
            (None, Some(status)) => status.to_string(),
            (None, None) => otel_kit_core::__private::error_type::OTHER.to_owned(),
        }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.map(|s| s.to_string());
        let head: Vec<&str> = [status.as_deref(), self.kind.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        match (head.is_empty(), &self.message) {
            (true, None) => f.write_str("an error answer without details"),
            (true, Some(message)) => f.write_str(message),
            (false, None) => f.write_str(&head.join(" ")),
            (false, Some(message)) => write!(f, "{}: {message}", head.join(" ")),
        }
    }
}

impl std::error::Error for ProviderError {}

/// A stream that did not end as its protocol ends it: Anthropic's SSE stream
/// ([`anthropic::ChatStream`](crate::anthropic::ChatStream)) or Bedrock's event stream
/// ([`bedrock::ChatStream`](crate::bedrock::ChatStream)). Recorded with
/// [`GenAiCall::record_error`](crate::GenAiCall::record_error), its `error.type` is
/// [`error_type`](Self::error_type)'s.
///
/// ```
/// let mut stream = otel_kit_genai::anthropic::ChatStream::new();
/// stream.push(b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n");
/// let error = stream.finish().unwrap_err(); // the body ended before `message_stop`
/// assert_eq!(error.error_type(), "stream_truncated");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamError {
    /// The provider sent an error in the stream (Anthropic's `error` event, a Bedrock
    /// exception or error message).
    Provider(ProviderError),
    /// The body ended before the stream's last event (or inside a message).
    Truncated,
    /// The bytes are not the stream's framing (a checksum that does not match, a length
    /// that lies, a malformed header): nothing after them can be read.
    Invalid(&'static str),
}

impl StreamError {
    /// `error.type`: the provider's error type for [`Provider`](Self::Provider)
    /// (see [`ProviderError::error_type`]), `stream_truncated` for
    /// [`Truncated`](Self::Truncated), `stream_invalid` for [`Invalid`](Self::Invalid).
    pub fn error_type(&self) -> String {
        match self {
            StreamError::Provider(error) => error.error_type(),
            StreamError::Truncated => "stream_truncated".to_owned(),
            StreamError::Invalid(_) => "stream_invalid".to_owned(),
        }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Provider(error) => error.fmt(f),
            StreamError::Truncated => f.write_str("the stream ended before its last event"),
            StreamError::Invalid(reason) => write!(f, "not a valid event stream: {reason}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Provider(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ProviderError, StreamError};

    #[test]
    fn descriptions() {
        let error = |status, kind: Option<&str>, message: Option<&str>| {
            ProviderError::new(status, kind.map(Into::into), message.map(Into::into)).to_string()
        };
        assert_eq!(error(Some(429), None, Some("slow down")), "429: slow down");
        assert_eq!(error(None, Some("overloaded_error"), None), "overloaded_error");
        assert_eq!(error(None, None, Some("gone")), "gone");
        assert_eq!(error(None, None, None), "an error answer without details");
        let long = ProviderError::new(None, Some("k".repeat(500)), Some("é".repeat(1000)));
        assert_eq!(long.kind.map(|k| k.len()), Some(128));
        assert_eq!(long.message.map(|m| m.len()), Some(1024));
        assert_eq!(ProviderError::new(None, None, None).error_type(), "_OTHER");
        assert_eq!(
            StreamError::Invalid("prelude checksum mismatch").to_string(),
            "not a valid event stream: prelude checksum mismatch"
        );
    }
}
