//! [`Response`]s from OpenAI-compatible response bodies.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};

use super::ParseError;
use super::usage::UsageJson;
use crate::Response;

#[derive(Deserialize)]
struct Completion {
    id: Option<String>,
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<UsageJson>,
}

#[derive(Deserialize)]
struct Choice {
    finish_reason: Option<String>,
    message: Option<serde_json::Value>,
}

/// Reads a `/chat/completions` response body: id, model, one finish reason per choice,
/// the usage the provider reported (absent counts stay absent), and the choices as
/// output messages. Memory and time are linear in the body's size; JSON nested deeper
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
    let completion: Completion = serde_json::from_slice(body).map_err(ParseError)?;
    let mut response = Response {
        id: completion.id,
        model: completion.model,
        usage: completion.usage.map(UsageJson::usage).unwrap_or_default(),
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
    #[serde(default)]
    data: Vec<Embedding>,
    usage: Option<UsageJson>,
}

#[derive(Deserialize)]
struct Embedding {
    #[serde(default)]
    embedding: Dimensions,
}

/// The length of an embedding array, counted without keeping the numbers; `None` for
/// a base64 string.
#[derive(Default)]
struct Dimensions(Option<u64>);

impl<'de> Deserialize<'de> for Dimensions {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = Dimensions;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of numbers or a base64 string")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dimensions, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Dimensions(Some(n)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Dimensions, E> {
                Ok(Dimensions(None))
            }
        }
        deserializer.deserialize_any(Count)
    }
}

/// Reads an `/embeddings` response body: model, input tokens (embeddings report no
/// output tokens, so none are recorded) and the dimension count (from the first
/// embedding, when it is an array of numbers).
///
/// ```
/// let body = br#"{"object":"list","model":"text-embedding-3-small",
///   "data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],
///   "usage":{"prompt_tokens":5,"total_tokens":5}}"#;
/// let response = otel_kit_genai::openai::embeddings_response(body).unwrap();
/// assert_eq!(response.embedding_dimensions, Some(3));
/// assert_eq!(response.usage.input_tokens, Some(5));
/// assert_eq!(response.usage.output_tokens, None);
/// ```
pub fn embeddings_response(body: &[u8]) -> Result<Response, ParseError> {
    let list: EmbeddingList = serde_json::from_slice(body).map_err(ParseError)?;
    let mut usage = list.usage.map(UsageJson::usage).unwrap_or_default();
    usage.output_tokens = None;
    Ok(Response {
        model: list.model,
        usage,
        embedding_dimensions: list.data.first().and_then(|e| e.embedding.0),
        ..Response::default()
    })
}
