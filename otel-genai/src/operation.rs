//! [`Operation`]: the `gen_ai.operation.name` values and the span kind of each.

use opentelemetry::trace::SpanKind;

/// What kind of GenAI call a span describes (`gen_ai.operation.name`).
///
/// ```
/// use otel_kit_genai::Operation;
///
/// assert_eq!(Operation::Chat.as_str(), "chat");
/// assert_eq!(Operation::ExecuteTool.as_str(), "execute_tool");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
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

impl Operation {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Chat => "chat",
            Operation::TextCompletion => "text_completion",
            Operation::GenerateContent => "generate_content",
            Operation::Embeddings => "embeddings",
            Operation::ExecuteTool => "execute_tool",
            Operation::InvokeAgent => "invoke_agent",
            Operation::CreateAgent => "create_agent",
        }
    }

    /// The default span kind: CLIENT for calls to a model or a remote agent service,
    /// INTERNAL for tools and in-process agents.
    ///
    /// ```
    /// use opentelemetry::trace::SpanKind;
    /// use otel_kit_genai::Operation;
    ///
    /// assert_eq!(Operation::Chat.default_kind(), SpanKind::Client);
    /// assert_eq!(Operation::ExecuteTool.default_kind(), SpanKind::Internal);
    /// ```
    pub fn default_kind(self) -> SpanKind {
        match self {
            Operation::ExecuteTool | Operation::InvokeAgent => SpanKind::Internal,
            _ => SpanKind::Client,
        }
    }
}
