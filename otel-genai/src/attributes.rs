//! Every GenAI name this crate records, in one place.
//!
//! The names follow the GenAI semantic conventions as last released in
//! open-telemetry/semantic-conventions **v1.41.0** (the `gen_ai.*` registry, its spans,
//! metrics and the `gen_ai.client.inference.operation.details` event), which is the
//! version the GenAI registry (open-telemetry/semantic-conventions-genai) started from,
//! and the `openai.*` names of the same release. `opentelemetry-semantic-conventions`
//! 0.33 still ships these names, but deprecated (and `openai.*` only behind a feature),
//! so they are defined here instead. Names outside these namespaces (`server.address`,
//! `server.port`, `error.type`, `exception.*`) come from that crate.
//!
//! ```
//! use otel_kit_genai::attributes;
//!
//! assert_eq!(attributes::GEN_AI_USAGE_INPUT_TOKENS, "gen_ai.usage.input_tokens");
//! assert_eq!(attributes::SEMCONV_VERSION, "1.41.0");
//! ```

/// The version of the GenAI semantic conventions this crate follows.
pub const SEMCONV_VERSION: &str = "1.41.0";

/// The name of the operation (`chat`, `embeddings`, `execute_tool`, `invoke_agent`...).
pub const GEN_AI_OPERATION_NAME: &str = "gen_ai.operation.name";
/// The GenAI provider as identified by the client (`openai`, `azure.ai.openai`...).
pub const GEN_AI_PROVIDER_NAME: &str = "gen_ai.provider.name";
/// The model the request asked for.
pub const GEN_AI_REQUEST_MODEL: &str = "gen_ai.request.model";
/// Sampling temperature (double).
pub const GEN_AI_REQUEST_TEMPERATURE: &str = "gen_ai.request.temperature";
/// Nucleus sampling `top_p` (double).
pub const GEN_AI_REQUEST_TOP_P: &str = "gen_ai.request.top_p";
/// Top-k sampling (double).
pub const GEN_AI_REQUEST_TOP_K: &str = "gen_ai.request.top_k";
/// Maximum number of tokens to generate (int).
pub const GEN_AI_REQUEST_MAX_TOKENS: &str = "gen_ai.request.max_tokens";
/// Seed (int).
pub const GEN_AI_REQUEST_SEED: &str = "gen_ai.request.seed";
/// Stop sequences (string array).
pub const GEN_AI_REQUEST_STOP_SEQUENCES: &str = "gen_ai.request.stop_sequences";
/// Frequency penalty (double).
pub const GEN_AI_REQUEST_FREQUENCY_PENALTY: &str = "gen_ai.request.frequency_penalty";
/// Presence penalty (double).
pub const GEN_AI_REQUEST_PRESENCE_PENALTY: &str = "gen_ai.request.presence_penalty";
/// Number of candidates requested, when not 1 (int).
pub const GEN_AI_REQUEST_CHOICE_COUNT: &str = "gen_ai.request.choice.count";
/// Whether the response was requested as a stream (bool).
pub const GEN_AI_REQUEST_STREAM: &str = "gen_ai.request.stream";
/// Requested embedding encoding formats (string array).
pub const GEN_AI_REQUEST_ENCODING_FORMATS: &str = "gen_ai.request.encoding_formats";
/// The model that answered.
pub const GEN_AI_RESPONSE_MODEL: &str = "gen_ai.response.model";
/// The provider's id of the completion.
pub const GEN_AI_RESPONSE_ID: &str = "gen_ai.response.id";
/// Why each choice stopped (string array, one per choice).
pub const GEN_AI_RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
/// Seconds from the request to the first streamed chunk (double).
pub const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: &str = "gen_ai.response.time_to_first_chunk";
/// Input (prompt) tokens, as reported by the provider (int).
pub const GEN_AI_USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// Output (completion) tokens, as reported by the provider (int).
pub const GEN_AI_USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
/// Input tokens served from the provider's cache (int).
pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
/// Input tokens written to the provider's cache (int).
pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str = "gen_ai.usage.cache_creation.input_tokens";
/// Output tokens spent on reasoning (int).
pub const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: &str = "gen_ai.usage.reasoning.output_tokens";
/// The conversation (session, thread) the call belongs to.
pub const GEN_AI_CONVERSATION_ID: &str = "gen_ai.conversation.id";
/// The requested output type (`text`, `json`, `image`, `speech`).
pub const GEN_AI_OUTPUT_TYPE: &str = "gen_ai.output.type";
/// The number of dimensions the request asks the embeddings to have (int).
pub const GEN_AI_EMBEDDINGS_DIMENSION_COUNT: &str = "gen_ai.embeddings.dimension.count";
/// The name of the tool being executed.
pub const GEN_AI_TOOL_NAME: &str = "gen_ai.tool.name";
/// The id of the tool call the model made.
pub const GEN_AI_TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
/// The tool's type (`function`, `extension`, `datastore`).
pub const GEN_AI_TOOL_TYPE: &str = "gen_ai.tool.type";
/// The tool's description.
pub const GEN_AI_TOOL_DESCRIPTION: &str = "gen_ai.tool.description";
/// The tool call's arguments, as JSON (content: recorded only when capture is on).
pub const GEN_AI_TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
/// The tool call's result, as JSON (content: recorded only when capture is on).
pub const GEN_AI_TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
/// The agent's name.
pub const GEN_AI_AGENT_NAME: &str = "gen_ai.agent.name";
/// The agent's id.
pub const GEN_AI_AGENT_ID: &str = "gen_ai.agent.id";
/// The agent's description.
pub const GEN_AI_AGENT_DESCRIPTION: &str = "gen_ai.agent.description";
/// The chat history sent to the model, JSON per the input-messages schema (content).
pub const GEN_AI_INPUT_MESSAGES: &str = "gen_ai.input.messages";
/// The model's answers, JSON per the output-messages schema (content).
pub const GEN_AI_OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
/// System instructions sent apart from the chat history, JSON (content).
pub const GEN_AI_SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
/// `input` or `output`, on `gen_ai.client.token.usage`.
pub const GEN_AI_TOKEN_TYPE: &str = "gen_ai.token.type";

/// The event carrying captured content in `EVENT_ONLY` / `SPAN_AND_EVENT` modes
/// (severity INFO).
pub const GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS: &str = "gen_ai.client.inference.operation.details";
/// The event of a failed call (severity WARN), with `exception.type` and
/// `exception.message`.
pub const GEN_AI_CLIENT_OPERATION_EXCEPTION: &str = "gen_ai.client.operation.exception";

/// The OpenAI API used (`chat_completions`, `responses`); OpenAI provider only.
pub const OPENAI_API_TYPE: &str = "openai.api.type";
/// The service tier the request asked for, when not `auto`; OpenAI provider only.
pub const OPENAI_REQUEST_SERVICE_TIER: &str = "openai.request.service_tier";
/// The service tier that served the response; OpenAI provider only.
pub const OPENAI_RESPONSE_SERVICE_TIER: &str = "openai.response.service_tier";
/// The backend configuration fingerprint of the response; OpenAI provider only.
pub const OPENAI_RESPONSE_SYSTEM_FINGERPRINT: &str = "openai.response.system_fingerprint";

/// Histogram of operation durations, in seconds.
pub const GEN_AI_CLIENT_OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
/// Histogram of token counts, in `{token}`, split by [`GEN_AI_TOKEN_TYPE`].
pub const GEN_AI_CLIENT_TOKEN_USAGE: &str = "gen_ai.client.token.usage";
/// Histogram of the time to the first streamed chunk, in seconds.
pub const GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK: &str = "gen_ai.client.operation.time_to_first_chunk";
/// Histogram of the time between two streamed chunks (every chunk after the first), in
/// seconds.
pub const GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK: &str =
    "gen_ai.client.operation.time_per_output_chunk";

/// The advisory bucket boundaries of the duration histograms, in seconds.
pub const DURATION_BUCKETS: [f64; 14] = [
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
pub const OTEL_GENAI_COST_ESTIMATE: &str = "otel_genai.cost.estimate";
/// The currency of [`OTEL_GENAI_COST_ESTIMATE`], as given in the price table.
pub const OTEL_GENAI_COST_CURRENCY: &str = "otel_genai.cost.currency";
