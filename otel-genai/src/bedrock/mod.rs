//! Readers for AWS Bedrock's Converse API (`POST /model/{modelId}/converse` and
//! `/converse-stream`): request bodies to [`CallBuilder`](crate::CallBuilder)s
//! (`gen_ai.provider.name` `aws.bedrock`), response bodies and ConverseStream's binary
//! event streams to [`Response`](crate::Response)s, error answers to
//! [`ProviderError`](crate::ProviderError)s. The same shape as [`openai`](crate::openai):
//!
//! ```
//! use serde_json::json;
//!
//! let model_id = "anthropic.claude-3-haiku-20240307-v1:0";
//! let request = json!({"messages": [{"role": "user", "content": [{"text": "Hi"}]}]});
//! let call = otel_kit_genai::bedrock::chat(model_id, &request).start();
//! // ... send `request` to `/model/{model_id}/converse` (inside `call.in_call(..)`) ...
//! let body = br#"{"output":{"message":{"role":"assistant","content":[{"text":"Hello!"}]}},
//!   "stopReason":"end_turn","usage":{"inputTokens":8,"outputTokens":3,"totalTokens":11},
//!   "metrics":{"latencyMs":310}}"#;
//! call.record_response(&otel_kit_genai::bedrock::chat_response(body).unwrap_or_default());
//! ```
//!
//! `stopReason` becomes the conventions' finish reason (`end_turn` and `stop_sequence`
//! are `stop`, `max_tokens` is `length`, `tool_use` is `tool_call`,
//! `guardrail_intervened` and `content_filtered` are `content_filter`), and
//! `gen_ai.usage.input_tokens` counts the cache reads and writes Bedrock reports apart,
//! as the conventions ask. The event stream is decoded by the crate itself (with a
//! CRC-32 table of its own): no AWS SDK crate is needed.

mod crc32;
mod event_stream;
mod messages;
mod request;
mod response;
mod stream;

pub use crate::errors::ParseError;
pub use crate::wire::blocks::MAX_TEXT;
pub use event_stream::MAX_MESSAGE;
pub use request::chat;
pub use response::{api_error, chat_response};
pub use stream::{ChatStream, ConverseEvents};
