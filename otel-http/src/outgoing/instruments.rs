//! [`Frontend`], what differs between the client front-ends, and [`Instruments`], the
//! client's duration histogram, resolved with the tracer and the propagator by each
//! front-end's [`Resolver`](otel_kit_core::Resolver).
//!
//! A client is often built before the application installs its providers (or a test
//! installs its harness): nothing is resolved when the front-end is built, and without
//! given providers each thread's copy follows the globals (`otel_kit_core::globals_changed`).

use std::marker::PhantomData;
use std::thread::LocalKey;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};
use otel_kit_core::Cache;
use otel_kit_core::hooks::Signatures;
use otel_kit_semconv::metric::HTTP_CLIENT_REQUEST_DURATION;

use crate::conventions::HTTP_RPC_DURATION_BUCKETS;

/// What differs between the client front-ends: the types their hooks and propagation
/// filter see, and the names they answer to.
pub(crate) trait Frontend: Sized + Send + Sync + 'static {
    /// The front-end's type name, in `Debug`.
    const NAME: &'static str;
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java
    /// agent's switches").
    const SWITCHES: &'static [&'static str];
    /// The hooks' argument types.
    type Hooks: Signatures;
    /// `propagate_if`'s filter.
    type PropagationFilter: ?Sized + Send + Sync;

    /// The front-end's per-thread cache of resolved providers.
    fn cache() -> &'static LocalKey<Cache<Instruments<Self>>>;
}
/// One front-end's instruments: the same histogram, resolved and switched per front-end.
pub(crate) struct Instruments<F> {
    pub(crate) duration: Histogram<f64>,
    frontend: PhantomData<fn() -> F>,
}

impl<F: Frontend> otel_kit_core::Instruments for Instruments<F> {
    const SWITCHES: &'static [&'static str] = F::SWITCHES;

    fn scope() -> InstrumentationScope {
        crate::scope::SCOPE.get()
    }

    fn new(meter: Meter) -> Self {
        Self {
            duration: otel_kit_core::duration_histogram(
                &meter,
                HTTP_CLIENT_REQUEST_DURATION,
                "Duration of HTTP client requests.",
                &HTTP_RPC_DURATION_BUCKETS,
            ),
            frontend: PhantomData,
        }
    }

    fn cache() -> &'static LocalKey<Cache<Self>> {
        F::cache()
    }
}
