//! [`ServerInstruments`], the server's metric instruments, and [`Instruments<F>`],
//! framework `F`'s, resolved with the tracer and the propagator by the layer's
//! [`Resolver`](otel_kit_core::__private::Resolver).

use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Histogram, Meter, UpDownCounter};
use otel_kit_core::__private::incoming_context::{ContextState, IncomingContextCounter};
use otel_kit_semconv::metric as semconv;

use crate::bound_duration::{BindableSet, BoundDurations};
use crate::conventions::HTTP_RPC_DURATION_BUCKETS;

/// The server's instruments of framework `F`.
pub(crate) type Instruments<F> = crate::instruments::Instruments<F, ServerInstruments>;

/// The server's instruments. The opt-in ones are built on first use: creating an
/// instrument registers it with the SDK, which a layer without the option must not do.
pub struct ServerInstruments {
    meter: Meter,
    duration: Histogram<f64>,
    /// `duration` bound per attribute set; dropped with these instruments, so a new
    /// meter provider starts without the old provider's handles.
    bound_durations: BoundDurations,
    /// `otel_kit.server.incoming_context`, built on the first request.
    incoming: IncomingContextCounter,
    active: OnceLock<UpDownCounter<i64>>,
    request_size: OnceLock<Histogram<u64>>,
    response_size: OnceLock<Histogram<u64>>,
}

impl From<Meter> for ServerInstruments {
    fn from(meter: Meter) -> Self {
        let duration = otel_kit_core::__private::duration_histogram(
            &meter,
            semconv::HTTP_SERVER_REQUEST_DURATION,
            "Duration of HTTP server requests.",
            &HTTP_RPC_DURATION_BUCKETS,
        );
        Self {
            incoming: IncomingContextCounter::new(&meter),
            meter,
            duration,
            bound_durations: BoundDurations::default(),
            active: OnceLock::new(),
            request_size: OnceLock::new(),
            response_size: OnceLock::new(),
        }
    }
}

impl ServerInstruments {
    /// Records `seconds` on `http.server.request.duration` for the set `attributes`
    /// makes, through a bound histogram when `set` describes it all (see
    /// [`BoundDurations`]). Call with the request's context attached, for the exemplar.
    pub(crate) fn record_duration<A: AsRef<[KeyValue]>>(
        &self,
        seconds: f64,
        attributes: impl FnOnce() -> A,
        set: Option<BindableSet<'_>>,
    ) {
        self.bound_durations
            .record(&self.duration, seconds, attributes, set);
    }

    /// Counts a traced request by the state of its incoming context.
    pub(crate) fn count_incoming(&self, state: ContextState) {
        self.incoming.count(state);
    }

    /// `http.server.active_requests`, built on first use.
    pub(crate) fn active(&self) -> &UpDownCounter<i64> {
        self.active.get_or_init(|| {
            self.meter
                .i64_up_down_counter(semconv::HTTP_SERVER_ACTIVE_REQUESTS)
                .with_unit("{request}")
                .with_description("Number of active HTTP server requests.")
                .build()
        })
    }

    /// `http.server.request.body.size`, built on first use.
    pub(crate) fn request_size(&self) -> &Histogram<u64> {
        self.request_size.get_or_init(|| {
            body_size(
                &self.meter,
                semconv::HTTP_SERVER_REQUEST_BODY_SIZE,
                "Size of HTTP server request bodies.",
            )
        })
    }

    /// `http.server.response.body.size`, built on first use.
    pub(crate) fn response_size(&self) -> &Histogram<u64> {
        self.response_size.get_or_init(|| {
            body_size(
                &self.meter,
                semconv::HTTP_SERVER_RESPONSE_BODY_SIZE,
                "Size of HTTP server response bodies.",
            )
        })
    }
}

fn body_size(meter: &Meter, name: &'static str, description: &'static str) -> Histogram<u64> {
    meter
        .u64_histogram(name)
        .with_unit("By")
        .with_description(description)
        .build()
}
