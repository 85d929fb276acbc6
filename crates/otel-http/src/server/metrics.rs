//! The server's metric instruments, created once per global meter provider.
//!
//! Creating instruments is far more expensive than recording (the SDK hashes and
//! registers each one), so they are cached. The cache is keyed by the identity of the
//! global meter provider rather than filled once: an application (or a test) that sets
//! its provider after building the router would otherwise record into the no-op
//! provider forever.

use std::sync::{Arc, PoisonError, RwLock};

use opentelemetry::global;
use opentelemetry::metrics::{Histogram, MeterProvider, UpDownCounter};
use opentelemetry_semantic_conventions::metric as semconv;

use crate::conventions::DURATION_BUCKETS;
use crate::scope::scope;

/// The instruments one request records into. Each is an `Arc` inside, so cloning the
/// set per request is a handful of reference-count increments.
#[derive(Clone)]
pub(super) struct Instruments {
    pub(super) duration: Histogram<f64>,
    pub(super) active: Option<UpDownCounter<i64>>,
    pub(super) request_size: Option<Histogram<u64>>,
    pub(super) response_size: Option<Histogram<u64>>,
}

type Provider = Arc<dyn MeterProvider + Send + Sync>;

/// Instruments for the current global meter provider, rebuilt when it changes.
#[derive(Default)]
pub(super) struct MetricsCache {
    cached: RwLock<Option<(Provider, Instruments)>>,
}

impl Clone for MetricsCache {
    /// A configuration that is copied to be changed gets its own, empty cache: the
    /// opt-in instruments depend on the configuration.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for MetricsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsCache")
    }
}

impl MetricsCache {
    /// The instruments of the current global meter provider.
    pub(super) fn get(&self, active_requests: bool, body_sizes: bool) -> Instruments {
        let provider = global::meter_provider();
        if let Some((cached_provider, instruments)) =
            &*self.cached.read().unwrap_or_else(PoisonError::into_inner)
            && Arc::ptr_eq(cached_provider, &provider)
        {
            return instruments.clone();
        }
        let instruments = build(&*provider, active_requests, body_sizes);
        *self.cached.write().unwrap_or_else(PoisonError::into_inner) = Some((provider, instruments.clone()));
        instruments
    }
}

fn build(
    provider: &(dyn MeterProvider + Send + Sync),
    active_requests: bool,
    body_sizes: bool,
) -> Instruments {
    let meter = provider.meter_with_scope(scope());
    let body_size = |name: &'static str, description: &'static str| {
        meter
            .u64_histogram(name)
            .with_unit("By")
            .with_description(description)
            .build()
    };
    Instruments {
        duration: meter
            .f64_histogram(semconv::HTTP_SERVER_REQUEST_DURATION)
            .with_unit("s")
            .with_description("Duration of HTTP server requests.")
            .with_boundaries(DURATION_BUCKETS.to_vec())
            .build(),
        active: active_requests.then(|| {
            meter
                .i64_up_down_counter(semconv::HTTP_SERVER_ACTIVE_REQUESTS)
                .with_unit("{request}")
                .with_description("Number of active HTTP server requests.")
                .build()
        }),
        request_size: body_sizes.then(|| {
            body_size(
                semconv::HTTP_SERVER_REQUEST_BODY_SIZE,
                "Size of HTTP server request bodies.",
            )
        }),
        response_size: body_sizes.then(|| {
            body_size(
                semconv::HTTP_SERVER_RESPONSE_BODY_SIZE,
                "Size of HTTP server response bodies.",
            )
        }),
    }
}
