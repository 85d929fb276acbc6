//! [`Response`] and [`Usage`]: what a call's answer says, as recorded on its span.

use crate::content::message::ChatMessage;

/// Token counts as reported by the provider. A count the provider did not report stays
/// `None` and is not recorded: never a made-up zero.
///
/// ```
/// let usage = otel_kit_genai::Usage { input_tokens: Some(12), output_tokens: Some(3), ..Default::default() };
/// assert_eq!(usage.cache_read_input_tokens, None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// `gen_ai.usage.input_tokens`.
    pub input_tokens: Option<u64>,
    /// `gen_ai.usage.output_tokens`.
    pub output_tokens: Option<u64>,
    /// `gen_ai.usage.cache_read.input_tokens`.
    pub cache_read_input_tokens: Option<u64>,
    /// `gen_ai.usage.cache_creation.input_tokens`.
    pub cache_creation_input_tokens: Option<u64>,
    /// `gen_ai.usage.reasoning.output_tokens`.
    pub reasoning_output_tokens: Option<u64>,
}

/// The longest value of a response's id, model, finish reasons, service tier and
/// fingerprint as a metric attribute (`gen_ai.response.model`, OpenAI's service tier and
/// fingerprint), in bytes: each distinct value makes a series, and a gateway can echo a
/// caller's model name. On the span they are cut at 4 KiB
/// (`otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES`), and at most 128
/// finish reasons are kept.
///
/// ```
/// assert_eq!(otel_kit_genai::MAX_METRIC_VALUE_BYTES, 256);
/// ```
pub const MAX_METRIC_VALUE_BYTES: usize = 256;

/// A summary of a model's answer: what [`GenAiCall::record_response`] records. The
/// readers in [`openai`](crate::openai), [`anthropic`](crate::anthropic) and
/// [`bedrock`](crate::bedrock) build one from a response body or a stream.
///
/// ```
/// use otel_kit_genai::{Response, Usage};
/// use otel_kit_genai::content::ChatMessage;
///
/// let response = Response::new()
///     .id("chatcmpl-1")
///     .model("gpt-4o-2024-08-06")
///     .finish_reason("stop")
///     .usage(Usage { input_tokens: Some(12), output_tokens: Some(3), ..Usage::default() })
///     .output_message(ChatMessage::assistant("Rainy, 57°F.").with_finish_reason("stop"));
/// assert_eq!(response.finish_reasons, ["stop"]);
/// ```
///
/// [`GenAiCall::record_response`]: crate::GenAiCall::record_response
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    /// `gen_ai.response.id`.
    pub id: Option<String>,
    /// `gen_ai.response.model`.
    pub model: Option<String>,
    /// `gen_ai.response.finish_reasons`, one per choice.
    pub finish_reasons: Vec<String>,
    /// The token counts the provider reported.
    pub usage: Usage,
    /// `gen_ai.output.messages` (recorded only when content capture is on).
    pub output_messages: Vec<ChatMessage>,
    /// The service tier that served the request (OpenAI's `service_tier`): recorded as
    /// `openai.response.service_tier` when the provider is `openai`.
    pub service_tier: Option<String>,
    /// The backend configuration fingerprint (OpenAI's `system_fingerprint`): recorded
    /// as `openai.response.system_fingerprint` when the provider is `openai`.
    pub system_fingerprint: Option<String>,
}

impl Response {
    /// An empty summary.
    pub fn new() -> Self {
        Response::default()
    }

    /// Sets the response id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the model that answered.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Adds a finish reason.
    pub fn finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.finish_reasons.push(reason.into());
        self
    }

    /// Sets the token counts.
    pub fn usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }

    /// Adds an output message.
    pub fn output_message(mut self, message: ChatMessage) -> Self {
        self.output_messages.push(message);
        self
    }

    /// Sets the service tier that served the request (OpenAI).
    pub fn service_tier(mut self, tier: impl Into<String>) -> Self {
        self.service_tier = Some(tier.into());
        self
    }

    /// Sets the system fingerprint (OpenAI).
    pub fn system_fingerprint(mut self, fingerprint: impl Into<String>) -> Self {
        self.system_fingerprint = Some(fingerprint.into());
        self
    }
}
