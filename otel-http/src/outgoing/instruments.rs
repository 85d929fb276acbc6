//! [`ClientInstruments`], the client's duration histogram, and [`Instruments<F>`],
//! framework `F`'s, resolved with the tracer and the propagator by each front-end's
//! [`Resolver`](otel_kit_core::__private::Resolver).
//!
//! A client is often built before the application installs its providers (or a test
//! installs its harness): nothing is resolved when the front-end is built, and without
//! given providers each thread's copy follows the globals (`otel_kit_core::globals_changed`).

use opentelemetry::metrics::{Histogram, Meter};
use otel_kit_semconv::metric::HTTP_CLIENT_REQUEST_DURATION;

use crate::bound_duration::BoundDurations;
use crate::conventions::HTTP_RPC_DURATION_BUCKETS;

/// A client framework's instruments: the same histogram, resolved and switched per
/// framework.
pub(crate) type Instruments<F> = crate::instruments::Instruments<F, ClientInstruments>;

/// The client's instruments.
pub struct ClientInstruments {
    pub(crate) duration: Histogram<f64>,
    /// `duration` bound per attribute set; dropped with these instruments, so a new
    /// meter provider starts without the old provider's handles.
    pub(crate) bound_durations: BoundDurations,
}

impl From<Meter> for ClientInstruments {
    fn from(meter: Meter) -> Self {
        Self {
            duration: otel_kit_core::__private::duration_histogram(
                &meter,
                HTTP_CLIENT_REQUEST_DURATION,
                "Duration of HTTP client requests.",
                &HTTP_RPC_DURATION_BUCKETS,
            ),
            bound_durations: BoundDurations::default(),
        }
    }
}
