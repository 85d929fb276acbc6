//! Per-thread copies of what an instrumentation needs from the OpenTelemetry globals on
//! every request: the tracer, the header names the global propagator reads, and its
//! metric instruments. The server layer uses them, and so does otel-kit-grpc.
//!
//! Resolving the globals per request costs a global read lock, a boxed tracer and an
//! `Arc` clone each time (about 60 ns and two allocations), and a shared lock is a
//! cache line every core writes. A per-thread copy costs neither. It is refreshed every
//! [`REFRESH`] rather than kept forever, because an application (or a test harness)
//! may install its providers or propagator after building its router: a layer that
//! served requests before that picks the new globals up within [`REFRESH`].
//!
//! An instrumentation declares its instruments ([`Instruments`]) and one thread-local
//! [`Slot`] for them, then calls [`with`]:
//!
//! ```
//! use std::cell::RefCell;
//! use std::time::Instant;
//!
//! use opentelemetry::InstrumentationScope;
//! use opentelemetry::metrics::{Counter, Meter};
//! use otel_kit_http::globals::{self, Instruments, Slot};
//!
//! struct MyInstruments {
//!     calls: Counter<u64>,
//! }
//!
//! impl Instruments for MyInstruments {
//!     fn scope() -> InstrumentationScope {
//!         InstrumentationScope::builder("my-instrumentation").build()
//!     }
//!
//!     fn new(meter: Meter) -> Self {
//!         Self { calls: meter.u64_counter("my.calls").build() }
//!     }
//! }
//!
//! thread_local! {
//!     static GLOBALS: Slot<MyInstruments> = const { RefCell::new(None) };
//! }
//!
//! let headers = http::HeaderMap::new();
//! let incoming = globals::with(&GLOBALS, Some(Instant::now()), |globals| {
//!     globals.instruments().calls.add(1, &[]);
//!     globals.incoming_context(&headers)
//! });
//! assert!(incoming.is_none(), "no propagation header, no extraction");
//! ```

use std::cell::RefCell;
use std::sync::Arc;
use std::thread::LocalKey;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName};
use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::{Meter, MeterProvider};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::{Context, InstrumentationScope};

use crate::carrier::HeaderMapExtractor;

/// How long a thread keeps its copy of the globals before resolving them again.
///
/// ```
/// assert_eq!(otel_kit_http::globals::REFRESH.as_millis(), 10);
/// ```
pub const REFRESH: Duration = Duration::from_millis(10);

/// The metric instruments of one instrumentation, built from a meter of its scope.
/// Built again only when the global meter provider changes (building an instrument
/// costs far more than recording into it). See the [module docs](self) for an example.
pub trait Instruments: Sized + 'static {
    /// The instrumentation scope of the tracer and the meter.
    fn scope() -> InstrumentationScope;

    /// The instruments, from a meter of [`scope`](Self::scope). Instruments that are
    /// opt-in should be built on first use instead: building one registers it with
    /// the SDK.
    fn new(meter: Meter) -> Self;
}

/// One thread's copy of the globals, for instruments `I`.
pub struct Globals<I> {
    tracer: BoxedTracer,
    /// The header names the global propagator reads: a request carrying none of them
    /// has no incoming context, and extraction is skipped.
    fields: Vec<HeaderName>,
    meter_provider: Arc<dyn MeterProvider + Send + Sync>,
    instruments: I,
    at: Instant,
}

/// The thread-local cell that holds one thread's [`Globals`]: declare one per
/// instrumentation with `thread_local!` (see the [module docs](self)).
pub type Slot<I> = RefCell<Option<Globals<I>>>;

/// Runs `f` with this thread's copy of the globals, refreshing it when it is older
/// than [`REFRESH`] at `now`; with no `now` (a caller that does not read the clock),
/// only a thread without a copy resolves one. Never panics: re-entry (a span processor
/// that serves a request on this thread) and a thread being torn down resolve afresh.
/// See the [module docs](self) for an example.
pub fn with<I: Instruments, R>(
    slot: &'static LocalKey<Slot<I>>,
    now: Option<Instant>,
    f: impl FnOnce(&mut Globals<I>) -> R,
) -> R {
    let mut f = Some(f);
    let cached = slot.try_with(|cell| {
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
                None => Globals::new(now),
            };
            *slot = Some(fresh);
        }
        Some(f(slot.as_mut()?))
    });
    match (cached, f) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut Globals::new(now.unwrap_or_else(Instant::now))),
        (_, None) => unreachable!("`f` is only taken by the closure that returns its result"),
    }
}

impl<I: Instruments> Globals<I> {
    fn new(now: Instant) -> Self {
        let meter_provider = global::meter_provider();
        Self {
            tracer: global::tracer_provider().tracer_with_scope(I::scope()),
            fields: propagation_fields(),
            instruments: I::new(meter_provider.meter_with_scope(I::scope())),
            meter_provider,
            at: now,
        }
    }

    /// A fresh copy, keeping the instruments when the meter provider is the same one.
    fn refresh(self, now: Instant) -> Self {
        let meter_provider = global::meter_provider();
        let instruments = if Arc::ptr_eq(&meter_provider, &self.meter_provider) {
            self.instruments
        } else {
            I::new(meter_provider.meter_with_scope(I::scope()))
        };
        Self {
            tracer: global::tracer_provider().tracer_with_scope(I::scope()),
            fields: propagation_fields(),
            instruments,
            meter_provider,
            at: now,
        }
    }

    /// The global tracer, with this instrumentation's scope.
    pub fn tracer(&self) -> &BoxedTracer {
        &self.tracer
    }

    /// The instruments, built from the global meter provider.
    pub fn instruments(&mut self) -> &mut I {
        &mut self.instruments
    }

    /// The caller's context, extracted with the global propagator; `None` when the
    /// request carries none of the propagator's headers (most requests at the edge).
    /// That check walks the request's header names once, comparing each with the
    /// propagator's few: cheaper than a hash lookup per propagator header.
    pub fn incoming_context(&self, headers: &HeaderMap) -> Option<Context> {
        if !headers.keys().any(|name| self.fields.contains(name)) {
            return None;
        }
        // Not `propagator.extract(..)`: that runs the propagator inside
        // `Context::map_current`, which holds the thread's context stack borrowed. A
        // propagator that logs while extracting (otel-kit-init's baggage propagator does, at
        // debug, when it drops members over the W3C limits) reaches a log processor that
        // attaches a context (the SDK's `SimpleLogProcessor`: otel-kit-init's console logs,
        // the test harness), and `attach` then panics with "RefCell already borrowed".
        // A clone of the current context (two reference counts) releases the borrow
        // first. Test: tests/oversized_input.rs, 10,000 baggage members.
        let current = Context::current();
        Some(global::get_text_map_propagator(|propagator| {
            propagator.extract_with_context(&current, &HeaderMapExtractor(headers))
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
