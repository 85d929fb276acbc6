//! Trace-context propagation: choosing propagators from `OTEL_PROPAGATORS` (W3C, B3,
//! Jaeger, AWS X-Ray), W3C baggage
//! with its size limits enforced on extraction, carriers for non-HTTP transports, and
//! continuing a trace in queue consumers and spawned tasks.
//!
//! A service reads `OTEL_PROPAGATORS` ([`Propagators::from_env`], or [`from_names`] on a
//! value it has), logs the result and installs it; a producer injects into message
//! headers and a consumer continues the trace from them:
//!
//! ```
//! use opentelemetry::trace::TraceContextExt as _;
//! use opentelemetry::{Context, propagation::TextMapPropagator as _};
//! use otel_kit_init::propagation::{MessageHeaders, MessageHeadersMut, from_names};
//!
//! let (propagators, warnings) = from_names(["tracecontext", "baggage", "ottrace"]);
//! assert_eq!(propagators.to_string(), "tracecontext,baggage");
//! assert_eq!(
//!     warnings,
//!     ["OTEL_PROPAGATORS=\"tracecontext,baggage,ottrace\" names `ottrace`, which this kit does not support; it is skipped"]
//! );
//!
//! // Producer side: byte-valued headers, as Kafka and AMQP carry them.
//! let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
//! let incoming = propagators.extract(&std::collections::HashMap::from([(
//!     "traceparent".to_owned(),
//!     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
//! )]));
//! propagators.inject_context(&incoming, &mut MessageHeadersMut::new(&mut headers));
//!
//! // Consumer side.
//! let cx: Context = propagators.extract(&MessageHeaders::new(&headers));
//! assert_eq!(cx.span().span_context().trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
//! ```
//!
//! In a service, [`Propagators::install_global`] sets the process-wide propagator that
//! [`inject`], [`extract`], [`inject_into`] and [`extract_from`] use, and
//! [`continue_trace`] / [`spawn_in_context`] make the extracted context the parent of the
//! consumer's work.

mod b3;
mod baggage_limits;
mod carriers;
mod context_tasks;
mod extractor_source;
mod jaeger;
mod names;
mod propagators;
mod trace_context;
#[cfg(feature = "xray")]
mod xray;

pub use baggage_limits::LimitedBaggagePropagator;
pub use carriers::{MessageHeaders, MessageHeadersMut, extract, extract_from, inject, inject_into};
pub use context_tasks::{continue_trace, spawn_in_context};
pub use names::{PropagatorName, from_names};
pub(crate) use names::{VARIABLE, read_names};
pub use propagators::Propagators;

/// Carriers over `http::HeaderMap` (axum, hyper, reqwest, tonic metadata converted to
/// headers), from `opentelemetry-http`: extract with `HeaderExtractor(&headers)`, inject
/// with `HeaderInjector(&mut headers)`.
///
/// ```
/// use otel_kit_init::propagation::{HeaderExtractor, HeaderInjector};
/// use opentelemetry::propagation::{Extractor as _, Injector as _};
///
/// let mut headers = http::HeaderMap::new();
/// HeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
/// assert!(HeaderExtractor(&headers).get("traceparent").is_some());
/// ```
pub use opentelemetry_http::{HeaderExtractor, HeaderInjector};
