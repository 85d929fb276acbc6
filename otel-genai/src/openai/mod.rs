//! Readers for the OpenAI-compatible wire format (OpenAI, Azure OpenAI, vLLM, Ollama,
//! Groq, Mistral, DeepSeek...): request bodies to [`CallBuilder`](crate::CallBuilder)s,
//! response bodies and SSE streams to [`Response`](crate::Response)s, error answers to
//! [`ApiError`]s.
//!
//! The common case is two lines around the request:
//!
//! ```
//! use serde_json::json;
//!
//! let request = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]});
//! let call = otel_kit_genai::openai::chat("openai", &request).start();
//! // ... send `request` (inside `call.in_call(..)`), read the body ...
//! let body = br#"{"id":"c1","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#;
//! call.record_response(&otel_kit_genai::openai::chat_response(body).unwrap_or_default());
//! ```

mod completion;
mod error;
mod messages;
mod provider;
mod request;
mod response;
mod stream;
mod usage;

pub use crate::errors::ParseError;
pub use crate::wire::blocks::MAX_TEXT;
pub use crate::wire::sse::MAX_LINE;
pub use error::ApiError;
pub use request::{chat, embeddings, request_stream_usage};
pub use response::{chat_response, embeddings_response};
pub use stream::{ChatCompletionChunks, ChatStream};

pub(crate) use provider::OPENAI_PROVIDER;
