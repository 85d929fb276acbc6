//! [`GenAiOperation`]: the `gen_ai.operation.name` values and the span kind of each.

use opentelemetry::trace::SpanKind;

/// What kind of GenAI call a span describes (`gen_ai.operation.name`).
///
/// ```
/// use otel_kit_genai::GenAiOperation;
///
/// assert_eq!(GenAiOperation::Chat.as_str(), "chat");
/// assert_eq!(GenAiOperation::ExecuteTool.as_str(), "execute_tool");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenAiOperation {
    /// `chat`: a chat completion.
    Chat,
    /// `text_completion`: a legacy completion.
    TextCompletion,
    /// `generate_content`: a multimodal generation.
    GenerateContent,
    /// `embeddings`.
    Embeddings,
    /// `execute_tool`: running a tool the model asked for.
    ExecuteTool,
    /// `invoke_agent`.
    InvokeAgent,
    /// `create_agent`.
    CreateAgent,
}

impl GenAiOperation {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            GenAiOperation::Chat => "chat",
            GenAiOperation::TextCompletion => "text_completion",
            GenAiOperation::GenerateContent => "generate_content",
            GenAiOperation::Embeddings => "embeddings",
            GenAiOperation::ExecuteTool => "execute_tool",
            GenAiOperation::InvokeAgent => "invoke_agent",
            GenAiOperation::CreateAgent => "create_agent",
        }
    }

    /// The default span kind: CLIENT for calls to a model or a remote agent service,
    /// INTERNAL for tools and in-process agents.
    ///
    /// ```
    /// use opentelemetry::trace::SpanKind;
    /// use otel_kit_genai::GenAiOperation;
    ///
    /// assert_eq!(GenAiOperation::Chat.default_kind(), SpanKind::Client);
    /// assert_eq!(GenAiOperation::ExecuteTool.default_kind(), SpanKind::Internal);
    /// ```
    pub fn default_kind(self) -> SpanKind {
        match self {
            GenAiOperation::ExecuteTool | GenAiOperation::InvokeAgent => SpanKind::Internal,
            _ => SpanKind::Client,
        }
    }
}
