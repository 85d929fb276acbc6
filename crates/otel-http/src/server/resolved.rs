//! What every request needs from the OpenTelemetry globals (the tracer, the
//! propagator's header names, the metric instruments), resolved once per thread and
//! refreshed every [`REFRESH`].
//!
//! Resolving per request costs a global read lock, a boxed tracer and an `Arc` clone
//! each time (about 60 ns and two allocations), and a shared lock is a cache line that
//! every core writes. A per-thread copy costs neither. It is refreshed, rather than
//! kept forever, because an application (or a test harness) may install its providers
//! or propagator after building the router: a layer that served requests before that
//! picks the new globals up within [`REFRESH`].

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName};
use opentelemetry::Context;
use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::{Histogram, Meter, MeterProvider, UpDownCounter};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_semantic_conventions::metric as semconv;

use crate::carrier::HeaderMapExtractor;
use crate::conventions::DURATION_BUCKETS;
use crate::scope::scope;

/// How long a thread keeps its copy of the globals before resolving them again.
pub(super) const REFRESH: Duration = Duration::from_millis(10);

type MeterProviderRef = Arc<dyn MeterProvider + Send + Sync>;

/// One thread's copy of the globals.
pub(super) struct Resolved {
    pub(super) tracer: BoxedTracer,
    /// The header names the global propagator reads: a request carrying none of them
    /// has no incoming context, and extraction is skipped.
    fields: Vec<HeaderName>,
    meter_provider: MeterProviderRef,
    pub(super) instruments: Instruments,
    at: Instant,
}

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
    static RESOLVED: RefCell<Option<Resolved>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's copy of the globals, refreshing it when it is older
/// than [`REFRESH`] at `now`; with no `now`, only a thread without a copy resolves.
pub(super) fn with<R>(now: Option<Instant>, f: impl FnOnce(&mut Resolved) -> R) -> R {
    let mut f = Some(f);
    let cached = RESOLVED.try_with(|cell| {
        // Re-entry (a span processor that serves a request on this thread) finds the
        // cell borrowed, and a thread being torn down has no cell: both resolve afresh
        // below rather than panicking.
        let mut slot = cell.try_borrow_mut().ok()?;
        let f = f.take()?;
        let stale = match (&*slot, now) {
            (None, _) => true,
            (Some(cached), Some(now)) => now.saturating_duration_since(cached.at) > REFRESH,
            (Some(_), None) => false,
        };
        // Replaced only when stale: the copy is a few hundred bytes, not moved per call.
        if stale {
            let now = now.unwrap_or_else(Instant::now);
            let fresh = match slot.take() {
                Some(old) => old.refresh(now),
                None => Resolved::new(now),
            };
            *slot = Some(fresh);
        }
        Some(f(slot.as_mut()?))
    });
    match (cached, f) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut Resolved::new(now.unwrap_or_else(Instant::now))),
        (_, None) => unreachable!("`f` is only taken by the closure that returns its result"),
    }
}

impl Resolved {
    fn new(now: Instant) -> Self {
        let meter_provider = global::meter_provider();
        Self {
            tracer: global::tracer_provider().tracer_with_scope(scope()),
            fields: propagation_fields(),
            instruments: Instruments::new(meter_provider.meter_with_scope(scope())),
            meter_provider,
            at: now,
        }
    }

    /// A fresh copy, keeping the instruments when the meter provider is the same one
    /// (building them again would cost more than everything else here).
    fn refresh(self, now: Instant) -> Self {
        let meter_provider = global::meter_provider();
        let instruments = if Arc::ptr_eq(&meter_provider, &self.meter_provider) {
            self.instruments
        } else {
            Instruments::new(meter_provider.meter_with_scope(scope()))
        };
        Self {
            tracer: global::tracer_provider().tracer_with_scope(scope()),
            fields: propagation_fields(),
            instruments,
            meter_provider,
            at: now,
        }
    }

    /// The caller's context, extracted with the global propagator; `None` when the
    /// request carries none of the propagator's headers (most requests at the edge).
    /// That check walks the request's header names once, comparing each with the
    /// propagator's few: cheaper than a hash lookup per propagator header (a request
    /// has a handful of headers, and standard ones differ from these at the first
    /// comparison).
    pub(super) fn incoming_context(&self, headers: &HeaderMap) -> Option<Context> {
        if !headers.keys().any(|name| self.fields.contains(name)) {
            return None;
        }
        Some(global::get_text_map_propagator(|propagator| {
            propagator.extract(&HeaderMapExtractor(headers))
        }))
    }
}

/// The global propagator's header names. A name that is not a valid header name can
/// never be present in a request, so it is left out.
fn propagation_fields() -> Vec<HeaderName> {
    global::get_text_map_propagator(|propagator| {
        propagator
            .fields()
            .filter_map(|field| HeaderName::from_bytes(field.to_ascii_lowercase().as_bytes()).ok())
            .collect()
    })
}

impl Instruments {
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
