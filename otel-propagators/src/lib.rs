//! Trace-context propagation for any `opentelemetry_sdk` user: `TextMapPropagator`s
//! that hold to their formats' limits on hostile input, carriers for transports that are
//! not HTTP, and continuing a trace in queue consumers and spawned tasks.
//!
//! - [`Propagators`] (`propagators`): the composite of named propagators and any
//!   given as values, as `OTEL_PROPAGATORS` lists them.
//! - [`PropagatorName`] (`name`): the propagators by their `OTEL_PROPAGATORS` names.
//! - `trace_context`: W3C Trace Context, refusing a `traceparent` that is not exactly
//!   well-formed and validating `tracestate` as a whole.
//! - [`LimitedBaggagePropagator`] (`baggage_limits`): W3C Baggage with its size limits
//!   enforced on extraction.
//! - `b3`, `jaeger`, `ottrace`, `xray` (the `xray` cargo feature): B3 single and multi
//!   header, Jaeger's `uber-trace-id`, OT Trace's `ot-tracer-*`, AWS X-Ray's
//!   `X-Amzn-Trace-Id`, reading headers through `extractor_source` (otel-kit-core's
//!   bounded carrier) and per-header baggage through `baggage_headers`.
//! - [`MessageHeaders`], [`MessageHeadersMut`], [`inject`], [`extract`], [`inject_into`],
//!   [`extract_from`] (`carriers`): carriers for string maps and byte-valued message
//!   headers, and the global propagator applied to them.
//! - [`continue_trace`], [`spawn_in_context`], [`untraced`] (`context_tasks`, the
//!   `context-tasks` cargo feature): the extracted context as the parent of a consumer's
//!   work, and work kept out of traces (a background loop's idle polls).
//! - [`HeaderExtractor`], [`HeaderInjector`]: the carriers over `http::HeaderMap`.
//!
//! # Cargo features
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `context-tasks` | yes | [`continue_trace`], [`spawn_in_context`], [`untraced`] | tokio, tracing-opentelemetry |
//! | `xray` | no | [`PropagatorName::XRay`] | opentelemetry-aws |
//! | `redaction` | no | `Propagators::with_redaction`: outgoing baggage redacted | otel-kit-otlp's redaction |

#![cfg_attr(docsrs, feature(doc_cfg))]

mod b3;
mod baggage_headers;
mod baggage_limits;
mod carriers;
#[cfg(feature = "context-tasks")]
mod context_tasks;
mod extractor_source;
mod jaeger;
mod name;
mod ottrace;
mod propagators;
mod trace_context;
#[cfg(feature = "xray")]
mod xray;

pub use baggage_limits::LimitedBaggagePropagator;
pub use carriers::{MessageHeaders, MessageHeadersMut, extract, extract_from, inject, inject_into};
#[cfg(feature = "context-tasks")]
#[cfg_attr(docsrs, doc(cfg(feature = "context-tasks")))]
pub use context_tasks::{continue_trace, spawn_in_context, untraced};
pub use name::PropagatorName;
pub use propagators::Propagators;

/// Carriers over `http::HeaderMap` (axum, hyper, reqwest, tonic metadata converted to
/// headers), from `opentelemetry-http`: extract with `HeaderExtractor(&headers)`, inject
/// with `HeaderInjector(&mut headers)`.
///
/// ```
/// use otel_kit_propagators::{HeaderExtractor, HeaderInjector};
/// use opentelemetry::propagation::{Extractor as _, Injector as _};
///
/// let mut headers = http::HeaderMap::new();
/// HeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
/// assert!(HeaderExtractor(&headers).get("traceparent").is_some());
/// ```
pub use opentelemetry_http::{HeaderExtractor, HeaderInjector};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
