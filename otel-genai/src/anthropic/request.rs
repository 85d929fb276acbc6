//! Builders from Messages API request bodies.

use serde_json::Value;

use super::messages::Blocks;
use crate::wire::request::{Names, messages_and_system, model_and_stream, sampling};
use crate::{CallBuilder, GenAiOperation};

/// `gen_ai.provider.name` of Anthropic's API.
const ANTHROPIC: &str = otel_kit_semconv::value::gen_ai_provider_name::ANTHROPIC;

/// Where a Messages request has its sampling settings.
const NAMES: Names = Names {
    temperature: "temperature",
    top_p: "top_p",
    top_k: "top_k",
    max_tokens: &["max_tokens"],
    stop: "stop_sequences",
};

/// A chat call (`gen_ai.provider.name` `anthropic`) from a `/v1/messages` request
/// body: `model`, `max_tokens`, `temperature`, `top_p`, `top_k`, `stop_sequences` and
/// `stream`; the `messages` (content blocks `text`, `tool_use`, `tool_result`,
/// `thinking`, others such as `image` as given) and the `system` prompt become
/// `gen_ai.input.messages` and `gen_ai.system_instructions` only when content is
/// captured (nothing is copied otherwise). `tools` are not recorded (the crate records
/// no `gen_ai.tool.definitions`). Fields of the wrong type are ignored. For Anthropic's
/// models behind another provider's API, `.provider(..)` names that provider.
///
/// ```
/// use serde_json::json;
///
/// let request = json!({
///     "model": "claude-sonnet-4-5",
///     "max_tokens": 1024,
///     "temperature": 0.2,
///     "stop_sequences": ["END"],
///     "system": "Be terse.",
///     "messages": [{"role": "user", "content": "Weather in Paris?"}],
/// });
/// let call = otel_kit_genai::anthropic::chat(&request)
///     .server_url("https://api.anthropic.com/v1/messages")
///     .start();
/// call.end();
/// ```
pub fn chat(request: &Value) -> CallBuilder<'_> {
    let mut builder = CallBuilder::new(GenAiOperation::Chat, ANTHROPIC);
    builder = model_and_stream(builder, request);
    builder = sampling(builder, request, &NAMES);
    messages_and_system::<Blocks>(builder, request)
}
