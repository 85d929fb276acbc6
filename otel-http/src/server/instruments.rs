//! The server's metric instruments, kept per thread with the other globals a request
//! needs (see [`crate::globals`]).

use std::cell::RefCell;
use std::time::Instant;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter, UpDownCounter};
use opentelemetry_semantic_conventions::metric as semconv;

use crate::conventions::DURATION_BUCKETS;
use crate::globals::{self, Globals, Slot};
use crate::scope::scope;

/// The server's instruments. The opt-in ones are built on first use: creating an
/// instrument registers it with the SDK, which a layer without the option must not do.
pub(super) struct Instruments {
    meter: Meter,
    pub(super) duration: Histogram<f64>,
    active: Option<UpDownCounter<i64>>,
    request_size: Option<Histogram<u64>>,
    response_size: Option<Histogram<u64>>,
}

thread_local! {
    static GLOBALS: Slot<Instruments> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's copy of the globals (see [`globals::with`]).
pub(super) fn with<R>(now: Option<Instant>, f: impl FnOnce(&mut Globals<Instruments>) -> R) -> R {
    globals::with(&GLOBALS, now, f)
}

impl globals::Instruments for Instruments {
    fn scope() -> InstrumentationScope {
        scope()
    }

    fn new(meter: Meter) -> Self {
        let duration = meter
            .f64_histogram(semconv::HTTP_SERVER_REQUEST_DURATION)
            .with_unit("s")
            .with_description("Duration of HTTP server requests.")
            .with_boundaries(DURATION_BUCKETS.to_vec())
            .build();
        Self {
            meter,
            duration,
            active: None,
            request_size: None,
            response_size: None,
        }
    }
}

impl Instruments {
    /// `http.server.active_requests`, built on first use.
    pub(super) fn active(&mut self) -> &UpDownCounter<i64> {
        let meter = &self.meter;
        self.active.get_or_insert_with(|| {
            meter
                .i64_up_down_counter(semconv::HTTP_SERVER_ACTIVE_REQUESTS)
                .with_unit("{request}")
                .with_description("Number of active HTTP server requests.")
                .build()
        })
    }

    /// `http.server.request.body.size`, built on first use.
    pub(super) fn request_size(&mut self) -> &Histogram<u64> {
        let meter = &self.meter;
        self.request_size.get_or_insert_with(|| {
            body_size(
                meter,
                semconv::HTTP_SERVER_REQUEST_BODY_SIZE,
                "Size of HTTP server request bodies.",
            )
        })
    }

    /// `http.server.response.body.size`, built on first use.
    pub(super) fn response_size(&mut self) -> &Histogram<u64> {
        let meter = &self.meter;
        self.response_size.get_or_insert_with(|| {
            body_size(
                meter,
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
