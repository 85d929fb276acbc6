//! What the crates that build the OpenTelemetry SDK share (otel-kit-init's set-up, the
//! metric exporters of otel-kit-otlp, otel-kit-console and otel-kit-prometheus,
//! otel-kit-testing's harness); no instrumentation uses it. It sits in otel-kit-core,
//! not in one of them, because each needs it and none of them may depend on another
//! for it.
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

mod bridge_tracer;
#[cfg(feature = "sdk-metrics")]
pub mod cardinality_overflow;
mod event_names;
pub mod exemplar;

pub use bridge_tracer::BridgeTracer;
pub use event_names::DeclaredEventNames;
