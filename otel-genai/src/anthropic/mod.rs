//! Readers for Anthropic's Messages API (`POST /v1/messages`): request bodies to
//! [`CallBuilder`](crate::CallBuilder)s (`gen_ai.provider.name` `anthropic`), response
//! bodies and SSE streams to [`Response`](crate::Response)s, error answers to
//! [`ProviderError`](crate::ProviderError)s. The same shape as [`openai`](crate::openai):
//!
//! ```
//! use serde_json::json;
//!
//! let request = json!({
//!     "model": "claude-sonnet-4-5", "max_tokens": 1024,
//!     "messages": [{"role": "user", "content": "Hi"}],
//! });
//! let call = otel_kit_genai::anthropic::chat(&request).start();
//! // ... send `request` (inside `call.in_call(..)`), read the body ...
//! let body = br#"{"id":"msg_1","model":"claude-sonnet-4-5-20250929","role":"assistant",
//!   "content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn",
//!   "usage":{"input_tokens":10,"output_tokens":3}}"#;
//! call.record_response(&otel_kit_genai::anthropic::chat_response(body).unwrap_or_default());
//! ```
//!
//! `stop_reason` becomes the conventions' finish reason (`end_turn` and
//! `stop_sequence` are `stop`, `max_tokens` is `length`, `tool_use` is `tool_call`,
//! `refusal` is `content_filter`, others as given), and `gen_ai.usage.input_tokens`
//! counts the cache reads and writes Anthropic reports apart, as the conventions ask.

mod messages;
mod request;
mod response;
mod stream;

pub use crate::errors::ParseError;
pub use crate::wire::blocks::MAX_TEXT;
pub use crate::wire::sse::MAX_LINE;
pub use request::chat;
pub use response::{api_error, chat_response};
pub use stream::{ChatStream, MessageEvents};
