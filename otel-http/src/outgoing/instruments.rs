//! The client's duration histogram, resolved with the tracer and the propagator by each
//! front-end's [`Resolver`](otel_kit_core::Resolver).
//!
//! A client is often built before the application installs its providers (or a test
//! installs its harness): nothing is resolved when the front-end is built, and without
//! given providers each thread's copy follows the globals within 10 ms.

use std::marker::PhantomData;
use std::thread::LocalKey;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};
use opentelemetry_semantic_conventions::metric::HTTP_CLIENT_REQUEST_DURATION;
use otel_kit_core::Cache;

use super::Frontend;
use crate::conventions::DURATION_BUCKETS;

/// One front-end's instruments: the same histogram, resolved and switched per front-end.
pub(crate) struct Instruments<F> {
    pub(crate) duration: Histogram<f64>,
    frontend: PhantomData<fn() -> F>,
}

impl<F: Frontend> otel_kit_core::Instruments for Instruments<F> {
    const SWITCHES: &'static [&'static str] = F::SWITCHES;

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
            frontend: PhantomData,
        }
    }

    fn cache() -> &'static LocalKey<Cache<Self>> {
        F::cache()
    }
}
