//! Content capture: the switch ([`CaptureMode`], off by default), the messages
//! ([`ChatMessage`], [`Part`]) in the conventions' JSON schema, the redaction/upload hook
//! ([`ContentHook`]) and the size limit ([`bounded_json`]).
//!
//! ```
//! use otel_kit_genai::content::{CaptureMode, ChatMessage};
//!
//! let call = otel_kit_genai::chat("openai", "gpt-4o")
//!     .capture_content(true)
//!     .input_messages(vec![ChatMessage::user("Hi")])
//!     .start();
//! // Unless OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=NO_CONTENT says otherwise.
//! # let _ = CaptureMode::SpanOnly;
//! call.end();
//! ```

pub(crate) mod hook;
pub(crate) mod message;
pub(crate) mod mode;
mod structured;
mod truncate;

pub use hook::{ContentHook, ContentKind};
pub use message::{ChatMessage, MISSING_FINISH_REASON, Part};
pub use mode::{CAPTURE_MESSAGE_CONTENT_ENV, CaptureMode};
pub use truncate::{TRUNCATION_MARKER, bounded_json};

pub(crate) use message::{into_array, to_array};
pub(crate) use mode::{effective, from_env};
pub(crate) use structured::to_any_value;

use serde_json::Value;

use crate::settings::Settings;

/// One piece of content as it is recorded: through the hook, then within the size
/// limit; `value` for the details event (structured), `json` for the span.
pub(crate) struct Rendered {
    pub(crate) value: Value,
    pub(crate) json: String,
}

/// Content as it is recorded: through the hook (an output message then gets its
/// required `finish_reason` if the hook left it none), then within the size limit; `None`
/// when the hook dropped it.
pub(crate) fn render(settings: &Settings, kind: ContentKind, content: Value) -> Option<Rendered> {
    let mut content = match settings.hook() {
        Some(hook) => hook.on_content(kind, content)?,
        None => content,
    };
    if kind == ContentKind::OutputMessages {
        message::require_finish_reason(&mut content);
    }
    let (value, json) = truncate::bounded(content, settings.content_limit);
    Some(Rendered { value, json })
}
