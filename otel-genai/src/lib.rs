//! OpenTelemetry GenAI instrumentation for LLM, embedding, tool and agent calls,
//! whatever client makes them, following the GenAI semantic conventions
//! ([`attributes::SEMCONV_VERSION`]).
//!
//! ```
//! use otel_kit_genai::{Response, Usage};
//!
//! let call = otel_kit_genai::chat("openai", "gpt-4o").temperature(0.2).max_tokens(512).start();
//! // ... make the call inside `call.in_call(..)` ...
//! call.record_response(&Response::new().usage(Usage {
//!     input_tokens: Some(12),
//!     output_tokens: Some(3),
//!     ..Usage::default()
//! }));
//! ```
//!
//! - Starting a call: [`chat`], [`embeddings`], [`execute_tool`], [`invoke_agent`] or
//!   [`CallBuilder::new`] give a [`CallBuilder`] (request attributes);
//!   [`CallBuilder::start`] opens the span.
//! - During and after: [`GenAiCall`] ([`in_call`](GenAiCall::in_call) /
//!   [`attach`](GenAiCall::attach) make its span the parent of the HTTP call), ended
//!   by [`record_response`](GenAiCall::record_response) with a [`Response`] and its
//!   [`Usage`], [`record_error`](GenAiCall::record_error) or
//!   [`end`](GenAiCall::end).
//! - [`openai`]: builders and [`Response`]s from OpenAI-compatible JSON and SSE streams.
//! - [`content`]: the capture switch (off by default), messages, the hook, the limit.
//! - [`Config`] / [`set_config`]: process-wide settings; [`PriceTable`] for the
//!   optional cost estimate.
//! - [`attributes`]: every name recorded, and the metrics' bucket boundaries.
//!
//! Spans and metrics go to the global tracer and meter providers (scope
//! [`INSTRUMENTATION_SCOPE`]), read per thread and refreshed every 10 ms, so the order
//! of set-up does not matter; or, for calls started by a [`GenAi`], to the
//! [`Providers`] it was given. The guide is `docs/genai.md`.

pub mod attributes;
mod builder;
mod call;
mod config;
pub mod content;
mod cost;
mod details_event;
mod error_type;
mod finish;
mod genai;
mod instruments;
pub mod openai;
mod operation;
mod response;
mod server_url;
mod start;

pub use builder::{CallBuilder, chat, embeddings, execute_tool, invoke_agent};
pub use call::GenAiCall;
pub use config::{Config, DEFAULT_CONTENT_LIMIT, set_config};
pub use cost::{Price, PriceTable};
pub use genai::GenAi;
pub use operation::Operation;
pub use otel_kit_core::Providers;
pub use response::{Response, Usage};

#[cfg(doctest)]
#[doc = include_str!("../../docs/genai.md")]
struct Guide;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

/// The name of the instrumentation scope of this crate's spans and metrics (its version
/// is this crate's).
///
/// ```
/// assert_eq!(otel_kit_genai::INSTRUMENTATION_SCOPE, "otel-kit-genai");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = "otel-kit-genai";

static SCOPE: otel_kit_core::Scope =
    otel_kit_core::Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));
