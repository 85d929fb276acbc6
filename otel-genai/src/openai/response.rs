//! [`Response`]s from OpenAI-compatible response bodies.

use serde::Deserialize;

use super::completion::Completion;
use super::usage::UsageJson;
use crate::Response;
use crate::errors::{ParseError, parse};

/// What [`ParseError`] says the body should have been.
const EXPECTED: &str = "an OpenAI-compatible response";

#[derive(Deserialize)]
struct Choice {
    finish_reason: Option<String>,
    message: Option<serde_json::Value>,
}

/// Reads a `/chat/completions` response body: id, model, one finish reason per choice,
/// the usage the provider reported (absent counts stay absent), the choices as output
/// messages, and OpenAI's `service_tier` and `system_fingerprint`. Memory and time are linear in the body's size; JSON nested deeper
/// than 128 levels is refused.
///
/// ```
/// let body = br#"{"id":"chatcmpl-1","model":"gpt-4o-2024-08-06",
///   "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],
///   "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#;
/// let response = otel_kit_genai::openai::chat_response(body).unwrap();
/// assert_eq!(response.usage.input_tokens, Some(9));
/// assert_eq!(response.finish_reasons, ["stop"]);
/// assert!(otel_kit_genai::openai::chat_response(b"{").is_err());
/// ```
pub fn chat_response(body: &[u8]) -> Result<Response, ParseError> {
    let completion: Completion<Choice> = parse(body, EXPECTED)?;
    let mut response = Response {
        id: completion.id,
        model: completion.model,
        usage: completion.usage.map(UsageJson::usage).unwrap_or_default(),
        service_tier: completion.service_tier,
        system_fingerprint: completion.system_fingerprint,
        ..Response::default()
    };
    for choice in completion.choices {
        let reason = choice.finish_reason;
        if let Some(reason) = &reason {
            response.finish_reasons.push(reason.clone());
        }
        if let Some(mut message) = choice.message.as_ref().and_then(super::messages::message) {
            message.finish_reason = reason;
            response.output_messages.push(message);
        }
    }
    Ok(response)
}

#[derive(Deserialize)]
struct EmbeddingList {
    model: Option<String>,
    usage: Option<UsageJson>,
}

/// Reads an `/embeddings` response body: model and input tokens (embeddings report no
/// output tokens, so none are recorded). The vectors are skipped, never kept:
/// `gen_ai.embeddings.dimension.count` is what the request asked for
/// ([`embeddings`](super::embeddings) reads it).
///
/// ```
/// let body = br#"{"object":"list","model":"text-embedding-3-small",
///   "data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],
///   "usage":{"prompt_tokens":5,"total_tokens":5}}"#;
/// let response = otel_kit_genai::openai::embeddings_response(body).unwrap();
/// assert_eq!(response.model.as_deref(), Some("text-embedding-3-small"));
/// assert_eq!(response.usage.input_tokens, Some(5));
/// assert_eq!(response.usage.output_tokens, None);
/// ```
pub fn embeddings_response(body: &[u8]) -> Result<Response, ParseError> {
    let list: EmbeddingList = parse(body, EXPECTED)?;
    let mut usage = list.usage.map(UsageJson::usage).unwrap_or_default();
    usage.output_tokens = None;
    Ok(Response {
        model: list.model,
        usage,
        ..Response::default()
    })
}
