//! What the crates that build or feed the OpenTelemetry SDK share (otel-kit-init's
//! set-up, the exporters of otel-kit-otlp, otel-kit-console and otel-kit-prometheus,
//! otel-kit-processors' span queue, otel-kit-testing's harness); no instrumentation uses
//! it. It sits in otel-kit-core, not in one of them, because each needs it and none of
//! them may depend on another for it. The kit's crates name what is here through
//! `__private`.
//!
//! - [`exemplar`]: [`ExemplarMeterProvider`](exemplar::ExemplarMeterProvider), histograms,
//!   counters, up-down counters and gauges that keep exemplars (the measurement and the
//!   span it was recorded in) beside the SDK, and the [`Reservoirs`](exemplar::Reservoirs) an exporter reads them from.
//! - [`BridgeTracer`]: the tracer for the `tracing` span bridge, which leaves out the
//!   attribute it adds that the registry does not define.
//! - `cardinality_overflow` (`sdk-metrics`): the warning when a metric overflows its
//!   cardinality limit, which every metric reader gives (the OTLP, console and
//!   Prometheus exporters).
//! - [`DeclaredEventNames`]: a logger provider for the `tracing` log bridge that keeps
//!   only the event names the code declared.
//! - [`repeated_keys`]: a span attribute whose key was set twice, once with its last
//!   value, as the exporters and the test harness send it.
//! - [`report_gate`]: at most one warning per interval on the export path.
//! - `tracing_bridge` (`tracing-bridge`): the `tracing` span and log bridges as
//!   otel-kit-init's subscriber and otel-kit-testing's harness set them up: integer
//!   fields as integers, an `error` event's status and exception message.
//! - [`consistent_sampling`]: consistent probability sampling's arithmetic and the `ot`
//!   entry of `tracestate`, for otel-kit-sampling's samplers.

mod bridge_tracer;
#[cfg(feature = "sdk-metrics")]
pub mod cardinality_overflow;
pub mod consistent_sampling;
mod event_names;
pub mod exemplar;
pub mod repeated_keys;
pub mod report_gate;
#[cfg(feature = "tracing-bridge")]
pub(crate) mod tracing_bridge;

pub use bridge_tracer::BridgeTracer;
pub use event_names::DeclaredEventNames;
