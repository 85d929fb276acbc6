//! The RPC duration histograms, resolved with the tracer and the propagator by each
//! layer's [`Resolver`](otel_kit_core::__private::Resolver).

use std::sync::OnceLock;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};
use otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS;
#[cfg(feature = "server")]
use otel_kit_core::__private::incoming_context::{ContextState, IncomingContextCounter};
use otel_kit_semconv::metric as semconv;

use crate::status::Side;

/// `rpc.server.call.duration` and `rpc.client.call.duration`, each built on first use
/// (building an instrument registers it with the SDK; a process that only serves must
/// not report a client metric).
pub(crate) struct Instruments {
    meter: Meter,
    server: OnceLock<Histogram<f64>>,
    client: OnceLock<Histogram<f64>>,
    /// `otel_kit.server.incoming_context`, built on the first served call.
    #[cfg(feature = "server")]
    incoming: IncomingContextCounter,
}

impl otel_kit_core::__private::Instruments for Instruments {
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java agent's switches").
    const SWITCHES: &'static [&'static str] = &["GRPC", "TONIC"];

    fn scope() -> InstrumentationScope {
        crate::scope::SCOPE.get()
    }

    fn new(meter: Meter) -> Self {
        Self {
            #[cfg(feature = "server")]
            incoming: IncomingContextCounter::new(&meter),
            meter,
            server: OnceLock::new(),
            client: OnceLock::new(),
        }
    }

    otel_kit_core::__private::instruments_cache!(Instruments);
}

impl Instruments {
    /// Counts a traced served call by the state of its incoming context.
    #[cfg(feature = "server")]
    pub(crate) fn count_incoming(&self, state: ContextState) {
        self.incoming.count(state);
    }

    /// The duration histogram of `side`.
    pub(crate) fn duration(&self, side: Side) -> &Histogram<f64> {
        let (slot, name, description) = match side {
            Side::Server => (
                &self.server,
                semconv::RPC_SERVER_CALL_DURATION,
                "Measures the duration of incoming remote procedure calls.",
            ),
            Side::Client => (
                &self.client,
                semconv::RPC_CLIENT_CALL_DURATION,
                "Measures the duration of outgoing remote procedure calls.",
            ),
        };
        slot.get_or_init(|| {
            otel_kit_core::__private::duration_histogram(
                &self.meter,
                name,
                description,
                &HTTP_RPC_DURATION_BUCKETS,
            )
        })
    }
}
