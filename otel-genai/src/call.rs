//! [`GenAiCall`]: the handle of a started call, its context, and how it ends.

use std::error::Error;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::{Context, ContextGuard, KeyValue, StringValue};

use crate::attributes::*;
use crate::content::{self, CaptureMode, ChatMessage, ContentKind, to_array};
use crate::details_event::Details;
use crate::outcome::Outcome;
use otel_kit_core::__private::Resolver;

use crate::Response;
use crate::instruments::Instruments;
use crate::settings::Settings;

/// A started GenAI call: its span is open until the call ends with
/// [`record_response`](Self::record_response), [`record_error`](Self::record_error),
/// [`record_tool_result`](Self::record_tool_result) or [`end`](Self::end). A call
/// dropped without any of them was cancelled by its caller: it ends with status Unset
/// and no `error.type` (see its `Drop`).
///
/// The span's context is what [`in_call`](Self::in_call) and
/// [`attach`](Self::attach) make current, so the HTTP client span of the request
/// (otel-kit-http's `ClientMiddleware`), and any tool or model call made inside an agent,
/// nests under it.
///
/// ```
/// use otel_kit_genai::{Response, Usage};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let call = otel_kit_genai::chat("openai", "gpt-4o").temperature(0.2).max_tokens(512).start();
/// let answer = call.in_call(async { /* send the request */ "..." }).await;
/// call.record_response(
///     &Response::new()
///         .model("gpt-4o-2024-08-06")
///         .finish_reason("stop")
///         .usage(Usage { input_tokens: Some(12), output_tokens: Some(3), ..Usage::default() }),
/// );
/// # let _ = answer; }
/// ```
#[must_use = "a call's span stays open until it is recorded or ended"]
pub struct GenAiCall {
    pub(crate) cx: Context,
    pub(crate) start: Instant,
    /// When the first and the latest streamed chunk arrived, since `start`.
    pub(crate) first_chunk: Option<Duration>,
    pub(crate) last_chunk: Option<Duration>,
    pub(crate) metric_attributes: Vec<KeyValue>,
    pub(crate) records_metrics: bool,
    /// `gen_ai.provider.name` is `openai`: the `openai.response.*` attributes apply.
    pub(crate) openai: bool,
    pub(crate) request_model: Option<StringValue>,
    pub(crate) resolver: Resolver<Instruments>,
    pub(crate) settings: Arc<Settings>,
    pub(crate) mode: CaptureMode,
    /// What the details event will carry (`EVENT_ONLY` / `SPAN_AND_EVENT` only), kept
    /// until the call ends.
    pub(crate) details: Option<Details>,
    pub(crate) ended: bool,
}

impl std::fmt::Debug for GenAiCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenAiCall")
            .field("span", &self.cx.span().span_context())
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl GenAiCall {
    /// The context holding the call's span: the parent for what the call does.
    ///
    /// ```
    /// use opentelemetry::trace::TraceContextExt as _;
    ///
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// let cx = call.context();
    /// assert!(cx.has_active_span());
    /// call.end();
    /// ```
    pub fn context(&self) -> Context {
        self.cx.clone()
    }

    /// Runs `future` with the call's span current whenever it is polled, on any thread:
    /// an HTTP client span started inside (otel-kit-http's `ClientMiddleware`) is its child.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// let status = call.in_call(async { 200 }).await;
    /// assert_eq!(status, 200);
    /// call.end();
    /// # }
    /// ```
    pub fn in_call<F: Future>(&self, future: F) -> WithContext<F> {
        future.with_context(self.cx.clone())
    }

    /// Makes the call's span current on this thread until the guard is dropped (for
    /// synchronous code; use [`in_call`](Self::in_call) across `.await`).
    ///
    /// ```
    /// use opentelemetry::trace::TraceContextExt as _;
    ///
    /// let call = otel_kit_genai::invoke_agent("openai", "planner").start();
    /// {
    ///     let _guard = call.attach();
    ///     let tool = otel_kit_genai::execute_tool("search").start(); // a child of the agent
    ///     tool.end();
    /// }
    /// call.end();
    /// ```
    pub fn attach(&self) -> ContextGuard {
        self.cx.clone().attach()
    }

    /// Whether this call captures content (the process's switch and the builder's).
    ///
    /// ```
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").capture_content(false).start();
    /// assert!(!call.captures_content());
    /// call.end();
    /// ```
    pub fn captures_content(&self) -> bool {
        self.mode.captures()
    }

    /// Adds an attribute to the span.
    ///
    /// ```
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// call.set_attribute(opentelemetry::KeyValue::new("app.tenant", "acme"));
    /// call.end();
    /// ```
    pub fn set_attribute(&self, attribute: KeyValue) {
        self.cx.span().set_attribute(attribute);
    }

    /// Records `gen_ai.input.messages` after the start (when they were not known
    /// then); nothing when content is not captured.
    ///
    /// ```
    /// use otel_kit_genai::content::ChatMessage;
    ///
    /// let mut call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// call.record_input_messages(&[ChatMessage::user("Hi")]);
    /// call.end();
    /// ```
    pub fn record_input_messages(&mut self, messages: &[ChatMessage]) {
        if !self.mode.captures() {
            return;
        }
        let Some(rendered) = content::render(&self.settings, ContentKind::InputMessages, to_array(messages))
        else {
            return;
        };
        if self.mode.on_span() {
            self.set_attribute(KeyValue::new(GEN_AI_INPUT_MESSAGES, rendered.json));
        }
        if let Some(details) = &mut self.details {
            details.content(GEN_AI_INPUT_MESSAGES, rendered.value);
        }
    }

    /// Notes that a streamed chunk arrived: the first one sets
    /// `gen_ai.response.time_to_first_chunk` and the
    /// `gen_ai.client.operation.time_to_first_chunk` metric (recorded when the call
    /// ends); each later one records the time since the one before it on
    /// `gen_ai.client.operation.time_per_output_chunk` at once (calls with a provider
    /// only). Call it for streams only: neither metric is for a request that does not
    /// stream.
    ///
    /// ```
    /// let mut call = otel_kit_genai::chat("openai", "gpt-4o").stream(true).start();
    /// for _chunk in 0..3 {
    ///     call.record_chunk();
    /// }
    /// call.end();
    /// ```
    pub fn record_chunk(&mut self) {
        let now = self.start.elapsed();
        match self.last_chunk {
            None => self.first_chunk = Some(now),
            Some(previous) if self.records_metrics => {
                let seconds = now.saturating_sub(previous).as_secs_f64();
                let attributes = &self.metric_attributes;
                let _attached = self.cx.clone().attach();
                self.resolver.with(None, |resolved| {
                    resolved
                        .instruments()
                        .time_per_output_chunk
                        .record(seconds, attributes);
                });
            }
            Some(_) => {}
        }
        self.last_chunk = Some(now);
    }

    /// Ends the call with the model's answer: response attributes, the token counts the
    /// provider reported (and the token metric), the output messages when content is
    /// captured, and the cost estimate when a price table is configured.
    ///
    /// ```
    /// use otel_kit_genai::Response;
    ///
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// call.record_response(&Response::new().id("chatcmpl-1").finish_reason("stop"));
    /// ```
    pub fn record_response(mut self, response: &Response) {
        self.finish(Outcome::Response(response));
    }

    /// Ends a tool call with its result (`gen_ai.tool.call.result`, content: recorded
    /// only when capture is on).
    ///
    /// ```
    /// let call = otel_kit_genai::execute_tool("get_weather").start();
    /// call.record_tool_result(&serde_json::json!({"temperature": 14}));
    /// ```
    pub fn record_tool_result(mut self, result: &serde_json::Value) {
        self.finish(Outcome::ToolResult(result));
    }

    /// Ends the call as failed: `error.type` is the error's type (the HTTP status for
    /// an [`ApiError`](crate::openai::ApiError), the provider's error type for a
    /// [`ProviderError`](crate::ProviderError) or [`StreamError`](crate::StreamError),
    /// the fully qualified type name otherwise), the span's status is Error with the
    /// error's message, and one `gen_ai.client.operation.exception` event (severity
    /// WARN) records `exception.type` (the error's Rust type,
    /// `otel_kit_core::__private::error_type::of_type`) and `exception.message` (its `Display`).
    /// Messages are cut to 1 KiB.
    ///
    /// ```
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// let err = std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out");
    /// call.record_error(&err);
    /// ```
    pub fn record_error<E: Error + 'static>(mut self, error: &E) {
        let error_type = crate::error_type::of(error);
        self.finish(Outcome::Error {
            error_type: &error_type,
            exception_type: otel_kit_core::__private::error_type::of_type::<E>(),
            description: &error.to_string(),
        });
    }

    /// Ends the call as failed with an `error.type` of your choosing, which is also the
    /// `exception.type` of its `gen_ai.client.operation.exception` event (`description`
    /// its `exception.message` and the span's status description).
    ///
    /// ```
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// call.record_error_type("content_filter", "the answer was filtered");
    /// ```
    pub fn record_error_type(mut self, error_type: &str, description: &str) {
        self.finish(Outcome::Error {
            error_type,
            exception_type: error_type,
            description,
        });
    }

    /// Ends the call successfully with nothing more to record (tools, agents).
    ///
    /// ```
    /// otel_kit_genai::execute_tool("noop").start().end();
    /// ```
    pub fn end(mut self) {
        self.finish(Outcome::Ended);
    }
}

/// A call dropped before it ended was given up by its caller (a timeout around it, a
/// `select!`, a stream the user stopped reading): as the HTTP client conventions (1.41
/// and later) say of a cancelled request, that is not an error, so the span keeps
/// status Unset and neither it nor the duration gets `error.type`. A failure must be
/// recorded with [`GenAiCall::record_error`].
impl Drop for GenAiCall {
    fn drop(&mut self) {
        if !self.ended {
            self.finish(Outcome::Cancelled);
        }
    }
}
