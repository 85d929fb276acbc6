//! Builders from OpenAI-compatible request bodies.

use opentelemetry::{KeyValue, StringValue};
use serde_json::Value;

use super::provider::OPENAI_PROVIDER;
use crate::attributes::{OPENAI_API_TYPE, OPENAI_REQUEST_SERVICE_TIER};
use crate::wire::request::Names;
use crate::{CallBuilder, GenAiOperation, wire};

/// Where a chat request has its sampling settings.
const NAMES: Names = Names {
    temperature: "temperature",
    top_p: "top_p",
    top_k: "top_k",
    max_tokens: &["max_completion_tokens", "max_tokens"],
    stop: "stop",
};

/// A chat call from a `/chat/completions` request body: `model`, `temperature`,
/// `top_p`, `max_tokens` (or `max_completion_tokens`), `seed`, `stop`, `n`,
/// `frequency_penalty`, `presence_penalty`, `stream`, `response_format`, and the
/// `messages` (turned into `gen_ai.input.messages` only when content is captured).
/// With the provider `openai`, also `openai.api.type = chat_completions` and
/// `openai.request.service_tier` (from `service_tier`, unless `auto`). Fields of the
/// wrong type are ignored.
///
/// ```
/// use serde_json::json;
///
/// let request = json!({
///     "model": "gpt-4o",
///     "temperature": 0.2,
///     "max_tokens": 512,
///     "messages": [{"role": "user", "content": "Weather in Paris?"}],
/// });
/// let call = otel_kit_genai::openai::chat("openai", &request)
///     .server_url("https://api.openai.com/v1")
///     .start();
/// call.end();
/// ```
pub fn chat<'a>(provider: impl Into<StringValue>, request: &'a Value) -> CallBuilder<'a> {
    let provider = provider.into();
    let openai = provider.as_str() == OPENAI_PROVIDER;
    let mut builder = CallBuilder::new(GenAiOperation::Chat, provider);
    if openai {
        builder = builder.attribute(KeyValue::new(OPENAI_API_TYPE, "chat_completions"));
        match request.get("service_tier").and_then(Value::as_str) {
            Some("auto") | None => {}
            Some(tier) => {
                builder = builder.attribute(KeyValue::new(OPENAI_REQUEST_SERVICE_TIER, tier.to_owned()));
            }
        }
    }
    builder = wire::request::model_and_stream(builder, request);
    builder = wire::request::sampling(builder, request, &NAMES);
    let number = |key: &str| request.get(key).and_then(Value::as_f64);
    let integer = |key: &str| request.get(key).and_then(Value::as_u64);
    if let Some(seed) = request.get("seed").and_then(Value::as_i64) {
        builder = builder.seed(seed);
    }
    if let Some(n) = integer("n") {
        builder = builder.choice_count(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(p) = number("frequency_penalty") {
        builder = builder.frequency_penalty(p);
    }
    if let Some(p) = number("presence_penalty") {
        builder = builder.presence_penalty(p);
    }
    match request
        .get("response_format")
        .and_then(|f| f.get("type"))
        .and_then(Value::as_str)
    {
        Some("json_object" | "json_schema") => builder = builder.output_type("json"),
        Some("text") => builder = builder.output_type("text"),
        _ => {}
    }
    if let Some(messages) = request.get("messages") {
        builder = builder.request_messages(messages, super::messages::input_messages);
    }
    builder
}

/// An embeddings call from an `/embeddings` request body: `model`,
/// `encoding_format`, and `dimensions` (as `gen_ai.embeddings.dimension.count`, the
/// number of dimensions the request asks for). The input texts are not recorded.
///
/// ```
/// let request = serde_json::json!({"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 256});
/// otel_kit_genai::openai::embeddings("openai", &request).start().end();
/// ```
pub fn embeddings(provider: impl Into<StringValue>, request: &Value) -> CallBuilder<'static> {
    let mut builder = CallBuilder::new(GenAiOperation::Embeddings, provider);
    if let Some(model) = request.get("model").and_then(Value::as_str) {
        builder = builder.model(model.to_owned());
    }
    if let Some(format) = request.get("encoding_format").and_then(Value::as_str) {
        builder = builder.encoding_formats([format.to_owned()]);
    }
    if let Some(dimensions) = request.get("dimensions").and_then(Value::as_u64) {
        builder = builder.embedding_dimensions(u32::try_from(dimensions).unwrap_or(u32::MAX));
    }
    builder
}

/// Asks a streamed chat request for its usage: sets `stream_options.include_usage` to
/// `true` when the request streams (`"stream": true`) and does not say otherwise.
/// Without it OpenAI-compatible servers send no usage in a stream, and none can be
/// recorded. A request that does not stream, or that set `include_usage` itself
/// (`false` included), is left as it is. Returns whether the request was changed.
///
/// ```
/// use serde_json::json;
///
/// let mut request = json!({"model": "gpt-4o", "stream": true, "messages": []});
/// assert!(otel_kit_genai::openai::request_stream_usage(&mut request));
/// assert_eq!(request["stream_options"]["include_usage"], true);
///
/// let mut opted_out = json!({"stream": true, "stream_options": {"include_usage": false}});
/// assert!(!otel_kit_genai::openai::request_stream_usage(&mut opted_out));
/// let mut unary = json!({"model": "gpt-4o", "messages": []});
/// assert!(!otel_kit_genai::openai::request_stream_usage(&mut unary));
/// ```
pub fn request_stream_usage(request: &mut Value) -> bool {
    if request.get("stream").and_then(Value::as_bool) != Some(true) {
        return false;
    }
    let Some(body) = request.as_object_mut() else {
        return false;
    };
    let options = body
        .entry("stream_options")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    match options.as_object_mut() {
        Some(options) if !options.contains_key("include_usage") => {
            options.insert("include_usage".to_owned(), Value::Bool(true));
            true
        }
        _ => false,
    }
}
