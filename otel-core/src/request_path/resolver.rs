//! [`Resolver`]: the one way every instrumentation of the kit gets its tracer, metric
//! instruments and propagator, from the [`Providers`] it was given or from the globals.
//!
//! - **All four given** ([`Providers::is_complete`]): resolved once, on first use, and
//!   shared by every clone of the instrumentation. Nothing global is read, so tests
//!   with their own providers run in parallel.
//! - **Otherwise**: each thread keeps a copy, resolved again when the globals change
//!   ([`globals_changed`](crate::globals_changed), which otel-kit-init and
//!   otel-kit-testing call when they set them; one load of a number per request), and
//!   at the latest every [`REFRESH`], for globals set with the OpenTelemetry API alone.
//!   So an application (or a test harness) that installs its globals after building its
//!   router is picked up. Resolving the globals costs read locks, a boxed tracer and
//!   `Arc` clones, and a shared lock is a cache line every core writes; the per-thread
//!   copy costs neither.
//!
//! An instrumentation declares its instruments ([`Instruments`]) and one
//! thread-local [`Cache`] for them, then calls [`Resolver::with`] per request:
//!
//! ```
//! use std::time::Instant;
//!
//! use opentelemetry::InstrumentationScope;
//! use opentelemetry::metrics::{Counter, Meter};
//! use otel_kit_core::Providers;
//! use otel_kit_core::__private::{Cache, Instruments, Resolver};
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
//!
//!     fn cache() -> &'static std::thread::LocalKey<Cache<Self>> {
//!         thread_local! {
//!             static CACHE: Cache<MyInstruments> = const { Cache::new() };
//!         }
//!         &CACHE
//!     }
//! }
//!
//! let resolver = Resolver::<MyInstruments>::new(Providers::new());
//! let headers = http::HeaderMap::new();
//! let incoming = resolver.with(Some(Instant::now()), |resolved| {
//!     resolved.instruments().calls.add(1, &[]);
//!     resolved.incoming_context(&headers)
//! });
//! assert!(incoming.is_none(), "no propagation header, no extraction");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::thread::LocalKey;
use std::time::{Duration, Instant};

use http::HeaderName;
use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::Meter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanBuilder, TraceContextExt as _, TracerProvider as _};
use opentelemetry::{Context, InstrumentationScope};

use crate::log_events::{self, SharedLogger, SharedLoggerProvider};
use crate::peer_service::{self, PeerServices};
use crate::providers::{Providers, SharedMeterProvider, SharedPropagator};
use crate::request_path::carrier::{BoundedExtractor, HeaderSource};
use crate::request_path::head_sampling::HeadSampler;
use crate::request_path::incoming_context::ContextState;

/// How long a thread keeps its copy of the globals at most: what a global set with the
/// OpenTelemetry API alone, without [`globals_changed`](crate::globals_changed), waits
/// for. A change made through the kit is seen at the next request.
///
/// ```
/// assert_eq!(otel_kit_core::__private::REFRESH.as_secs(), 1);
/// ```
pub const REFRESH: Duration = Duration::from_secs(1);

/// Most differently configured instrumentations of one kind a thread keeps copies for;
/// past it the oldest copy is dropped (and resolved again when next used).
const CACHED_PER_THREAD: usize = 8;

/// The metric instruments of one instrumentation, built from a meter of its scope.
/// Built again only when the meter provider changes: building an instrument costs far
/// more than recording into it. Opt-in instruments are built on first use instead
/// (a `OnceLock` field): building one registers it with the SDK. See the
/// docs of `resolver.rs` for an example.
pub trait Instruments: Sized + Send + Sync + 'static {
    /// The instrumentation scope of the tracer and the meter.
    fn scope() -> InstrumentationScope;

    /// The instruments, from a meter of [`scope`](Self::scope).
    fn new(meter: Meter) -> Self;

    /// This instrumentation's per-thread cache, declared with
    /// `thread_local! { static CACHE: Cache<Self> = const { Cache::new() }; }`.
    fn cache() -> &'static LocalKey<Cache<Self>>;

    /// The names of its `OTEL_INSTRUMENTATION_<NAME>_ENABLED` switches
    /// ([`InstrumentationSwitches`](crate::instrumentation_switches::InstrumentationSwitches)):
    /// when they turn it off, it resolves no-op providers.
    const SWITCHES: &'static [&'static str] = &[];
}

/// One thread's copies of resolved providers for instruments `I`, one per
/// differently configured instrumentation. See [`Instruments::cache`].
pub struct Cache<I> {
    entries: RefCell<Vec<(u64, Resolved<I>)>>,
}

impl<I> Cache<I> {
    /// An empty cache, for a `thread_local!` initialiser.
    pub const fn new() -> Self {
        Self {
            entries: RefCell::new(Vec::new()),
        }
    }
}

impl<I> Default for Cache<I> {
    fn default() -> Self {
        Self::new()
    }
}

/// What a request needs, resolved from [`Providers`]: the tracer of the
/// instrumentation's scope, its instruments, and the propagator.
pub struct Resolved<I> {
    tracer: BoxedTracer,
    /// The header names the propagator reads: a request carrying none of them has no
    /// incoming context, and extraction is skipped. The trace-context ones first.
    fields: Vec<HeaderName>,
    /// How many of `fields`, from the first, carry trace context (all but `baggage`).
    trace_fields: usize,
    /// `None`: the global propagator, read per use.
    propagator: Option<SharedPropagator>,
    meter_provider: SharedMeterProvider,
    instruments: I,
    /// The logger of the instrumentation's scope and the provider it came from; `None`
    /// when neither a logger provider was given nor a global one set.
    logger: Option<(SharedLoggerProvider, SharedLogger)>,
    peer_services: Option<Arc<PeerServices>>,
    /// When it is resolved again, [`REFRESH`] after it was: compared with the caller's
    /// clock reading, a comparison where a subtraction per request cost a hundred
    /// instructions.
    stale_after: Option<Instant>,
    /// The [`globals_generation`](crate::globals_generation) it was resolved in.
    generation: u64,
    /// The tracer's provider's sampler, asked before a span is built
    /// ([`head_sampling`](crate::request_path::head_sampling)); `None` for a provider that has none.
    head: Option<Arc<dyn HeadSampler>>,
}

/// The one meter provider of every disabled instrumentation (so that a disabled one's
/// instruments are made once, not at each refresh).
fn disabled_meter_provider() -> SharedMeterProvider {
    static DISABLED: std::sync::OnceLock<SharedMeterProvider> = std::sync::OnceLock::new();
    Arc::clone(DISABLED.get_or_init(|| Arc::new(opentelemetry::metrics::noop::NoopMeterProvider::new())))
}

impl<I: Instruments> Resolved<I> {
    fn new(providers: &Providers, previous: Option<Self>, now: Instant) -> Self {
        // Read first: a change made while resolving is seen at the next request.
        let generation = crate::globals_generation::current();
        // Turned off by its switches: no-op providers, so the context still flows.
        let enabled = crate::instrumentation_switches::global_instrumentation_switches()
            .is_none_or(|switches| switches.is_enabled(I::SWITCHES));
        // The provider says while making the tracer whether it has a head sampler.
        let (tracer, head) =
            crate::request_path::head_sampling::probe(|| match providers.given_tracer_provider() {
                _ if !enabled => BoxedTracer::new(Box::new(opentelemetry::trace::noop::NoopTracer::new())),
                Some(provider) => BoxedTracer::new(provider.boxed_tracer(I::scope())),
                None => global::tracer_provider().tracer_with_scope(I::scope()),
            });
        let meter_provider = match providers.given_meter_provider() {
            _ if !enabled => disabled_meter_provider(),
            Some(provider) => Arc::clone(provider),
            None => global::meter_provider(),
        };
        let logger_provider = providers
            .given_logger_provider()
            .cloned()
            .or_else(log_events::global_logger_provider)
            .filter(|_| enabled);
        let (instruments, previous_logger) = match previous {
            Some(previous) if Arc::ptr_eq(&previous.meter_provider, &meter_provider) => {
                (Some(previous.instruments), previous.logger)
            }
            Some(previous) => (None, previous.logger),
            None => (None, None),
        };
        let instruments = instruments.unwrap_or_else(|| I::new(meter_provider.meter_with_scope(I::scope())));
        // A logger is made again only when its provider changed.
        let logger = logger_provider.map(|provider| match previous_logger {
            Some((previous, logger)) if Arc::ptr_eq(&previous, &provider) => (previous, logger),
            _ => {
                let logger = provider.event_logger(I::scope());
                (provider, logger)
            }
        });
        let propagator = providers.given_propagator().cloned();
        let (fields, trace_fields) = match &propagator {
            Some(propagator) => header_names(propagator.as_ref()),
            None => global::get_text_map_propagator(|propagator| header_names(propagator)),
        };
        Self {
            tracer,
            fields,
            trace_fields,
            propagator,
            meter_provider,
            instruments,
            logger,
            peer_services: providers
                .given_peer_services()
                .cloned()
                .or_else(peer_service::global_peer_services),
            stale_after: now.checked_add(REFRESH),
            generation,
            head,
        }
    }

    /// The tracer, with the instrumentation's scope.
    pub fn tracer(&self) -> &BoxedTracer {
        &self.tracer
    }

    /// Starts a span from `builder` as a child of `parent` with [`tracer`](Self::tracer):
    /// its context and whether it records. A span the provider's sampler drops is never
    /// built ([`head_sampling`](crate::request_path::head_sampling)).
    #[inline(always)]
    pub fn start_span(&self, builder: SpanBuilder, parent: &Context) -> (Context, bool) {
        self.start_span_with(builder, parent, Vec::new)
    }

    /// [`start_span`](Self::start_span), with `attributes` made only when needed: before
    /// the decision for a sampler that reads them, else only once the span records
    /// ([`head_sampling::start_span_with`](crate::request_path::head_sampling::start_span_with)).
    #[inline(always)]
    pub fn start_span_with(
        &self,
        builder: SpanBuilder,
        parent: &Context,
        attributes: impl FnOnce() -> Vec<opentelemetry::KeyValue>,
    ) -> (Context, bool) {
        crate::request_path::head_sampling::start_span_with(
            self.head.as_deref(),
            &self.tracer,
            builder,
            parent,
            attributes,
        )
    }

    /// [`start_span`](Self::start_span) for a span to `peer` (host, port, path): once
    /// it records, `server.service.name` when the mapping ([`peer_service`](Self::peer_service))
    /// names the peer. Not an attribute samplers see: a span that does not record looks
    /// nothing up.
    #[inline(always)]
    pub fn start_span_to(
        &self,
        builder: SpanBuilder,
        parent: &Context,
        peer: Option<(&str, Option<u16>, &str)>,
    ) -> (Context, bool) {
        self.start_span_to_with(builder, parent, peer, Vec::new)
    }

    /// [`start_span_to`](Self::start_span_to), with `attributes` made only when needed,
    /// as [`start_span_with`](Self::start_span_with) makes them.
    #[inline(always)]
    pub fn start_span_to_with(
        &self,
        builder: SpanBuilder,
        parent: &Context,
        peer: Option<(&str, Option<u16>, &str)>,
        attributes: impl FnOnce() -> Vec<opentelemetry::KeyValue>,
    ) -> (Context, bool) {
        let (cx, recording) = self.start_span_with(builder, parent, attributes);
        if recording
            && let Some((host, port, path)) = peer
            && let Some(name) = self.peer_service(host, port, path)
        {
            cx.span().set_attribute(opentelemetry::KeyValue::new(
                otel_kit_semconv::attribute::SERVER_SERVICE_NAME,
                name,
            ));
        }
        (cx, recording)
    }

    /// The tracer's head sampler, for [`ServerSpan::start`](crate::ServerSpan::start).
    pub fn head_sampler(&self) -> Option<&dyn HeadSampler> {
        self.head.as_deref()
    }

    /// A server layer's SERVER span, started with [`tracer`](Self::tracer) and its head
    /// sampler through [`ServerSpan::start_with`](crate::ServerSpan::start_with): the
    /// context the handler runs in, and whether the span records.
    #[inline(always)]
    pub fn start_server_span_with(
        &self,
        builder: SpanBuilder,
        parent: &Context,
        attributes: impl FnOnce() -> Vec<opentelemetry::KeyValue>,
    ) -> (Context, bool) {
        crate::ServerSpan::start_with(self.head.as_deref(), &self.tracer, builder, parent, attributes)
    }

    /// The instruments, built from the resolved meter provider.
    pub fn instruments(&self) -> &I {
        &self.instruments
    }

    /// The logger of the instrumentation's scope, for log events
    /// ([`LogEvent`](crate::log_events::LogEvent)); `None` when no logger provider was
    /// given and none is set globally.
    pub fn logger(&self) -> Option<&dyn log_events::EventLogger> {
        self.logger.as_ref().map(|(_, logger)| &**logger)
    }

    /// `server.service.name` of a request to `host` (`port`, `path`): from the mapping
    /// given ([`Providers::peer_services`]), else the global one; `None` when neither
    /// maps it.
    pub fn peer_service(
        &self,
        host: &str,
        port: Option<u16>,
        path: &str,
    ) -> Option<opentelemetry::StringValue> {
        self.peer_services.as_ref()?.resolve(host, port, path)
    }

    /// Emits `event` in `cx`'s span through [`logger`](Self::logger); nothing when there
    /// is no logger.
    pub fn emit(&self, event: log_events::LogEvent, cx: &Context) {
        if let Some(logger) = self.logger() {
            event.emit(logger, cx);
        }
    }

    /// The resolved meter provider, for instruments registered once per provider
    /// (observable gauges): compare it with [`Arc::ptr_eq`] to see whether it changed.
    pub fn meter_provider(&self) -> &SharedMeterProvider {
        &self.meter_provider
    }

    /// The caller's context from request headers; `None` when the request carries none
    /// of the propagator's headers (most requests at the edge). That check walks the
    /// request's header names once, comparing each with the propagator's few: cheaper
    /// than a hash lookup per propagator header.
    /// Any header carrier works: an `http::HeaderMap`, or a framework's own map through
    /// its [`HeaderSource`].
    pub fn incoming_context<H: HeaderSource + ?Sized>(&self, headers: &H) -> Option<Context> {
        self.incoming(headers).0
    }

    /// [`incoming_context`](Self::incoming_context), with the state of what the request
    /// carried ([`ContextState`]): the server layers count it. One walk over the
    /// request's header names, as there; extraction only when a header was found.
    pub fn incoming<H: HeaderSource + ?Sized>(&self, headers: &H) -> (Option<Context>, ContextState) {
        let mut found = None;
        for name in headers.names() {
            if let Some(index) = self
                .fields
                .iter()
                .position(|field| field.as_str().eq_ignore_ascii_case(name))
            {
                found = Some(found.map_or(index, |found: usize| found.min(index)));
                if index < self.trace_fields {
                    break;
                }
            }
        }
        let Some(found) = found else {
            return (None, ContextState::Absent);
        };
        let cx = self.extract(&BoundedExtractor::new(headers));
        let state = if found < self.trace_fields {
            ContextState::of_extracted(&cx)
        } else {
            // Baggage alone: no trace context was sent.
            ContextState::Absent
        };
        (Some(cx), state)
    }

    /// The caller's context from any carrier, over a clone of the current context.
    pub fn extract(&self, extractor: &dyn Extractor) -> Context {
        // Not `propagator.extract(..)`: that runs the propagator inside
        // `Context::map_current`, which holds the thread's context stack borrowed. A
        // propagator that logs while extracting (otel-kit-init's baggage propagator
        // does, at debug, when it drops members over the W3C limits) reaches a log
        // processor that attaches a context (the SDK's `SimpleLogProcessor`), and
        // `attach` then panics with "RefCell already borrowed". A clone of the current
        // context (two reference counts) releases the borrow first.
        let current = Context::current();
        match &self.propagator {
            Some(propagator) => propagator.extract_with_context(&current, extractor),
            None => global::get_text_map_propagator(|propagator| {
                propagator.extract_with_context(&current, extractor)
            }),
        }
    }

    /// Writes `cx` into an outgoing carrier.
    pub fn inject(&self, cx: &Context, injector: &mut dyn Injector) {
        match &self.propagator {
            Some(propagator) => propagator.inject_context(cx, injector),
            None => global::get_text_map_propagator(|propagator| propagator.inject_context(cx, injector)),
        }
    }
}

/// A propagator's header names, the trace-context ones first, and how many those are.
/// A name that is not a valid header name can never be present in a request, so it is
/// left out.
fn header_names(propagator: &dyn TextMapPropagator) -> (Vec<HeaderName>, usize) {
    let mut names: Vec<HeaderName> = propagator
        .fields()
        .filter_map(|field| HeaderName::from_bytes(field.to_ascii_lowercase().as_bytes()).ok())
        .collect();
    // Stable: the propagator's order within each group.
    names.sort_by_key(|name| name.as_str() == BAGGAGE_HEADER);
    let trace_fields = names
        .iter()
        .filter(|name| name.as_str() != BAGGAGE_HEADER)
        .count();
    (names, trace_fields)
}

/// The W3C baggage header: it carries no trace context.
const BAGGAGE_HEADER: &str = "baggage";

/// Resolves an instrumentation's [`Providers`] per request. Held by the
/// instrumentation (inside its layer or wrapper), and by what it has in flight: a clone
/// costs nothing for the globals and one reference count otherwise, and clones share
/// what was resolved once. See the docs of `resolver.rs`.
pub struct Resolver<I> {
    /// `None`: nothing given, every piece from the globals.
    given: Option<Arc<Given<I>>>,
}

struct Given<I> {
    providers: Providers,
    /// Only with complete providers: resolved on first use, shared by every clone.
    once: Option<OnceLock<Resolved<I>>>,
}

/// What [`Resolver::providers`] answers for the globals.
static GLOBALS: Providers = Providers::new();

impl<I> Clone for Resolver<I> {
    fn clone(&self) -> Self {
        Self {
            given: self.given.clone(),
        }
    }
}

impl<I> Default for Resolver<I> {
    fn default() -> Self {
        Self::globals()
    }
}

impl<I> fmt::Debug for Resolver<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Resolver").field(self.providers()).finish()
    }
}

impl<I> Resolver<I> {
    /// A resolver of `providers`; nothing is resolved before the first request.
    pub fn new(providers: Providers) -> Self {
        if providers.is_globals() {
            return Self::globals();
        }
        let once = providers.is_complete().then(OnceLock::new);
        Self {
            given: Some(Arc::new(Given { providers, once })),
        }
    }

    /// A resolver of the globals alone.
    ///
    /// ```
    /// use otel_kit_core::__private::Resolver;
    /// # struct I;
    /// static GLOBALS: Resolver<I> = Resolver::globals();
    /// assert!(GLOBALS.providers().is_globals());
    /// ```
    pub const fn globals() -> Self {
        Self { given: None }
    }

    /// The providers it resolves.
    pub fn providers(&self) -> &Providers {
        self.given.as_ref().map_or(&GLOBALS, |given| &given.providers)
    }
}

impl<I: Instruments> Resolver<I> {
    /// Runs `f` with what the providers resolve to. With complete providers that is
    /// resolved once; otherwise this thread's copy is used, resolved again when the
    /// globals changed ([`globals_changed`](crate::globals_changed)) or when older than
    /// [`REFRESH`] at `now` (with no `now`, from a caller that does not read the clock,
    /// only a change of the globals refreshes it). Never panics: re-entry (a span
    /// processor that serves a request on this thread) and a thread being torn down
    /// resolve afresh.
    pub fn with<R>(&self, now: Option<Instant>, f: impl FnOnce(&Resolved<I>) -> R) -> R {
        let providers = self.providers();
        if let Some(once) = self.given.as_ref().and_then(|given| given.once.as_ref()) {
            // The clock is read only to build the value; it is never refreshed.
            return f(once.get_or_init(|| Resolved::new(providers, None, now.unwrap_or_else(Instant::now))));
        }
        let id = providers.id();
        let generation = crate::globals_generation::current();
        let mut f = Some(f);
        let cached = I::cache().try_with(|cache| {
            let mut entries = cache.entries.try_borrow_mut().ok()?;
            let f = f.take()?;
            let index = match entries.iter().position(|(entry, _)| *entry == id) {
                Some(index) => {
                    let copy = &entries[index].1;
                    let stale = copy.generation != generation
                        || now.is_some_and(|now| copy.stale_after.is_none_or(|after| now > after));
                    if stale {
                        let (_, previous) = entries.swap_remove(index);
                        let now = now.unwrap_or_else(Instant::now);
                        entries.push((id, Resolved::new(providers, Some(previous), now)));
                        entries.len() - 1
                    } else {
                        index
                    }
                }
                None => {
                    if entries.len() == CACHED_PER_THREAD {
                        entries.remove(0);
                    }
                    let now = now.unwrap_or_else(Instant::now);
                    entries.push((id, Resolved::new(providers, None, now)));
                    entries.len() - 1
                }
            };
            Some(f(&entries[index].1))
        });
        match (cached, f) {
            (Ok(Some(result)), _) => result,
            (_, Some(f)) => f(&Resolved::new(providers, None, now.unwrap_or_else(Instant::now))),
            (_, None) => unreachable!("`f` is only taken by the closure that returns its result"),
        }
    }
}

#[cfg(test)]
mod tests;
