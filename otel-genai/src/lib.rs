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
//! - Starting a call: [`chat`], [`embeddings`], [`execute_tool`], [`invoke_agent`],
//!   [`create_agent`] or [`CallBuilder::new`] give a [`CallBuilder`] (request attributes);
//!   [`CallBuilder::start`] opens the span.
//! - During and after: [`GenAiCall`] ([`in_call`](GenAiCall::in_call) /
//!   [`attach`](GenAiCall::attach) make its span the parent of the HTTP call), ended
//!   by [`record_response`](GenAiCall::record_response) with a [`Response`] and its
//!   [`Usage`], [`record_error`](GenAiCall::record_error) or
//!   [`end`](GenAiCall::end).
//! - [`openai`]: builders and [`Response`]s from OpenAI-compatible JSON and SSE streams.
//! - [`anthropic`]: the same from Anthropic's Messages API (JSON and SSE streams).
//! - [`bedrock`]: the same from AWS Bedrock's Converse API (JSON, and ConverseStream's
//!   binary event stream).
//! - [`stream`]: the streamed answer each of those three reads
//!   ([`ChatStream<F>`](stream::ChatStream), its methods written once over the format).
//! - The readers' errors: [`ParseError`] (a body that is not the JSON expected),
//!   [`ProviderError`] (an Anthropic or Bedrock error answer) and [`StreamError`] (a
//!   stream that failed), each with the `error.type` it records.
//! - [`content`]: the capture switch (off by default), messages, the hook, the limit.
//! - [`GenAi`]: the value a service holds, with its [`Providers`] and settings (content
//!   capture, limit and hook; a [`PriceTable`] for the optional cost estimate). Calls
//!   started without one use the globals and the defaults.
//! - [`attributes`]: every name recorded, and the metrics' bucket boundaries.
//!
//! Spans, metrics and log events (the details event of captured content, the exception
//! event of a failed call) go to the global tracer and meter providers and the kit's
//! global logger provider (scope [`INSTRUMENTATION_SCOPE`]), read per thread and again
//! as soon as the kit sets a global, so the order of set-up does not matter; or, for calls started
//! by a [`GenAi`], to the [`Providers`] it was given. Without a logger provider, no
//! event is emitted. The guide is `docs/genai.md`.

pub mod anthropic;
pub mod attributes;
pub mod bedrock;
mod builder;
mod call;
pub mod content;
mod cost;
mod details_event;
mod error_type;
mod errors;
mod exception_event;
mod finish;
mod genai;
mod instruments;
pub mod openai;
mod operation;
mod outcome;
mod response;
mod scope;
mod server_url;
mod settings;
mod start;
pub mod stream;
mod wire;

pub use builder::{CallBuilder, chat, create_agent, embeddings, execute_tool, invoke_agent};
pub use call::GenAiCall;
pub use cost::{Price, PriceTable};
pub use errors::{ParseError, ProviderError, StreamError};
pub use genai::GenAi;
/// The OpenTelemetry API this crate is built on, re-exported so that the application
/// names the very version the kit records through: with a second `opentelemetry` in the
/// build, providers installed through one are invisible to the other and the
/// instrumentation silently records nothing.
pub use opentelemetry;
pub use operation::GenAiOperation;
pub use otel_kit_core::Providers;
/// The logger provider the kit's log events (exception events, the GenAI details events) go to when
/// [`Providers`] gives none. `otel_kit_init::init()` sets it; a service without `init()`
/// sets it here, with no need to name the kit's shared core.
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
///
/// otel_kit_genai::set_global_logger_provider(SdkLoggerProvider::builder().build());
/// ```
pub use otel_kit_core::log_events::set_global_logger_provider;
/// `server.service.name` by address, for [`Providers::peer_services`].
pub use otel_kit_core::{PeerServiceError, PeerServices};
pub use response::{MAX_METRIC_VALUE_BYTES, Response, Usage};
pub use scope::INSTRUMENTATION_SCOPE;
pub use settings::DEFAULT_CONTENT_LIMIT;

#[cfg(doctest)]
#[doc = include_str!("../../docs/genai.md")]
struct Guide;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
