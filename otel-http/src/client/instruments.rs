//! The tracer and the duration histogram, taken from the OpenTelemetry globals on
//! every request.
//!
//! Not cached in the middleware: a client is often built before the application
//! installs its providers (or a test installs its harness), and a tracer or instrument
//! taken from the no-op globals stays a no-op forever. A lookup per request costs far
//! less than the request itself.

use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::Histogram;
use opentelemetry_semantic_conventions::metric::HTTP_CLIENT_REQUEST_DURATION;

use crate::conventions::DURATION_BUCKETS;
use crate::scope::scope;

pub(crate) fn tracer() -> BoxedTracer {
    global::tracer_with_scope(scope())
}

pub(crate) fn request_duration() -> Histogram<f64> {
    global::meter_with_scope(scope())
        .f64_histogram(HTTP_CLIENT_REQUEST_DURATION)
        .with_unit("s")
        .with_description("Duration of HTTP client requests.")
        .with_boundaries(DURATION_BUCKETS.to_vec())
        .build()
}
