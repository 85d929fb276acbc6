//! The sampling settings of a request body, wherever its format puts them and however
//! it names them.

use serde_json::Value;

use super::messages::{BlockFormat, instructions, messages};
use crate::CallBuilder;

/// The names a format gives the sampling settings, in the object that holds them.
pub(crate) struct Names {
    pub(crate) temperature: &'static str,
    pub(crate) top_p: &'static str,
    pub(crate) top_k: &'static str,
    /// The first one present is read.
    pub(crate) max_tokens: &'static [&'static str],
    /// A string or an array of strings.
    pub(crate) stop: &'static str,
}

/// `gen_ai.request.temperature`, `top_p`, `top_k`, `max_tokens` and `stop_sequences`
/// from `config`; fields missing or of the wrong type are left out.
pub(crate) fn sampling<'a>(mut builder: CallBuilder<'a>, config: &Value, names: &Names) -> CallBuilder<'a> {
    let number = |key: &str| config.get(key).and_then(Value::as_f64);
    if let Some(t) = number(names.temperature) {
        builder = builder.temperature(t);
    }
    if let Some(p) = number(names.top_p) {
        builder = builder.top_p(p);
    }
    if let Some(k) = number(names.top_k) {
        builder = builder.top_k(k);
    }
    let max_tokens = names
        .max_tokens
        .iter()
        .find_map(|key| config.get(*key).and_then(Value::as_u64));
    if let Some(max) = max_tokens {
        builder = builder.max_tokens(u32::try_from(max).unwrap_or(u32::MAX));
    }
    match config.get(names.stop) {
        Some(Value::String(stop)) => builder = builder.stop_sequences([stop.clone()]),
        Some(Value::Array(stops)) => {
            let stops: Vec<String> = stops
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            builder = builder.stop_sequences(stops);
        }
        _ => {}
    }
    builder
}

/// `gen_ai.request.model` and `gen_ai.request.stream` from a body's `model` and
/// `stream` (OpenAI-compatible and Anthropic requests).
pub(crate) fn model_and_stream<'a>(mut builder: CallBuilder<'a>, request: &Value) -> CallBuilder<'a> {
    if let Some(model) = request.get("model").and_then(Value::as_str) {
        builder = builder.model(model.to_owned());
    }
    if let Some(stream) = request.get("stream").and_then(Value::as_bool) {
        builder = builder.stream(stream);
    }
    builder
}

/// The `messages` and the `system` prompt of a body (Anthropic's and Bedrock's), for
/// `gen_ai.input.messages` and `gen_ai.system_instructions`: converted only when
/// content is captured.
pub(crate) fn messages_and_system<'a, F: BlockFormat>(
    mut builder: CallBuilder<'a>,
    request: &'a Value,
) -> CallBuilder<'a> {
    if let Some(input) = request.get("messages") {
        builder = builder.request_messages(input, messages::<F>);
    }
    if let Some(system) = request.get("system") {
        builder = builder.request_instructions(system, instructions::<F>);
    }
    builder
}
