//! [`Instruments<F, S>`]: framework `F`'s instruments of one side, `S` (the server's
//! `ServerInstruments` or the clients' `ClientInstruments`), resolved with the tracer and the propagator by the layer's
//! [`Resolver`](otel_kit_core::__private::Resolver). One implementation for both sides:
//! the framework gives the switches and the per-thread cache ([`Resolves`]), the side
//! gives the instruments.

use std::marker::PhantomData;
use std::ops::Deref;
use std::thread::LocalKey;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::Meter;
use otel_kit_core::__private::Cache;

/// Side `S`'s instruments, resolved and cached per framework `F` (each framework has
/// its own switches); read as `S`.
pub struct Instruments<F, S> {
    side: S,
    framework: PhantomData<fn() -> F>,
}

/// What a framework gives its instruments of side `S`. A supertrait of each side's
/// sealing trait (`pub` in a private module: never named by users).
pub trait Resolves<S>: Sized + 'static {
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java
    /// agent's switches").
    const SWITCHES: &'static [&'static str];

    /// Each thread's copy of this framework's resolved providers and instruments.
    fn cache() -> &'static LocalKey<Cache<Instruments<Self, S>>>;
}

impl<F: Resolves<S>, S: From<Meter> + Send + Sync + 'static> otel_kit_core::__private::Instruments
    for Instruments<F, S>
{
    const SWITCHES: &'static [&'static str] = F::SWITCHES;

    fn scope() -> InstrumentationScope {
        crate::scope::SCOPE.get()
    }

    fn new(meter: Meter) -> Self {
        Self {
            side: S::from(meter),
            framework: PhantomData,
        }
    }

    fn cache() -> &'static LocalKey<Cache<Self>> {
        F::cache()
    }
}

impl<F, S> Deref for Instruments<F, S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.side
    }
}
