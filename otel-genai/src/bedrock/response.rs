//! [`Response`]s from Converse response bodies, and error answers.

use serde::Deserialize;
use serde_json::Value;

use super::messages::ConverseBlocks;
use crate::errors::{ParseError, parse};
use crate::wire::answer::Answer;
use crate::wire::messages::parts;
use crate::wire::usage::SplitUsage;
use crate::{ProviderError, Response};

/// What [`ParseError`] says a body should have been.
const EXPECTED: &str = "a Bedrock Converse response";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Converse {
    output: Option<Output>,
    stop_reason: Option<String>,
    usage: Option<SplitUsage>,
}

#[derive(Deserialize)]
struct Output {
    message: Option<OutputMessage>,
}

#[derive(Deserialize)]
struct OutputMessage {
    role: Option<String>,
    content: Option<Value>,
}

/// Reads a Converse response body: `stopReason` as the conventions' finish reason
/// (`end_turn` and `stop_sequence` are `stop`, `max_tokens` is `length`, `tool_use` is
/// `tool_call`, `guardrail_intervened` and `content_filtered` are `content_filter`),
/// the usage Bedrock reported (`inputTokens` plus `cacheReadInputTokens` and
/// `cacheWriteInputTokens` as `gen_ai.usage.input_tokens`, each cache count as its own
/// attribute; absent counts stay absent), and `output.message` as the output message.
/// Converse answers carry no id and no model; `metrics.latencyMs` is not recorded (no
/// attribute of the conventions; the span's duration measures the call). Memory and
/// time are linear in the body's size; JSON nested deeper than 128 levels is refused.
///
/// ```
/// let body = br#"{"output":{"message":{"role":"assistant","content":[{"text":"Hi!"}]}},
///   "stopReason":"end_turn","usage":{"inputTokens":30,"outputTokens":3,"totalTokens":33},
///   "metrics":{"latencyMs":420}}"#;
/// let response = otel_kit_genai::bedrock::chat_response(body).unwrap();
/// assert_eq!(response.finish_reasons, ["stop"]);
/// assert_eq!(response.usage.input_tokens, Some(30));
/// ```
pub fn chat_response(body: &[u8]) -> Result<Response, ParseError> {
    let converse: Converse = parse(body, EXPECTED)?;
    let message = converse.output.and_then(|output| output.message);
    let (role, content) = match message {
        Some(message) => (message.role, message.content),
        None => (None, None),
    };
    let answer = Answer {
        role,
        parts: content.as_ref().map(parts::<ConverseBlocks>),
        stop_reason: converse.stop_reason,
        usage: converse.usage.map(SplitUsage::usage).unwrap_or_default(),
        ..Answer::default()
    };
    Ok(answer.response())
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(alias = "Message")]
    message: Option<String>,
    #[serde(rename = "__type", alias = "code")]
    kind: Option<String>,
}

/// Reads an error answer: its HTTP status, the `x-amzn-errortype` header when the
/// response has one, and the body (`{"message": ...}`, with `__type` or `code` when
/// the header is missing). `error.type` is the exception's name (`ThrottlingException`,
/// `ValidationException`, `ModelTimeoutException`...: the header's or `__type`'s value
/// without its namespace and URI), the status when neither names one.
///
/// ```
/// use otel_kit_genai::bedrock::api_error;
///
/// let header = "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/";
/// let error = api_error(429, Some(header), br#"{"message":"Too many requests, please wait before trying again."}"#);
/// assert_eq!(error.error_type(), "ThrottlingException");
/// assert_eq!(error.to_string(), "429 ThrottlingException: Too many requests, please wait before trying again.");
/// let error = api_error(400, None, br#"{"__type":"com.amazonaws.bedrock#ValidationException","message":"Malformed input request"}"#);
/// assert_eq!(error.error_type(), "ValidationException");
/// ```
pub fn api_error(status: u16, error_type_header: Option<&str>, body: &[u8]) -> ProviderError {
    let body = serde_json::from_slice::<ErrorBody>(body).ok();
    let (kind, message) = match body {
        Some(body) => (body.kind, body.message),
        None => (None, None),
    };
    let kind = error_type_header.map(str::to_owned).or(kind);
    ProviderError::new(Some(status), kind.and_then(|k| exception_name(&k)), message)
}

/// An exception's name as AWS's API references spell it (`ThrottlingException`), from a
/// header or body value that may carry a namespace (`com.amazonaws.bedrock#`), a URI
/// (`:http://...`), or an event stream's member name (`throttlingException`).
pub(super) fn exception_name(raw: &str) -> Option<String> {
    let name = raw.rsplit('#').next().unwrap_or(raw);
    let name = name.split(':').next().unwrap_or(name).trim();
    let mut chars = name.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::exception_name;

    #[test]
    fn exception_names() {
        for raw in [
            "ThrottlingException",
            "throttlingException",
            "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            "com.amazonaws.bedrock#ThrottlingException",
            "aws.protocoltests.restjson#ThrottlingException:http://internal.amazon.com/coral/",
        ] {
            assert_eq!(
                exception_name(raw).as_deref(),
                Some("ThrottlingException"),
                "{raw}"
            );
        }
        assert_eq!(exception_name(" "), None);
    }
}
