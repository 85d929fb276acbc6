//! What every call needs from the OpenTelemetry globals (the tracer, the propagator's
//! header names, the duration histograms), resolved once per thread and refreshed
//! every [`REFRESH`]: the pattern of otel-http's server layer.
//!
//! Resolving per call costs a global read lock, a boxed tracer and an `Arc` clone
//! each time; a per-thread copy costs neither. It is refreshed rather than kept
//! forever because an application (or a test harness) may install its providers after
//! building the server or channel.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName};
use opentelemetry::Context;
use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::{Histogram, Meter, MeterProvider};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_semantic_conventions::metric as semconv;
use otel_http::carrier::HeaderMapExtractor;
use otel_http::conventions::DURATION_BUCKETS;

use crate::scope::scope;
use crate::status::Side;

/// How long a thread keeps its copy of the globals before resolving them again.
const REFRESH: Duration = Duration::from_millis(10);

type MeterProviderRef = Arc<dyn MeterProvider + Send + Sync>;

/// One thread's copy of the globals.
pub(crate) struct Resolved {
    pub(crate) tracer: BoxedTracer,
    /// The header names the global propagator reads: metadata carrying none of them
    /// has no incoming context, and extraction is skipped.
    fields: Vec<HeaderName>,
    meter_provider: MeterProviderRef,
    meter: Meter,
    server: Option<Histogram<f64>>,
    client: Option<Histogram<f64>>,
    at: Instant,
}

thread_local! {
    static RESOLVED: RefCell<Option<Resolved>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's copy of the globals, refreshed when older than
/// [`REFRESH`] at `now`.
pub(crate) fn with<R>(now: Instant, f: impl FnOnce(&mut Resolved) -> R) -> R {
    let mut f = Some(f);
    let cached = RESOLVED.try_with(|cell| {
        // Re-entry (an exporter that makes a gRPC call on this thread) finds the cell
        // borrowed; a thread being torn down has none: both resolve afresh below.
        let mut slot = cell.try_borrow_mut().ok()?;
        let f = f.take()?;
        let stale = slot
            .as_ref()
            .is_none_or(|cached| now.saturating_duration_since(cached.at) > REFRESH);
        if stale {
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
        (_, Some(f)) => f(&mut Resolved::new(now)),
        (_, None) => unreachable!("`f` is only taken by the closure that returns its result"),
    }
}

impl Resolved {
    fn new(now: Instant) -> Self {
        let meter_provider = global::meter_provider();
        Self {
            tracer: global::tracer_provider().tracer_with_scope(scope()),
            fields: propagation_fields(),
            meter: meter_provider.meter_with_scope(scope()),
            meter_provider,
            server: None,
            client: None,
            at: now,
        }
    }

    /// A fresh copy, keeping the instruments when the meter provider is the same one.
    fn refresh(self, now: Instant) -> Self {
        let meter_provider = global::meter_provider();
        if !Arc::ptr_eq(&meter_provider, &self.meter_provider) {
            return Self::new(now);
        }
        Self {
            tracer: global::tracer_provider().tracer_with_scope(scope()),
            fields: propagation_fields(),
            at: now,
            ..self
        }
    }

    /// The caller's context, extracted with the global propagator; `None` when the
    /// metadata carries none of the propagator's headers.
    pub(crate) fn incoming_context(&self, headers: &HeaderMap) -> Option<Context> {
        if !headers.keys().any(|name| self.fields.contains(name)) {
            return None;
        }
        Some(global::get_text_map_propagator(|propagator| {
            propagator.extract(&HeaderMapExtractor(headers))
        }))
    }

    /// `rpc.server.call.duration` or `rpc.client.call.duration`, built on first use
    /// (building an instrument registers it with the SDK).
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

/// The global propagator's header names that can appear in metadata.
fn propagation_fields() -> Vec<HeaderName> {
    global::get_text_map_propagator(|propagator| {
        propagator
            .fields()
            .filter_map(|field| HeaderName::from_bytes(field.to_ascii_lowercase().as_bytes()).ok())
            .collect()
    })
}
