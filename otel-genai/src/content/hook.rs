//! [`ContentHook`]: redact or upload captured content before it is recorded.

use serde_json::Value;

/// Which content a [`ContentHook`] is given.
///
/// ```
/// use otel_kit_genai::content::ContentKind;
///
/// let hook = |kind: ContentKind, v: serde_json::Value| (kind != ContentKind::ToolResult).then_some(v);
/// # let _ = hook;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    /// `gen_ai.input.messages`.
    InputMessages,
    /// `gen_ai.output.messages`.
    OutputMessages,
    /// `gen_ai.system_instructions`.
    SystemInstructions,
    /// `gen_ai.tool.call.arguments`.
    ToolArguments,
    /// `gen_ai.tool.call.result`.
    ToolResult,
}

/// Sees captured content (only when capture is on) before it is truncated and
/// recorded: it returns what to record (the content redacted, or a reference to where
/// it uploaded it) or `None` to record nothing. Any `Fn(ContentKind, Value) ->
/// Option<Value>` is one.
///
/// ```
/// use otel_kit_genai::content::{ContentHook, ContentKind};
/// use serde_json::{Value, json};
///
/// // Replace every string with its length.
/// let hook = |_: ContentKind, v: Value| {
///     Some(json!({"redacted_bytes": v.to_string().len()}))
/// };
/// let out = hook.on_content(ContentKind::InputMessages, json!(["secret"]));
/// assert_eq!(out, Some(json!({"redacted_bytes": 10})));
/// ```
pub trait ContentHook: Send + Sync + 'static {
    /// What to record instead of `content`, or `None` for nothing.
    fn on_content(&self, kind: ContentKind, content: Value) -> Option<Value>;
}

impl<F> ContentHook for F
where
    F: Fn(ContentKind, Value) -> Option<Value> + Send + Sync + 'static,
{
    fn on_content(&self, kind: ContentKind, content: Value) -> Option<Value> {
        self(kind, content)
    }
}
