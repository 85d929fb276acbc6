//! What the otel-kit crates share, and nothing they don't. Users never need to name this
//! crate: each instrumentation re-exports what its users touch ([`Providers`] above
//! all), as axum re-exports axum-core. What only the kit's own crates use is
//! `#[doc(hidden)]`: public because several crates need it, not part of any user's API.
//!
//! What users touch, through the instrumentation crates' re-exports:
//! - [`Providers`]: the tracer provider, meter provider, propagator and logger provider
//!   an instrumentation was given, each defaulting to the global.
//! - [`ServerSpan`]: the request's SERVER span, reachable from handler code inside
//!   `tracing` spans.
//! - [`SpanAttributes`] and [`MetricAttributes`]: what an application's attribute hooks
//!   write into (the metric's capped at
//!   [`MAX_METRIC_ATTRIBUTES`](extra_attributes::MAX_METRIC_ATTRIBUTES)).
//! - [`HeaderCapture`]: opt-in header capture by allow-list that never captures
//!   credentials.
//! - [`PeerServices`]: address to `service.peer.name` for CLIENT spans
//!   (`OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`).
//! - [`log_events`]: [`LogEvent`](log_events::LogEvent), a named event emitted through the
//!   logs API in a span's context, and the kit's global logger provider.
//! - [`globals_changed`] ([`globals_generation`]): tells every instrumentation that the
//!   globals changed, so each thread resolves its copy of them again.
//!
//! - [`app_metrics`]: the application's own metrics (a duration histogram, counters), each
//!   declared with its unit and attribute keys, checked against the naming guidance.
//!
//! - [`ConfigWarning`]: a configuration value that was set but unusable, and what was
//!   used instead, as otel-kit-init and otel-kit-sampling report them; [`EnvReader`], the
//!   environment as both read it (empty is unset, each problem said once).
//! - [`otlp`]: the OTLP [`Signal`](otlp::Signal), [`Protocol`](otlp::Protocol), [`Pem`](otlp::Pem),
//!   [`DynamicHeaders`](otlp::DynamicHeaders) and
//!   [`Compression`](otlp::Compression), re-exported by otel-kit-otlp and otel-kit-init.
//!
//! What the instrumentation crates share (hidden): `resolver` (`Resolver`, the one way
//! every instrumentation resolves its providers per request, with its `Instruments` and
//! per-thread `Cache`), `Scope`, `carrier` (`BoundedExtractor`, the one propagation
//! carrier: one rule for repeated and mis-cased headers, within bounds, over any
//! `HeaderSource`), `hooks` (`Hooks`, the application's hooks on a layer: the one
//! options value every layer keeps them in, with their setters), `call` (`CallFuture`, the one future a call in flight runs in), `response_future` (`ResponseFuture`, the front ends' response future over it), `instrumented_service` (`InstrumentedService`, the service every tower front end wraps around the inner one),
//! `shared_names`, `network` (a client's peer when its server is an IP address),
//! `repeated_keys` (a key set twice on a span: the last value, as the kit exports it),
//! `regular_file` (a file the kit was pointed at, read without blocking, within a limit and,
//! on a thread of its own, by a deadline), `panic_payload`, `exception` (the exception event and the bound on
//! every error message), `error_type`, `bound_instruments`, `bound_histograms` (histograms an
//! instrumentation binds per attribute set, found by its own key), `report_gate` (at most one warning per interval on the export
//! path), `lower_hex` and `trace_state_header` (ids and `tracestate` as the wire writes them), and `HTTP_RPC_DURATION_BUCKETS`.
//!
//! What the crates that build the SDK share (hidden): `sdk` (exemplars, the `tracing`
//! bridges' tracer and logger provider, the cardinality-overflow warning with
//! `sdk-metrics`).
//!
//! The `bound-instruments` feature (off by default here) turns on the metrics API's
//! experimental bound instruments: once the SDK is declared to bind
//! (`bound_instruments`), the exemplar instruments bind each attribute set they are
//! recorded with, and implement `bind`. otel-kit-init's `bound-instruments` (on by
//! default) turns it on with the SDK's.

pub mod app_metrics;
#[doc(hidden)]
pub mod bound_histograms;
#[doc(hidden)]
pub mod bound_instruments;
#[doc(hidden)]
pub mod call;
#[doc(hidden)]
pub mod carrier;
mod config_warning;
pub mod consistent_sampling;
mod duration_histogram;
mod env_reader;
#[doc(hidden)]
pub mod error_type;
#[doc(hidden)]
pub mod exception;
pub mod extra_attributes;
mod global_slot;
pub mod globals_generation;
#[doc(hidden)]
pub mod head_sampling;
pub mod header_capture;
#[doc(hidden)]
pub mod hooks;
#[doc(hidden)]
pub mod incoming_context;
pub mod instrumentation_switches;
#[doc(hidden)]
pub mod instrumented_service;
mod instruments_cache;
pub mod kit_names;
pub mod log_events;
#[doc(hidden)]
pub mod lower_hex;
mod message_bound;
#[doc(hidden)]
pub mod network;
pub mod otlp;
#[doc(hidden)]
pub mod panic_payload;
pub mod peer_service;
#[doc(hidden)]
pub mod printable_endpoint;
pub mod printable_text;
mod providers;
pub mod query_text;
#[doc(hidden)]
pub mod regular_file;
#[doc(hidden)]
pub mod repeated_keys;
#[doc(hidden)]
pub mod report_gate;
pub mod request_value;
#[doc(hidden)]
pub mod resolver;
#[doc(hidden)]
pub mod response_future;
mod scope;
#[doc(hidden)]
pub mod sdk;
#[doc(hidden)]
pub mod server_context;
pub mod server_span;
#[doc(hidden)]
pub mod shared_names;
#[doc(hidden)]
pub mod trace_state_header;

pub use config_warning::ConfigWarning;
pub use duration_histogram::duration_histogram;
pub use env_reader::{EnvReader, process_env};
pub use extra_attributes::{MetricAttributes, SpanAttributes};
pub use globals_generation::globals_changed;
pub use header_capture::HeaderCapture;
pub use peer_service::{PeerServiceError, PeerServices};
pub use providers::{Providers, SharedMeterProvider, SharedPropagator, SharedTracerProvider};
pub use query_text::QueryText;
pub use request_value::RequestValueLimit;
#[doc(hidden)]
pub use resolver::{Cache, Instruments, REFRESH, Resolved, Resolver};
#[doc(hidden)]
pub use scope::Scope;
pub use server_span::ServerSpan;
#[doc(hidden)]
pub use shared_names::SharedNames;

/// The namespaces of the kit's own metrics and attributes, which the semantic
/// conventions do not define: `tokio` (otel-kit-runtime-metrics' tokio metrics; the
/// conventions define no Rust runtime) and `otel_kit` ([`kit_names`]). One list for the
/// emitter and the registry check.
#[doc(hidden)]
pub const KIT_NAMESPACES: &[&str] = &["tokio", kit_names::NAMESPACE];

/// The advisory bucket boundaries (seconds) of `http.server.request.duration`,
/// `http.client.request.duration`, `rpc.server.call.duration` and
/// `rpc.client.call.duration` in semconv 1.44.
///
/// ```
/// assert_eq!(otel_kit_core::HTTP_RPC_DURATION_BUCKETS.len(), 14);
/// ```
#[doc(hidden)]
pub const HTTP_RPC_DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
