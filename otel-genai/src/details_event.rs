//! The `gen_ai.client.inference.operation.details` event, emitted as a log record: a
//! `tracing` event named after it, which a log bridge (otel-kit-init's, otel-kit-testing's,
//! `opentelemetry-appender-tracing`) turns into an OpenTelemetry log record with that
//! event name, in the call's trace context. Python's GenAI instrumentation emits the
//! same event through its logs API; the conventions define events as log records.

use opentelemetry::{Context, KeyValue, Value};

use crate::attributes::*;

/// Emits the details event of a finished call: its identifying attributes (from
/// `call_attributes`, the metric attributes, and `response_attributes`) and its
/// captured content (`content`, already through the hook and the size limit).
pub(crate) fn emit(
    cx: &Context,
    call_attributes: &[KeyValue],
    response_attributes: &[KeyValue],
    content: &[KeyValue],
) {
    let all = || call_attributes.iter().chain(response_attributes).chain(content);
    let text = |key: &str| {
        all()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.as_str().into_owned())
    };
    let int = |key: &str| {
        all()
            .find(|kv| kv.key.as_str() == key)
            .and_then(|kv| match kv.value {
                Value::I64(n) => Some(n),
                _ => None,
            })
    };
    // The record takes the trace and span ids of the current context.
    let _guard = cx.clone().attach();
    tracing::event!(
        name: "gen_ai.client.inference.operation.details",
        target: "gen_ai",
        tracing::Level::INFO,
        gen_ai.operation.name = text(GEN_AI_OPERATION_NAME).as_deref(),
        gen_ai.provider.name = text(GEN_AI_PROVIDER_NAME).as_deref(),
        gen_ai.request.model = text(GEN_AI_REQUEST_MODEL).as_deref(),
        gen_ai.response.model = text(GEN_AI_RESPONSE_MODEL).as_deref(),
        gen_ai.response.id = text(GEN_AI_RESPONSE_ID).as_deref(),
        gen_ai.usage.input_tokens = int(GEN_AI_USAGE_INPUT_TOKENS),
        gen_ai.usage.output_tokens = int(GEN_AI_USAGE_OUTPUT_TOKENS),
        "error.type" = text(opentelemetry_semantic_conventions::attribute::ERROR_TYPE).as_deref(),
        gen_ai.system_instructions = text(GEN_AI_SYSTEM_INSTRUCTIONS).as_deref(),
        gen_ai.input.messages = text(GEN_AI_INPUT_MESSAGES).as_deref(),
        gen_ai.output.messages = text(GEN_AI_OUTPUT_MESSAGES).as_deref(),
        gen_ai.tool.call.arguments = text(GEN_AI_TOOL_CALL_ARGUMENTS).as_deref(),
        gen_ai.tool.call.result = text(GEN_AI_TOOL_CALL_RESULT).as_deref(),
    );
}
