//! Builders from Converse request bodies.

use opentelemetry::{KeyValue, StringValue};
use serde_json::Value;

use super::messages::ConverseBlocks;
use crate::attributes::AWS_BEDROCK_GUARDRAIL_ID;
use crate::wire::request::{Names, messages_and_system, sampling};
use crate::{CallBuilder, GenAiOperation};

/// `gen_ai.provider.name` of AWS Bedrock.
const AWS_BEDROCK: &str = otel_kit_semconv::value::gen_ai_provider_name::AWS_BEDROCK;

/// Where a Converse request has its sampling settings (in `inferenceConfig`).
const NAMES: Names = Names {
    temperature: "temperature",
    top_p: "topP",
    top_k: "topK",
    max_tokens: &["maxTokens"],
    stop: "stopSequences",
};

/// A chat call (`gen_ai.provider.name` `aws.bedrock`) from a Converse or ConverseStream
/// request body (`POST /model/{modelId}/converse`, `/converse-stream`): `model_id` is
/// the model of the path (`gen_ai.request.model`); from the body, `inferenceConfig`
/// (`maxTokens`, `temperature`, `topP`, `stopSequences`), `top_k` in
/// `additionalModelRequestFields` (as Anthropic's models on Bedrock take it), and
/// `guardrailConfig.guardrailIdentifier` as `aws.bedrock.guardrail.id`; the `messages`
/// and the `system` blocks become `gen_ai.input.messages` and
/// `gen_ai.system_instructions` only when content is captured (nothing is copied
/// otherwise). `toolConfig` is not recorded (the crate records no
/// `gen_ai.tool.definitions`). For ConverseStream, add `.stream(true)`. Fields of the
/// wrong type are ignored.
///
/// ```
/// use serde_json::json;
///
/// let model_id = "anthropic.claude-3-haiku-20240307-v1:0";
/// let request = json!({
///     "messages": [{"role": "user", "content": [{"text": "Weather in Paris?"}]}],
///     "system": [{"text": "Be terse."}],
///     "inferenceConfig": {"maxTokens": 512, "temperature": 0.5, "topP": 0.9},
/// });
/// let call = otel_kit_genai::bedrock::chat(model_id, &request)
///     .server_url("https://bedrock-runtime.us-east-1.amazonaws.com")
///     .start();
/// call.end();
/// ```
pub fn chat<'a>(model_id: impl Into<StringValue>, request: &'a Value) -> CallBuilder<'a> {
    let mut builder = CallBuilder::new(GenAiOperation::Chat, AWS_BEDROCK).model(model_id);
    if let Some(config) = request.get("inferenceConfig") {
        builder = sampling(builder, config, &NAMES);
    }
    let field = |pointer: &str| request.pointer(pointer);
    if let Some(top_k) = field("/additionalModelRequestFields/top_k").and_then(Value::as_f64) {
        builder = builder.top_k(top_k);
    }
    if let Some(guardrail) = field("/guardrailConfig/guardrailIdentifier").and_then(Value::as_str) {
        builder = builder.attribute(KeyValue::new(AWS_BEDROCK_GUARDRAIL_ID, guardrail.to_owned()));
    }
    messages_and_system::<ConverseBlocks>(builder, request)
}
