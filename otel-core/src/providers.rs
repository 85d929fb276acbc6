//! [`Providers`]: the tracer provider, meter provider and propagator an instrumentation
//! was given, each falling back to the OpenTelemetry global when it was not.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::global::ObjectSafeTracerProvider;
use opentelemetry::logs::LoggerProvider;
use opentelemetry::metrics::MeterProvider;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{Span, Tracer, TracerProvider};

use crate::log_events::SharedLoggerProvider;
use crate::peer_service::PeerServices;

/// A tracer provider of any type, behind one pointer.
pub type SharedTracerProvider = Arc<dyn ObjectSafeTracerProvider + Send + Sync>;
/// A meter provider of any type, behind one pointer.
pub type SharedMeterProvider = Arc<dyn MeterProvider + Send + Sync>;
/// A text-map propagator of any type, behind one pointer.
pub type SharedPropagator = Arc<dyn TextMapPropagator + Send + Sync>;

/// Where an instrumentation sends its spans, metrics and log events, and how it reads
/// and writes trace context: each of the four given here, or the global, read lazily
/// when a request is served (never when the instrumentation is built). The logger
/// provider's global is the kit's own ([`set_global_logger_provider`]): the
/// OpenTelemetry API has none.
///
/// Every layer, middleware and wrapper of the kit takes one with its `.providers(..)`
/// builder method. Build it once and hand the same value to each instrumentation: an
/// application that builds a provider per tenant, a test that must see only its own
/// spans, or a process that runs several services each with its own `service.name`
/// passes them in; everyone else sets nothing and gets the globals that
/// `otel_kit_init::init()` installs. This is Go's `otelhttp.WithTracerProvider`,
/// `WithMeterProvider` and `WithPropagators`, as one value.
///
/// [`set_global_logger_provider`]: crate::log_events::set_global_logger_provider
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
/// use opentelemetry_sdk::propagation::TraceContextPropagator;
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_core::Providers;
///
/// let providers = Providers::new()
///     .tracer_provider(SdkTracerProvider::default())
///     .meter_provider(SdkMeterProvider::default())
///     .propagator(TraceContextPropagator::new())
///     .logger_provider(SdkLoggerProvider::builder().build());
/// assert!(providers.is_complete());
/// assert!(!Providers::new().is_complete());
/// ```
#[derive(Clone)]
pub struct Providers {
    tracer: Option<SharedTracerProvider>,
    meter: Option<SharedMeterProvider>,
    propagator: Option<SharedPropagator>,
    logger: Option<SharedLoggerProvider>,
    peer_services: Option<Arc<PeerServices>>,
    /// Tells apart, in per-thread caches, instrumentations configured differently:
    /// 0 for "all globals", a fresh number whenever something is given. Clones share it.
    id: u64,
}

impl Providers {
    /// Nothing given yet: the four globals, read when requests are served.
    pub const fn new() -> Self {
        Self {
            tracer: None,
            meter: None,
            propagator: None,
            logger: None,
            peer_services: None,
            id: 0,
        }
    }

    /// Whether nothing was given: everything comes from the globals.
    ///
    /// ```
    /// use otel_kit_core::Providers;
    ///
    /// assert!(Providers::new().is_globals());
    /// let given = Providers::new().propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
    /// assert!(!given.is_globals());
    /// ```
    pub fn is_globals(&self) -> bool {
        self.id == 0
    }

    fn given(mut self, set: impl FnOnce(&mut Self)) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        set(&mut self);
        self.id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        self
    }

    /// Spans go to `provider` (an `SdkTracerProvider`, or any other) instead of the
    /// global tracer provider.
    #[must_use]
    pub fn tracer_provider<P, T, S>(self, provider: P) -> Self
    where
        S: Span + Send + Sync + 'static,
        T: Tracer<Span = S> + Send + Sync + 'static,
        P: TracerProvider<Tracer = T> + Send + Sync + 'static,
    {
        self.given(|p| p.tracer = Some(Arc::new(provider)))
    }

    /// Metrics go to `provider` instead of the global meter provider.
    #[must_use]
    pub fn meter_provider(self, provider: impl MeterProvider + Send + Sync + 'static) -> Self {
        self.given(|p| p.meter = Some(Arc::new(provider)))
    }

    /// Trace context is read from and written to carriers with `propagator` instead of
    /// the global text-map propagator.
    #[must_use]
    pub fn propagator(self, propagator: impl TextMapPropagator + Send + Sync + 'static) -> Self {
        self.given(|p| p.propagator = Some(Arc::new(propagator)))
    }

    /// Log events (exceptions, GenAI call details) go to `provider` instead of the kit's
    /// global logger provider
    /// ([`set_global_logger_provider`](crate::log_events::set_global_logger_provider)).
    #[must_use]
    pub fn logger_provider<P>(self, provider: P) -> Self
    where
        P: LoggerProvider + Send + Sync + 'static,
        P::Logger: Send + Sync + 'static,
    {
        self.given(|p| p.logger = Some(Arc::new(provider)))
    }

    /// CLIENT spans name the service they call (`server.service.name`) from `services`
    /// instead of the kit's global mapping
    /// ([`set_global_peer_services`](crate::peer_service::set_global_peer_services),
    /// which `otel_kit_init::init()` sets from
    /// `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`). Not one of the four
    /// providers: with all four given and no mapping, the global one is read once.
    ///
    /// ```
    /// use otel_kit_core::{PeerServices, Providers};
    ///
    /// let providers = Providers::new().peer_services(PeerServices::new().map("10.0.3.17", "payments")?);
    /// assert!(!providers.is_globals());
    /// # Ok::<(), otel_kit_core::PeerServiceError>(())
    /// ```
    #[must_use]
    pub fn peer_services(self, services: PeerServices) -> Self {
        self.given(|p| p.peer_services = Some(Arc::new(services)))
    }

    /// Whether all four were given: nothing is read from the globals then, and an
    /// instrumentation resolves its tracer, instruments and logger once, not per thread.
    pub fn is_complete(&self) -> bool {
        self.tracer.is_some() && self.meter.is_some() && self.propagator.is_some() && self.logger.is_some()
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn given_tracer_provider(&self) -> Option<&SharedTracerProvider> {
        self.tracer.as_ref()
    }

    pub(crate) fn given_meter_provider(&self) -> Option<&SharedMeterProvider> {
        self.meter.as_ref()
    }

    pub(crate) fn given_propagator(&self) -> Option<&SharedPropagator> {
        self.propagator.as_ref()
    }

    pub(crate) fn given_logger_provider(&self) -> Option<&SharedLoggerProvider> {
        self.logger.as_ref()
    }

    pub(crate) fn given_peer_services(&self) -> Option<&Arc<PeerServices>> {
        self.peer_services.as_ref()
    }
}

impl Default for Providers {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Providers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = |given: bool| if given { "given" } else { "global" };
        f.debug_struct("Providers")
            .field("tracer_provider", &source(self.tracer.is_some()))
            .field("meter_provider", &source(self.meter.is_some()))
            .field("propagator", &source(self.propagator.is_some()))
            .field("logger_provider", &source(self.logger.is_some()))
            .field("peer_services", &source(self.peer_services.is_some()))
            .finish()
    }
}
