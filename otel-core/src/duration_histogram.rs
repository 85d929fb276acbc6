//! [`duration_histogram`]: the one way every instrumentation builds a duration
//! histogram (unit `s`, the conventions' advisory buckets), so the name, unit,
//! description and buckets of one metric cannot drift between the crates that record it.

use std::borrow::Cow;

use opentelemetry::metrics::{Histogram, Meter};

/// A histogram of durations in seconds with the given bucket boundaries.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
///
/// let meter = opentelemetry::global::meter_provider().meter("example");
/// let histogram = otel_kit_core::duration_histogram(
///     &meter,
///     "http.server.request.duration",
///     "Duration of HTTP server requests.",
///     &otel_kit_core::HTTP_RPC_DURATION_BUCKETS,
/// );
/// histogram.record(0.002, &[]);
/// ```
pub fn duration_histogram(
    meter: &Meter,
    name: impl Into<Cow<'static, str>>,
    description: &'static str,
    buckets: &[f64],
) -> Histogram<f64> {
    meter
        .f64_histogram(name)
        .with_unit("s")
        .with_description(description)
        .with_boundaries(buckets.to_vec())
        .build()
}
