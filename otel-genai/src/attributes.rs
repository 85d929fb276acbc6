//! Every GenAI name this crate records, in one place.
//!
//! The names are otel-kit-semconv's, generated from the semantic conventions' model: the
//! GenAI conventions (the `gen_ai.*` registry, its spans, metrics and the
//! `gen_ai.client.inference.operation.details` event, and the `openai.*` names) as last
//! released in open-telemetry/semantic-conventions **v1.41.0**. They have since moved to
//! open-telemetry/semantic-conventions-genai, which has made no release yet. Names outside
//! these namespaces (`server.address`, `error.type`, `exception.*`,
//! `aws.bedrock.guardrail.id`) are semantic conventions 1.45's, from the same crate.
//!
//! ```
//! use otel_kit_genai::attributes;
//!
//! assert_eq!(attributes::GEN_AI_USAGE_INPUT_TOKENS, "gen_ai.usage.input_tokens");
//! assert_eq!(attributes::SEMCONV_VERSION, "1.41.0");
//! ```

/// The version of the GenAI semantic conventions this crate follows.
pub use otel_kit_semconv::GENAI_SEMCONV_VERSION as SEMCONV_VERSION;

// The request, the response and token usage (on spans; `gen_ai.token.type` on
// `gen_ai.client.token.usage`).
pub use otel_kit_semconv::attribute::{
    GEN_AI_CONVERSATION_ID, GEN_AI_EMBEDDINGS_DIMENSION_COUNT, GEN_AI_OPERATION_NAME, GEN_AI_OUTPUT_TYPE,
    GEN_AI_PROVIDER_NAME, GEN_AI_REQUEST_CHOICE_COUNT, GEN_AI_REQUEST_ENCODING_FORMATS,
    GEN_AI_REQUEST_FREQUENCY_PENALTY, GEN_AI_REQUEST_MAX_TOKENS, GEN_AI_REQUEST_MODEL,
    GEN_AI_REQUEST_PRESENCE_PENALTY, GEN_AI_REQUEST_SEED, GEN_AI_REQUEST_STOP_SEQUENCES,
    GEN_AI_REQUEST_STREAM, GEN_AI_REQUEST_TEMPERATURE, GEN_AI_REQUEST_TOP_K, GEN_AI_REQUEST_TOP_P,
    GEN_AI_RESPONSE_FINISH_REASONS, GEN_AI_RESPONSE_ID, GEN_AI_RESPONSE_MODEL,
    GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, GEN_AI_TOKEN_TYPE, GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, GEN_AI_USAGE_INPUT_TOKENS, GEN_AI_USAGE_OUTPUT_TOKENS,
    GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
};
// Tools and agents.
pub use otel_kit_semconv::attribute::{
    GEN_AI_AGENT_DESCRIPTION, GEN_AI_AGENT_ID, GEN_AI_AGENT_NAME, GEN_AI_TOOL_CALL_ARGUMENTS,
    GEN_AI_TOOL_CALL_ID, GEN_AI_TOOL_CALL_RESULT, GEN_AI_TOOL_DESCRIPTION, GEN_AI_TOOL_NAME,
    GEN_AI_TOOL_TYPE,
};
// Captured content (JSON), recorded only when capture is on.
pub use otel_kit_semconv::attribute::{
    GEN_AI_INPUT_MESSAGES, GEN_AI_OUTPUT_MESSAGES, GEN_AI_SYSTEM_INSTRUCTIONS,
};
// AWS Bedrock's own (`bedrock::chat` reads the guardrail from the request).
pub use otel_kit_semconv::attribute::AWS_BEDROCK_GUARDRAIL_ID;
// The OpenAI provider's own.
pub use otel_kit_semconv::attribute::{
    OPENAI_API_TYPE, OPENAI_REQUEST_SERVICE_TIER, OPENAI_RESPONSE_SERVICE_TIER,
    OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
};
// The log events: captured content in `EVENT_ONLY` / `SPAN_AND_EVENT` modes (INFO), and a
// failed call with `exception.type` and `exception.message` (WARN).
pub use otel_kit_semconv::event::{
    GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS, GEN_AI_CLIENT_OPERATION_EXCEPTION,
};
// The metrics: durations and the time to the first and between streamed chunks in
// seconds, token counts in `{token}` split by `gen_ai.token.type`.
pub use otel_kit_semconv::metric::{
    GEN_AI_CLIENT_OPERATION_DURATION, GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
    GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, GEN_AI_CLIENT_TOKEN_USAGE,
};

/// The advisory bucket boundaries of the duration histograms, in seconds.
pub const GENAI_DURATION_BUCKETS: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/// The advisory bucket boundaries of `gen_ai.client.token.usage`.
pub const TOKEN_BUCKETS: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

/// Our own estimate of the call's cost from a user-supplied [`PriceTable`]
/// (double). Not a semantic-convention name: an estimate, not an invoice.
///
/// [`PriceTable`]: crate::PriceTable
pub const OTEL_GENAI_COST_ESTIMATE: &str = otel_kit_semconv::kit::attribute::OTEL_GENAI_COST_ESTIMATE;
/// The currency of [`OTEL_GENAI_COST_ESTIMATE`], as given in the price table.
pub const OTEL_GENAI_COST_CURRENCY: &str = otel_kit_semconv::kit::attribute::OTEL_GENAI_COST_CURRENCY;
