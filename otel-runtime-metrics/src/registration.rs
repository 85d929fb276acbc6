//! Putting the instruments on a meter.

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::Meter;

use crate::runtimes::TokioRuntimes;

/// The namespaces of the kit's own metrics and attributes (not in the semantic
/// conventions); otel-kit-testing's registry check accepts them.
///
/// ```
/// assert!(otel_kit_runtime_metrics::KIT_NAMESPACES.contains(&"tokio"));
/// ```
pub const KIT_NAMESPACES: &[&str] = otel_kit_core::kit_names::KIT_NAMESPACES;

/// This crate's instrumentation scope (its name and version, and the semantic
/// conventions' schema URL), for the meter given to [`register`].
///
/// ```
/// assert_eq!(otel_kit_runtime_metrics::scope().name(), "otel-kit-runtime-metrics");
/// ```
pub fn scope() -> InstrumentationScope {
    InstrumentationScope::builder(env!("CARGO_PKG_NAME"))
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(otel_kit_semconv::SCHEMA_URL)
        .build()
}

/// Registers the process instruments (Linux) and the tokio instruments of `runtimes`
/// on `meter`, once: runtimes added to `runtimes` later are observed by the same
/// instruments.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
/// use otel_kit_runtime_metrics::TokioRuntimes;
///
/// let provider = SdkMeterProvider::builder().build();
/// let runtimes = TokioRuntimes::default();
/// otel_kit_runtime_metrics::register(&provider.meter_with_scope(otel_kit_runtime_metrics::scope()), &runtimes);
/// ```
pub fn register(meter: &Meter, runtimes: &TokioRuntimes) {
    crate::process_metrics::register(meter);
    crate::tokio_metrics::register(meter, runtimes);
}
