//! [`duration_histogram`]: the one way every instrumentation builds a duration
//! histogram (unit `s`, the conventions' advisory buckets), so the name, unit,
//! description and buckets of one metric cannot drift between the crates that record it;
//! [`HTTP_RPC_DURATION_BUCKETS`], the HTTP and RPC durations' advisory boundaries.

use std::borrow::Cow;

use opentelemetry::metrics::{Histogram, Meter};

/// The advisory bucket boundaries (seconds) of `http.server.request.duration`,
/// `http.client.request.duration`, `rpc.server.call.duration` and
/// `rpc.client.call.duration` in semconv 1.45.
///
/// ```
/// assert_eq!(otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS.len(), 14);
/// ```
pub const HTTP_RPC_DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// A histogram of durations in seconds with the given bucket boundaries.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
///
/// let meter = opentelemetry::global::meter_provider().meter("example");
/// let histogram = otel_kit_core::__private::duration_histogram(
///     &meter,
///     "http.server.request.duration",
///     "Duration of HTTP server requests.",
///     &otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS,
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
