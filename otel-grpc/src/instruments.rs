//! The RPC duration histograms, kept per thread with the other globals a call needs
//! (otel-kit-http's [`globals`](otel_kit_http::globals): the tracer, the propagator's header
//! names, refreshed every 10 ms).

use std::cell::RefCell;
use std::time::Instant;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};
use opentelemetry_semantic_conventions::metric as semconv;
use otel_kit_http::conventions::DURATION_BUCKETS;
use otel_kit_http::globals::{self, Globals, Slot};

use crate::scope::scope;
use crate::status::Side;

/// `rpc.server.call.duration` and `rpc.client.call.duration`, each built on first use
/// (building an instrument registers it with the SDK; a process that only serves must
/// not report a client metric).
pub(crate) struct Instruments {
    meter: Meter,
    server: Option<Histogram<f64>>,
    client: Option<Histogram<f64>>,
}

thread_local! {
    static GLOBALS: Slot<Instruments> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's copy of the globals, refreshed when older than 10 ms
/// at `now`.
pub(crate) fn with<R>(now: Instant, f: impl FnOnce(&mut Globals<Instruments>) -> R) -> R {
    globals::with(&GLOBALS, Some(now), f)
}

impl globals::Instruments for Instruments {
    fn scope() -> InstrumentationScope {
        scope()
    }

    fn new(meter: Meter) -> Self {
        Self {
            meter,
            server: None,
            client: None,
        }
    }
}

impl Instruments {
    /// The duration histogram of `side`.
    pub(crate) fn duration(&mut self, side: Side) -> &Histogram<f64> {
        let meter = &self.meter;
        let (slot, name, description) = match side {
            Side::Server => (
                &mut self.server,
                semconv::RPC_SERVER_CALL_DURATION,
                "Measures the duration of incoming remote procedure calls.",
            ),
            Side::Client => (
                &mut self.client,
                semconv::RPC_CLIENT_CALL_DURATION,
                "Measures the duration of outgoing remote procedure calls.",
            ),
        };
        slot.get_or_insert_with(|| {
            meter
                .f64_histogram(name)
                .with_unit("s")
                .with_description(description)
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build()
        })
    }
}
