//! The process and tokio runtime metrics, moved to otel-kit-runtime-metrics: this path
//! stays for one minor release.

pub use otel_kit_runtime_metrics::{KIT_NAMESPACES, TOKIO_RUNTIME_NAME, TOKIO_WORKER_INDEX};

/// The variable that turns the runtime metrics off (`false`), as the OpenTelemetry Java
/// agent's `otel.instrumentation.runtime-telemetry.enabled` does; unset, they follow
/// `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED` as every instrumentation does.
pub const ENABLED_VARIABLE: &str = "OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED";
