//! [`CallBuilder`]: the request side of a call, from [`chat`], [`embeddings`],
//! [`execute_tool`], [`invoke_agent`], [`create_agent`] or [`CallBuilder::new`], started
//! with [`CallBuilder::start`].

use opentelemetry::trace::SpanKind;
use opentelemetry::{Array, Context, KeyValue, StringValue, Value};

use crate::GenAiOperation;
use crate::attributes::*;
use crate::content::ChatMessage;

/// Content of the request (input messages, system instructions): as given, or borrowed
/// from a request body and converted only when content is captured (nothing is copied
/// otherwise).
pub(crate) enum Content<'a, T> {
    Given(T),
    /// A part of a request body read by a provider reader, and how to convert it.
    Borrowed(&'a serde_json::Value, fn(&serde_json::Value) -> T),
}

impl<T> Content<'_, T> {
    /// The content, converted now if it was borrowed.
    pub(crate) fn take(self) -> T {
        match self {
            Content::Given(content) => content,
            Content::Borrowed(value, convert) => convert(value),
        }
    }
}

/// A GenAI call about to start: the request's attributes, set before the span exists
/// so that samplers see them. `'a` borrows a request body read by a provider reader
/// ([`openai::chat`](crate::openai::chat), [`anthropic::chat`](crate::anthropic::chat),
/// [`bedrock::chat`](crate::bedrock::chat)); builders from [`chat`] and friends are
/// `'static`.
///
/// ```
/// let call = otel_kit_genai::chat("openai", "gpt-4o")
///     .temperature(0.2)
///     .top_p(0.9)
///     .max_tokens(512)
///     .seed(42)
///     .stop_sequences(["\n\n"])
///     .conversation_id("conv-7")
///     .server_url("https://api.openai.com/v1/chat/completions")
///     .start();
/// call.end();
/// ```
#[must_use = "a call is recorded only once started"]
pub struct CallBuilder<'a> {
    pub(crate) operation: GenAiOperation,
    pub(crate) kind: SpanKind,
    pub(crate) provider: Option<StringValue>,
    pub(crate) model: Option<StringValue>,
    /// The tool's name (`execute_tool`) or the agent's (`invoke_agent`,
    /// `create_agent`), for the span name.
    pub(crate) target: Option<StringValue>,
    pub(crate) attributes: Vec<KeyValue>,
    pub(crate) server_address: Option<StringValue>,
    pub(crate) server_port: Option<i64>,
    pub(crate) capture: Option<bool>,
    pub(crate) input: Option<Content<'a, Vec<ChatMessage>>>,
    pub(crate) system_instructions: Option<Content<'a, serde_json::Value>>,
    pub(crate) tool_arguments: Option<serde_json::Value>,
    pub(crate) parent: Option<Context>,
}

/// A chat completion (`chat {model}`, CLIENT).
///
/// ```
/// let call = otel_kit_genai::chat("openai", "gpt-4o").temperature(0.2).max_tokens(512).start();
/// call.end();
/// ```
pub fn chat(provider: impl Into<StringValue>, model: impl Into<StringValue>) -> CallBuilder<'static> {
    CallBuilder::new(GenAiOperation::Chat, provider).model(model)
}

/// An embeddings request (`embeddings {model}`, CLIENT).
///
/// ```
/// let call = otel_kit_genai::embeddings("openai", "text-embedding-3-small").start();
/// call.end();
/// ```
pub fn embeddings(provider: impl Into<StringValue>, model: impl Into<StringValue>) -> CallBuilder<'static> {
    CallBuilder::new(GenAiOperation::Embeddings, provider).model(model)
}

/// Running a tool the model asked for (`execute_tool {name}`, INTERNAL).
///
/// ```
/// let call = otel_kit_genai::execute_tool("get_weather").tool_call_id("call_1").start();
/// call.end();
/// ```
pub fn execute_tool(name: impl Into<StringValue>) -> CallBuilder<'static> {
    let name = name.into();
    let mut builder = CallBuilder::without_provider(GenAiOperation::ExecuteTool);
    builder
        .attributes
        .push(KeyValue::new(GEN_AI_TOOL_NAME, name.clone()));
    builder
        .attributes
        .push(KeyValue::new(GEN_AI_TOOL_TYPE, "function"));
    builder.target = Some(name);
    builder
}

/// Invoking an agent (`invoke_agent {name}`; INTERNAL, or CLIENT with
/// [`kind`](CallBuilder::kind) for a remote agent service). `provider` is the
/// `gen_ai.provider.name` of the model the agent runs on, which the conventions
/// require on agent spans (and which gives the call its metrics).
///
/// ```
/// let agent = otel_kit_genai::invoke_agent("openai", "weather-bot").agent_id("agent-1").start();
/// agent.end();
/// ```
pub fn invoke_agent(provider: impl Into<StringValue>, name: impl Into<StringValue>) -> CallBuilder<'static> {
    CallBuilder::new(GenAiOperation::InvokeAgent, provider).agent_name(name)
}

/// Creating an agent on a remote agent service (`create_agent {name}`, CLIENT).
///
/// ```
/// let call = otel_kit_genai::create_agent("openai", "weather-bot").model("gpt-4o").start();
/// call.end();
/// ```
pub fn create_agent(provider: impl Into<StringValue>, name: impl Into<StringValue>) -> CallBuilder<'static> {
    CallBuilder::new(GenAiOperation::CreateAgent, provider).agent_name(name)
}

impl<'a> CallBuilder<'a> {
    /// Any operation against `provider` (`gen_ai.provider.name`).
    pub fn new(operation: GenAiOperation, provider: impl Into<StringValue>) -> Self {
        let mut builder = CallBuilder::without_provider(operation);
        builder.provider = Some(provider.into());
        builder
    }

    fn without_provider(operation: GenAiOperation) -> Self {
        CallBuilder {
            operation,
            kind: operation.default_kind(),
            provider: None,
            model: None,
            target: None,
            attributes: Vec::with_capacity(8),
            server_address: None,
            server_port: None,
            capture: None,
            input: None,
            system_instructions: None,
            tool_arguments: None,
            parent: None,
        }
    }

    fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.attributes.push(KeyValue::new(key, value));
        self
    }

    /// `gen_ai.provider.name`, in place of the one given (and for tools, which have none
    /// by default: a call with a provider records the client metrics).
    pub fn provider(mut self, provider: impl Into<StringValue>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// `gen_ai.request.model`.
    pub fn model(mut self, model: impl Into<StringValue>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// `gen_ai.request.temperature`.
    pub fn temperature(self, temperature: f64) -> Self {
        self.with(GEN_AI_REQUEST_TEMPERATURE, temperature)
    }

    /// `gen_ai.request.top_p`.
    pub fn top_p(self, top_p: f64) -> Self {
        self.with(GEN_AI_REQUEST_TOP_P, top_p)
    }

    /// `gen_ai.request.top_k`.
    pub fn top_k(self, top_k: f64) -> Self {
        self.with(GEN_AI_REQUEST_TOP_K, top_k)
    }

    /// `gen_ai.request.max_tokens`.
    pub fn max_tokens(self, max_tokens: u32) -> Self {
        self.with(GEN_AI_REQUEST_MAX_TOKENS, i64::from(max_tokens))
    }

    /// `gen_ai.request.seed`.
    pub fn seed(self, seed: i64) -> Self {
        self.with(GEN_AI_REQUEST_SEED, seed)
    }

    /// `gen_ai.request.stop_sequences`.
    pub fn stop_sequences<S: Into<StringValue>>(self, stop: impl IntoIterator<Item = S>) -> Self {
        let stop: Vec<StringValue> = stop.into_iter().map(Into::into).collect();
        self.with(GEN_AI_REQUEST_STOP_SEQUENCES, Value::Array(Array::String(stop)))
    }

    /// `gen_ai.request.frequency_penalty`.
    pub fn frequency_penalty(self, penalty: f64) -> Self {
        self.with(GEN_AI_REQUEST_FREQUENCY_PENALTY, penalty)
    }

    /// `gen_ai.request.presence_penalty`.
    pub fn presence_penalty(self, penalty: f64) -> Self {
        self.with(GEN_AI_REQUEST_PRESENCE_PENALTY, penalty)
    }

    /// `gen_ai.request.choice.count`, recorded only when not 1.
    pub fn choice_count(self, count: u32) -> Self {
        if count == 1 {
            return self;
        }
        self.with(GEN_AI_REQUEST_CHOICE_COUNT, i64::from(count))
    }

    /// `gen_ai.request.stream`, recorded only for a streaming request (`true`), as the
    /// conventions ask: an absent attribute means a request that does not stream.
    pub fn stream(mut self, stream: bool) -> Self {
        self.attributes
            .retain(|kv| kv.key.as_str() != GEN_AI_REQUEST_STREAM);
        if !stream {
            return self;
        }
        self.with(GEN_AI_REQUEST_STREAM, true)
    }

    /// `gen_ai.request.encoding_formats`.
    pub fn encoding_formats<S: Into<StringValue>>(self, formats: impl IntoIterator<Item = S>) -> Self {
        let formats: Vec<StringValue> = formats.into_iter().map(Into::into).collect();
        self.with(
            GEN_AI_REQUEST_ENCODING_FORMATS,
            Value::Array(Array::String(formats)),
        )
    }

    /// `gen_ai.embeddings.dimension.count`: the number of dimensions the request asks
    /// the embeddings to have (OpenAI's `dimensions`).
    pub fn embedding_dimensions(self, dimensions: u32) -> Self {
        self.with(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, i64::from(dimensions))
    }

    /// `gen_ai.output.type` (`text`, `json`, `image`, `speech`).
    pub fn output_type(self, output_type: impl Into<StringValue>) -> Self {
        self.with(GEN_AI_OUTPUT_TYPE, output_type.into())
    }

    /// `gen_ai.conversation.id`.
    pub fn conversation_id(self, id: impl Into<StringValue>) -> Self {
        self.with(GEN_AI_CONVERSATION_ID, id.into())
    }

    /// `gen_ai.agent.id`.
    pub fn agent_id(self, id: impl Into<StringValue>) -> Self {
        self.with(GEN_AI_AGENT_ID, id.into())
    }

    /// `gen_ai.agent.name`: the agent's name on `invoke_agent` and `create_agent` calls
    /// (and their span name), or the agent a chat call is made for.
    pub fn agent_name(mut self, name: impl Into<StringValue>) -> Self {
        let name = name.into();
        self.attributes.retain(|kv| kv.key.as_str() != GEN_AI_AGENT_NAME);
        if matches!(
            self.operation,
            GenAiOperation::InvokeAgent | GenAiOperation::CreateAgent
        ) {
            self.target = Some(name.clone());
        }
        self.with(GEN_AI_AGENT_NAME, name)
    }

    /// `gen_ai.agent.description`.
    pub fn agent_description(self, description: impl Into<StringValue>) -> Self {
        self.with(GEN_AI_AGENT_DESCRIPTION, description.into())
    }

    /// `gen_ai.tool.call.id`.
    pub fn tool_call_id(self, id: impl Into<StringValue>) -> Self {
        self.with(GEN_AI_TOOL_CALL_ID, id.into())
    }

    /// `gen_ai.tool.type` (`function` by default for [`execute_tool`]).
    pub fn tool_type(mut self, tool_type: impl Into<StringValue>) -> Self {
        self.attributes.retain(|kv| kv.key.as_str() != GEN_AI_TOOL_TYPE);
        self.with(GEN_AI_TOOL_TYPE, tool_type.into())
    }

    /// `gen_ai.tool.description`.
    pub fn tool_description(self, description: impl Into<StringValue>) -> Self {
        self.with(GEN_AI_TOOL_DESCRIPTION, description.into())
    }

    /// `gen_ai.tool.call.arguments` (content: recorded only when capture is on).
    pub fn tool_arguments(mut self, arguments: serde_json::Value) -> Self {
        self.tool_arguments = Some(arguments);
        self
    }

    /// `server.address` and `server.port`.
    pub fn server(mut self, address: impl Into<StringValue>, port: u16) -> Self {
        self.server_address = Some(address.into());
        self.server_port = Some(i64::from(port));
        self
    }

    /// `server.address` and `server.port` from a URL (`https://host[:port]/...`; the
    /// scheme's default port when none is given). A string that is not such a URL is
    /// ignored.
    pub fn server_url(mut self, url: &str) -> Self {
        if let Some((host, port)) = crate::server_url::parse(url) {
            self.server_address = Some(host.to_owned().into());
            self.server_port = port.map(i64::from);
        }
        self
    }

    /// Captures this call's content (or not), unless the process's switch is
    /// `NO_CONTENT`: a global off always wins. Without this, the process's switch
    /// decides (off by default).
    pub fn capture_content(mut self, capture: bool) -> Self {
        self.capture = Some(capture);
        self
    }

    /// `gen_ai.input.messages` (content).
    pub fn input_messages(mut self, messages: Vec<ChatMessage>) -> Self {
        self.input = Some(Content::Given(messages));
        self
    }

    /// `gen_ai.input.messages` from a request body's messages, converted by `convert`
    /// only when content is captured.
    pub(crate) fn request_messages(
        mut self,
        messages: &'a serde_json::Value,
        convert: fn(&serde_json::Value) -> Vec<ChatMessage>,
    ) -> Self {
        self.input = Some(Content::Borrowed(messages, convert));
        self
    }

    /// `gen_ai.system_instructions` from a request body's system prompt, converted by
    /// `convert` only when content is captured.
    pub(crate) fn request_instructions(
        mut self,
        system: &'a serde_json::Value,
        convert: fn(&serde_json::Value) -> serde_json::Value,
    ) -> Self {
        self.system_instructions = Some(Content::Borrowed(system, convert));
        self
    }

    /// `gen_ai.system_instructions` (content), for instructions sent apart from the
    /// messages.
    pub fn system_instructions(mut self, instructions: serde_json::Value) -> Self {
        self.system_instructions = Some(Content::Given(instructions));
        self
    }

    /// The span's kind, in place of the operation's default.
    pub fn kind(mut self, kind: SpanKind) -> Self {
        self.kind = kind;
        self
    }

    /// The parent, in place of the current context.
    pub fn parent(mut self, parent: &Context) -> Self {
        self.parent = Some(parent.clone());
        self
    }

    /// Any other attribute, on the span.
    pub fn attribute(mut self, attribute: KeyValue) -> Self {
        self.attributes.push(attribute);
        self
    }
}
