//! What the otel-kit crates share, and nothing they don't. Users never need to name this
//! crate: each instrumentation re-exports what its users touch ([`Providers`] above
//! all), as axum re-exports axum-core. What only the kit's own crates use sits behind one
//! hidden module, `__private`: public because several crates need it, not part of any
//! user's API.
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
//! - [`PeerServices`]: address to `server.service.name` for CLIENT spans
//!   (`OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`).
//! - [`RequestValueLimit`]: the cap on strings the HTTP and gRPC layers take from a
//!   request.
//! - [`QueryText`]: how `db.query.text` is recorded.
//! - [`log_events`]: [`LogEvent`](log_events::LogEvent), a named event emitted through the
//!   logs API in a span's context, and the kit's global logger provider.
//! - [`globals_changed`] ([`globals_generation`]): tells every instrumentation that the
//!   globals changed, so each thread resolves its copy of them again.
//! - [`instrumentation_switches`]: the per-instrumentation switches otel-kit-init sets
//!   from `OTEL_INSTRUMENTATION_*`.
//! - [`app_metrics`]: the application's own metrics (a duration histogram, counters), each
//!   declared with its unit and attribute keys, checked against the naming guidance.
//! - [`kit_names`]: the names of the kit's own metrics and attributes (`otel_kit.*`).
//! - [`ConfigWarning`]: a configuration value that was set but unusable, and what was
//!   used instead, as otel-kit-init and otel-kit-sampling report them; [`EnvReader`], the
//!   environment as both read it (empty is unset, each problem said once).
//! - [`otlp`]: the OTLP [`Signal`](otlp::Signal), [`Protocol`](otlp::Protocol), [`Pem`](otlp::Pem),
//!   [`DynamicHeaders`](otlp::DynamicHeaders) and
//!   [`Compression`](otlp::Compression), re-exported by otel-kit-otlp and otel-kit-init.
//!
//! What the kit's own crates share, named through `__private`:
//! - `request_path/`: the request path's machinery, from resolving the providers
//!   (`Resolver`, `Scope`) and reading the caller's headers (`carrier`) to the call in
//!   flight (`CallFuture`, the tower service and response future every front end uses),
//!   the application's hooks, head sampling and the error types.
//! - `text/`: ids and `tracestate` as the wire writes them, what the kit prints of its
//!   input, and the files it was pointed at, read with bounded work.
//! - `sdk/`: what the crates that build or feed the SDK share: exemplars, the `tracing`
//!   bridges' tracer and logger provider, the bridges as the kit sets them up
//!   (`tracing-bridge`: integer fields as integers, `error` events as span status and
//!   exception messages), the cardinality-overflow warning
//!   (`sdk-metrics`), a span's repeated keys as exported, the export path's report gate,
//!   and consistent probability sampling's arithmetic.
//!
//! The `bound-instruments` feature (off by default here) turns on the metrics API's
//! experimental bound instruments: once the SDK is declared to bind
//! (`bound_instruments`), the exemplar instruments bind each attribute set they are
//! recorded with, and implement `bind`. otel-kit-init's `bound-instruments` (on by
//! default) turns it on with the SDK's.

// What users touch.
pub mod app_metrics;
mod config_warning;
mod env_reader;
pub mod extra_attributes;
mod global_slot;
pub mod globals_generation;
pub mod header_capture;
pub mod instrumentation_switches;
pub mod kit_names;
pub mod log_events;
pub mod otlp;
pub mod peer_service;
mod providers;
pub mod query_text;
pub mod request_value;
pub mod server_span;

// What the kit's own crates share, through `__private`.
mod request_path;
mod sdk;
mod text;

pub use config_warning::ConfigWarning;
pub use env_reader::EnvReader;
pub use extra_attributes::{MetricAttributes, SpanAttributes};
pub use globals_generation::globals_changed;
pub use header_capture::HeaderCapture;
pub use peer_service::{PeerServiceError, PeerServices};
pub use providers::{Providers, SharedMeterProvider, SharedPropagator, SharedTracerProvider};
pub use query_text::QueryText;
pub use request_value::RequestValueLimit;
pub use server_span::ServerSpan;

/// What the kit's own crates need and users must not name: no semantic-versioning
/// promise holds for anything here.
#[doc(hidden)]
pub mod __private {
    pub use crate::__instruments_cache as instruments_cache;
    pub use crate::env_reader::process_env;
    pub use crate::request_path::duration_histogram::{HTTP_RPC_DURATION_BUCKETS, duration_histogram};
    pub use crate::request_path::resolver::{Cache, Instruments, REFRESH, Resolved, Resolver};
    pub use crate::request_path::scope::Scope;
    pub use crate::request_path::shared_names::SharedNames;
    pub use crate::request_path::{
        bound_histograms, bound_instruments, call, carrier, error_type, exception, head_sampling, hooks,
        incoming_context, instrumented_service, network, panic_payload, response_future, server_context,
        shared_names,
    };
    #[cfg(feature = "sdk-metrics")]
    pub use crate::sdk::cardinality_overflow;
    #[cfg(feature = "tracing-bridge")]
    pub use crate::sdk::tracing_bridge::{
        BoundedErrors, ChangedFields, ErrorChains, ErrorEvents, ErrorStatus, ErrorsAndReturns, EventFields,
        FieldChange, IntegerFields, Integers, span_bridge,
    };
    pub use crate::sdk::{
        BridgeTracer, DeclaredEventNames, consistent_sampling, exemplar, repeated_keys, report_gate,
    };
    pub use crate::text::{lower_hex, printable_endpoint, printable_text, regular_file, trace_state_header};
}
