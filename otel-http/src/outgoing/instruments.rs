//! [`Instruments`], the client's duration histogram, resolved with the tracer and the
//! propagator by each front-end's [`Resolver`](otel_kit_core::__private::Resolver).
//!
//! A client is often built before the application installs its providers (or a test
//! installs its harness): nothing is resolved when the front-end is built, and without
//! given providers each thread's copy follows the globals (`otel_kit_core::globals_changed`).

use std::fmt;
use std::marker::PhantomData;
use std::thread::LocalKey;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};
use otel_kit_core::__private::Cache;
use otel_kit_semconv::metric::HTTP_CLIENT_REQUEST_DURATION;

use crate::bound_duration::BoundDurations;
use crate::conventions::HTTP_RPC_DURATION_BUCKETS;

/// What the client core needs of a framework besides the types its hooks see.
pub(crate) mod sealed {
    use super::{Cache, Instruments, LocalKey, fmt};

    /// Implemented by this crate's frameworks only.
    pub trait Sealed: Sized + Send + Sync + 'static {
        /// The builder's type name, in `Debug`.
        const NAME: &'static str;
        /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java
        /// agent's switches").
        const SWITCHES: &'static [&'static str];
        /// What the builder keeps for this framework alone (awc: its client's timeout).
        type Settings: Clone + Default + fmt::Debug + Send + Sync;

        /// Adds `settings` to the builder's `Debug` output (nothing when it keeps none).
        fn describe(settings: &Self::Settings, out: &mut fmt::DebugStruct<'_, '_>) {
            let _ = (settings, out);
        }

        /// The front-end's per-thread cache of resolved providers.
        fn cache() -> &'static LocalKey<Cache<Instruments<Self>>>;
    }
}

/// One front-end's instruments: the same histogram, resolved and switched per front-end.
pub struct Instruments<F> {
    pub(crate) duration: Histogram<f64>,
    /// `duration` bound per attribute set; dropped with these instruments, so a new
    /// meter provider starts without the old provider's handles.
    pub(crate) bound_durations: BoundDurations,
    frontend: PhantomData<fn() -> F>,
}

impl<F: sealed::Sealed> otel_kit_core::__private::Instruments for Instruments<F> {
    const SWITCHES: &'static [&'static str] = F::SWITCHES;

    fn scope() -> InstrumentationScope {
        crate::scope::SCOPE.get()
    }

    fn new(meter: Meter) -> Self {
        Self {
            duration: otel_kit_core::__private::duration_histogram(
                &meter,
                HTTP_CLIENT_REQUEST_DURATION,
                "Duration of HTTP client requests.",
                &HTTP_RPC_DURATION_BUCKETS,
            ),
            bound_durations: BoundDurations::default(),
            frontend: PhantomData,
        }
    }

    fn cache() -> &'static LocalKey<Cache<Self>> {
        F::cache()
    }
}
