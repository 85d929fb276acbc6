//! The names of the kit's own metrics and attributes, under the `otel_kit` namespace,
//! for what the semantic conventions do not define. One home, so that the emitters,
//! the dashboards' tests and the registry check agree. The names are otel-kit-semconv's
//! `kit` module, generated from the kit's registry (`otel-semconv/model/`).
//!
//! | metric | instrument, unit | attributes |
//! | --- | --- | --- |
//! | [`SERVER_INCOMING_CONTEXT`] | counter, `{request}` | [`CONTEXT_STATE`]: [`CONTEXT_VALID`], [`CONTEXT_ABSENT`] or [`CONTEXT_INVALID`] |
//! | [`SAMPLER_ROOT_DECISIONS`] | counter, `{span}` | [`SAMPLER_DECISION`]: [`DECISION_SAMPLED`] or [`DECISION_DROPPED`] |
//! | [`SAMPLER_PROBABILITY`] | gauge, `1` | none |
//!
//! | attribute or event | on | when |
//! | --- | --- | --- |
//! | [`DB_SLOW_QUERY`] (`true`) | a database CLIENT span, and its [`DB_SLOW_QUERY_EVENT`] log record (WARN) | the operation took at least `OTEL_KIT_DB_SLOW_QUERY_THRESHOLD` |
//!
//! ```
//! assert_eq!(otel_kit_core::kit_names::SERVER_INCOMING_CONTEXT, "otel_kit.server.incoming_context");
//! assert!(otel_kit_core::kit_names::KIT_NAMESPACES.contains(&otel_kit_core::kit_names::NAMESPACE));
//! ```

use otel_kit_semconv::kit;

/// The namespaces of the kit's own metrics and attributes, which the semantic
/// conventions do not define: `tokio` (otel-kit-runtime-metrics' tokio metrics; the
/// conventions define no Rust runtime) and `otel_kit` ([`NAMESPACE`]). One list for the
/// emitter and the registry check.
pub const KIT_NAMESPACES: &[&str] = &["tokio", NAMESPACE];

/// The kit's namespace, declared to the registry check through
/// [`KIT_NAMESPACES`].
pub const NAMESPACE: &str = "otel_kit";

/// Requests a server instrumentation (HTTP or gRPC) received, by the state of their
/// incoming trace context. Prometheus: `otel_kit_server_incoming_context_total`.
pub const SERVER_INCOMING_CONTEXT: &str = kit::metric::OTEL_KIT_SERVER_INCOMING_CONTEXT;
/// The state of a request's incoming trace context.
pub const CONTEXT_STATE: &str = kit::attribute::OTEL_KIT_CONTEXT_STATE;
/// A configured propagator read a valid remote parent.
pub const CONTEXT_VALID: &str = kit::value::otel_kit_context_state::VALID;
/// None of the configured propagators' trace headers was present.
pub const CONTEXT_ABSENT: &str = kit::value::otel_kit_context_state::ABSENT;
/// A configured propagator's trace header was present but could not be read.
pub const CONTEXT_INVALID: &str = kit::value::otel_kit_context_state::INVALID;

/// Root spans (no valid parent) the sampler decided on, by decision. Prometheus:
/// `otel_kit_sampler_root_decisions_total`.
pub const SAMPLER_ROOT_DECISIONS: &str = kit::metric::OTEL_KIT_SAMPLER_ROOT_DECISIONS;
/// A root sampling decision.
pub const SAMPLER_DECISION: &str = kit::attribute::OTEL_KIT_SAMPLER_DECISION;
/// The span is recorded and sampled.
pub const DECISION_SAMPLED: &str = kit::value::otel_kit_sampler_decision::SAMPLED;
/// The span is not sampled (dropped, or recorded only).
pub const DECISION_DROPPED: &str = kit::value::otel_kit_sampler_decision::DROPPED;

/// The probability the sampler was configured with for roots, 0 to 1. Prometheus:
/// `otel_kit_sampler_probability_ratio`.
pub const SAMPLER_PROBABILITY: &str = kit::metric::OTEL_KIT_SAMPLER_PROBABILITY;

/// On a database span (and its [`DB_SLOW_QUERY_EVENT`]): the operation took at least the
/// slow-query threshold (`OTEL_KIT_DB_SLOW_QUERY_THRESHOLD`).
pub const DB_SLOW_QUERY: &str = kit::attribute::OTEL_KIT_DB_SLOW_QUERY;
/// The WARN log record of a slow database operation, in its span's context.
pub const DB_SLOW_QUERY_EVENT: &str = "otel_kit.db.slow_query";
