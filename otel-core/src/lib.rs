//! What the otel-kit instrumentation crates share, and nothing they don't. Users never
//! need to name this crate: each instrumentation re-exports what its users touch
//! ([`Providers`] above all), as axum re-exports axum-core.
//!
//! - [`Providers`]: the tracer provider, meter provider, propagator and logger provider
//!   an instrumentation was given, each defaulting to the global.
//! - [`log_events`]: [`LogEvent`](log_events::LogEvent), a named event emitted through the
//!   logs API in a span's context, and the kit's global logger provider.
//! - [`resolver`]: [`Resolver`], the one way every instrumentation resolves them per request (once
//!   when all four are given, per thread and refreshed every 10 ms otherwise), with
//!   its [`Instruments`] and per-thread [`Cache`].
//! - [`Scope`]: an instrumentation's scope, built once.
//! - [`carrier`]: [`BoundedExtractor`](carrier::BoundedExtractor), the one propagation
//!   carrier: one rule for repeated and mis-cased headers, within bounds, over any
//!   [`HeaderSource`](carrier::HeaderSource) (HTTP headers, pairs, string maps).
//! - [`header_capture`]: [`HeaderCapture`], opt-in header capture by allow-list that
//!   never captures credentials.
//! - [`hooks`]: [`Hooks`](hooks::Hooks), the application's hooks on a layer, and the
//!   [`hook_signatures!`] and [`hook_builders!`] macros that give every layer the same
//!   hook types and builder methods.
//! - [`layer`]: the [`tower_layer!`] and [`response_future!`] macros, the layer, service
//!   and response future every tower instrumentation declares.
//! - [`shared_names`]: [`SharedNames`], span and method names kept for the life of the
//!   process within a byte budget.
//! - [`call`]: [`CallFuture`](call::CallFuture), the one future a call in flight runs in
//!   (its context attached on every poll, a panic recorded, a drop counted as cancelled).
//! - [`panic_payload`]: what a caught panic says, bounded.
//! - [`exception`]: the exception event of a panic or a recorded error, and the bound on
//!   every error message the kit records.
//! - [`exemplar`]: [`ExemplarMeterProvider`](exemplar::ExemplarMeterProvider), histograms
//!   that keep exemplars (the measurement and the span it was recorded in) beside the
//!   SDK, and the [`Reservoirs`](exemplar::Reservoirs) an exporter reads them from.
//! - [`extra_attributes`]: [`SpanAttributes`] and [`MetricAttributes`], what an
//!   application's attribute hooks write into (the metric's capped at
//!   [`MAX_METRIC_ATTRIBUTES`](extra_attributes::MAX_METRIC_ATTRIBUTES)).
//! - [`peer_service`]: [`PeerServices`], address to `service.peer.name` for CLIENT spans
//!   (`OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`).
//! - [`server_span`]: [`ServerSpan`], the request's SERVER span, reachable from handler
//!   code inside `tracing` spans.
//! - [`error_type`]: `error.type` of an error known only by its Rust type.
//! - [`event_names`]: [`DeclaredEventNames`], a logger provider for the `tracing` log
//!   bridge that keeps only the event names the code declared.
//! - [`bridge_tracer`]: [`BridgeTracer`], the tracer for the `tracing` span bridge, which
//!   leaves out the attribute it adds that the registry does not define.
//! - [`bound_instruments`]: whether the SDK in this process implements bound
//!   instruments (declared by the crates that build it), before an instrumentation binds.
//! - [`DURATION_BUCKETS`]: the advisory boundaries of the HTTP and RPC durations.

pub mod bound_instruments;
pub mod bridge_tracer;
pub mod call;
pub mod carrier;
pub mod error_type;
pub mod event_names;
pub mod exception;
pub mod exemplar;
pub mod extra_attributes;
mod global_slot;
pub mod header_capture;
pub mod hooks;
pub mod layer;
pub mod log_events;
pub mod panic_payload;
pub mod peer_service;
mod providers;
pub mod resolver;
mod scope;
pub mod server_span;
pub mod shared_names;

// For `response_future!`, which expands in the instrumentation crates.
#[doc(hidden)]
pub use pin_project_lite as __pin_project_lite;

pub use bridge_tracer::BridgeTracer;
pub use event_names::DeclaredEventNames;
pub use extra_attributes::{MetricAttributes, SpanAttributes};
pub use header_capture::HeaderCapture;
pub use peer_service::{PeerServiceError, PeerServices};
pub use providers::{Providers, SharedMeterProvider, SharedPropagator, SharedTracerProvider};
pub use resolver::{Cache, Instruments, REFRESH, Resolved, Resolver};
pub use scope::Scope;
pub use server_span::ServerSpan;
pub use shared_names::SharedNames;

/// The advisory bucket boundaries (seconds) of `http.server.request.duration`,
/// `http.client.request.duration`, `rpc.server.call.duration` and
/// `rpc.client.call.duration` in semconv 1.42.
///
/// ```
/// assert_eq!(otel_kit_core::DURATION_BUCKETS.len(), 14);
/// ```
pub const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
