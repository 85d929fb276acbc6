//! [`Response`]s from Messages API response bodies, and error answers.

use serde::Deserialize;
use serde_json::Value;

use super::messages::Blocks;
use crate::errors::{ErrorDetail, ParseError, parse};
use crate::wire::{answer::Answer, messages::parts, usage::SplitUsage};
use crate::{ProviderError, Response};

/// What [`ParseError`] says a body should have been.
const EXPECTED: &str = "an Anthropic Messages response";

#[derive(Deserialize)]
struct Message {
    id: Option<String>,
    model: Option<String>,
    role: Option<String>,
    content: Option<Value>,
    stop_reason: Option<String>,
    usage: Option<SplitUsage>,
}

/// Reads a `/v1/messages` response body: id, model, `stop_reason` as the conventions'
/// finish reason, the usage the provider reported (`input_tokens` plus
/// `cache_read_input_tokens` and `cache_creation_input_tokens` as
/// `gen_ai.usage.input_tokens`, each cache count as its own attribute; absent counts
/// stay absent), and the content as the output message. Memory and time are linear in
/// the body's size; JSON nested deeper than 128 levels is refused.
///
/// ```
/// let body = br#"{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
///   "content":[{"type":"text","text":"Hi!"}],"stop_reason":"end_turn","stop_sequence":null,
///   "usage":{"input_tokens":9,"cache_read_input_tokens":100,"cache_creation_input_tokens":0,"output_tokens":3}}"#;
/// let response = otel_kit_genai::anthropic::chat_response(body).unwrap();
/// assert_eq!(response.finish_reasons, ["stop"]);
/// assert_eq!(response.usage.input_tokens, Some(109));
/// assert_eq!(response.usage.cache_read_input_tokens, Some(100));
/// ```
pub fn chat_response(body: &[u8]) -> Result<Response, ParseError> {
    let message: Message = parse(body, EXPECTED)?;
    let answer = Answer {
        id: message.id,
        model: message.model,
        role: message.role,
        parts: message.content.as_ref().map(parts::<Blocks>),
        stop_reason: message.stop_reason,
        usage: message.usage.map(SplitUsage::usage).unwrap_or_default(),
    };
    Ok(answer.response())
}

/// Reads an error answer (`{"type": "error", "error": {"type", "message"}}`, with its
/// HTTP status): `error.type` is the error's type (`overloaded_error`,
/// `rate_limit_error`, `invalid_request_error`...), the status when the body has none.
///
/// ```
/// let body = br#"{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"req_01"}"#;
/// let error = otel_kit_genai::anthropic::api_error(429, body);
/// assert_eq!(error.kind.as_deref(), Some("rate_limit_error"));
/// assert_eq!(error.error_type(), "rate_limit_error");
/// assert_eq!(otel_kit_genai::anthropic::api_error(502, b"<html>").error_type(), "502");
/// ```
pub fn api_error(status: u16, body: &[u8]) -> ProviderError {
    let detail = ErrorDetail::of(body);
    provider_error(Some(status), detail)
}

/// The error of an answer or of a stream's `error` event.
pub(super) fn provider_error(status: Option<u16>, detail: Option<ErrorDetail>) -> ProviderError {
    match detail {
        Some(detail) => ProviderError::new(status, detail.kind, detail.message),
        None => ProviderError::new(status, None, None),
    }
}
