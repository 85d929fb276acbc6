//! The client's duration histogram, resolved with the tracer and the propagator by the
//! middleware's [`Resolver`](otel_kit_core::Resolver).
//!
//! A client is often built before the application installs its providers (or a test
//! installs its harness): nothing is resolved when the middleware is built, and
//! without given providers each thread's copy follows the globals within 10 ms.

use std::thread::LocalKey;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};
use opentelemetry_semantic_conventions::metric::HTTP_CLIENT_REQUEST_DURATION;
use otel_kit_core::Cache;

use crate::conventions::DURATION_BUCKETS;

pub(crate) struct Instruments {
    pub(super) duration: Histogram<f64>,
}

impl otel_kit_core::Instruments for Instruments {
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java agent's switches").
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "REQWEST"];

    fn scope() -> InstrumentationScope {
        crate::SCOPE.get()
    }

    fn new(meter: Meter) -> Self {
        Self {
            duration: meter
                .f64_histogram(HTTP_CLIENT_REQUEST_DURATION)
                .with_unit("s")
                .with_description("Duration of HTTP client requests.")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
        }
    }

    fn cache() -> &'static LocalKey<Cache<Self>> {
        thread_local! {
            static CACHE: Cache<Instruments> = const { Cache::new() };
        }
        &CACHE
    }
}
