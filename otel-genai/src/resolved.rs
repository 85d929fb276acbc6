//! What every call needs from the globals (the tracer, the metric instruments, the
//! [`Config`]), kept per thread: resolving the OpenTelemetry globals costs a lock, a
//! boxed tracer and `Arc` clones. The copy is refreshed every [`REFRESH`] (providers
//! installed later are picked up) and whenever [`set_config`](crate::set_config) ran.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::{Histogram, Meter, MeterProvider};
use opentelemetry::trace::TracerProvider as _;

use crate::attributes::{
    DURATION_BUCKETS, GEN_AI_CLIENT_OPERATION_DURATION, GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
    GEN_AI_CLIENT_TOKEN_USAGE, TOKEN_BUCKETS,
};
use crate::config::{self, Config};
use crate::scope::scope;

/// How long a thread keeps its copy of the OpenTelemetry globals.
const REFRESH: Duration = Duration::from_millis(10);

/// One thread's copy.
pub(crate) struct Resolved {
    pub(crate) tracer: BoxedTracer,
    pub(crate) instruments: Arc<Instruments>,
    pub(crate) config: Arc<Config>,
    /// The meter provider the instruments came from: kept while it stays the same.
    meter_provider: MeterProviderRef,
    generation: u64,
    at: Instant,
}

type MeterProviderRef = Arc<dyn MeterProvider + Send + Sync>;

/// The three histograms.
pub(crate) struct Instruments {
    pub(crate) duration: Histogram<f64>,
    pub(crate) tokens: Histogram<u64>,
    pub(crate) time_to_first_chunk: Histogram<f64>,
}

thread_local! {
    static RESOLVED: RefCell<Option<Rc<Resolved>>> = const { RefCell::new(None) };
}

/// This thread's copy, refreshed first when stale at `now`.
pub(crate) fn get(now: Instant) -> Rc<Resolved> {
    let generation = config::generation();
    let cached = RESOLVED.try_with(|cell| {
        // Re-entry (an exporter that starts a call) or a thread being torn down
        // resolves afresh below instead of panicking.
        let mut slot = cell.try_borrow_mut().ok()?;
        let fresh = slot.as_ref().is_some_and(|cached| {
            cached.generation == generation && now.saturating_duration_since(cached.at) <= REFRESH
        });
        if !fresh {
            let previous = slot.take();
            *slot = Some(Rc::new(Resolved::new(now, generation, previous.as_deref())));
        }
        slot.clone()
    });
    cached
        .ok()
        .flatten()
        .unwrap_or_else(|| Rc::new(Resolved::new(now, generation, None)))
}

impl Resolved {
    /// A fresh copy; the instruments of `previous` are kept when the meter provider
    /// is the same one (building them again costs more than everything else here).
    fn new(now: Instant, generation: u64, previous: Option<&Resolved>) -> Self {
        let meter_provider = global::meter_provider();
        let instruments = match previous {
            Some(previous) if Arc::ptr_eq(&previous.meter_provider, &meter_provider) => {
                previous.instruments.clone()
            }
            _ => Arc::new(Instruments::new(&meter_provider.meter_with_scope(scope()))),
        };
        Resolved {
            tracer: global::tracer_provider().tracer_with_scope(scope()),
            instruments,
            config: config::current(),
            meter_provider,
            generation,
            at: now,
        }
    }
}

impl Instruments {
    fn new(meter: &Meter) -> Self {
        Instruments {
            duration: meter
                .f64_histogram(GEN_AI_CLIENT_OPERATION_DURATION)
                .with_unit("s")
                .with_description("GenAI operation duration.")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
            tokens: meter
                .u64_histogram(GEN_AI_CLIENT_TOKEN_USAGE)
                .with_unit("{token}")
                .with_description("Number of input and output tokens used.")
                .with_boundaries(TOKEN_BUCKETS.to_vec())
                .build(),
            time_to_first_chunk: meter
                .f64_histogram(GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)
                .with_unit("s")
                .with_description("Time to receive the first chunk of a streamed response.")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
        }
    }
}
