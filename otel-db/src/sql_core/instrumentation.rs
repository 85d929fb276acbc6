//! What every operation of one instrumented pool shares: where it connects, its
//! options, the resolver of its tracer and instruments, and the system the server
//! turned out to be.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::LocalKey;
use std::time::{Duration, Instant};

use opentelemetry::metrics::{Counter, Histogram, Meter};
use opentelemetry::{InstrumentationScope, KeyValue, StringValue};
use otel_kit_core::__private::bound_histograms::BoundHistograms;
use otel_kit_core::__private::{Cache, Resolved, Resolver};
use otel_kit_core::Providers;
use otel_kit_semconv::attribute::DB_CLIENT_CONNECTION_POOL_NAME;
use otel_kit_semconv::metric::DB_CLIENT_CONNECTION_TIMEOUTS;

use crate::front_end::duration::operation_duration;
use crate::front_end::endpoint::Endpoint;
use crate::options::Options;

/// Registers a pool's connection gauges with a meter (see [`crate::pool_metrics`]).
pub(crate) type RegisterGauges = Box<dyn Fn(&Meter) + Send + Sync>;

/// The SQL front-end an [`Instrumentation`] records for: the names of its
/// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` switches (docs/configuration.md, "The Java
/// agent's switches") and its threads' cache of resolved providers. Everything else
/// (the instruments, the calls, the statements) the front-ends share.
pub(crate) trait Frontend: Sized + Send + Sync + 'static {
    const SWITCHES: &'static [&'static str];

    fn cache() -> &'static LocalKey<Cache<Instruments<Self>>>;
}

/// Declares a [`Frontend`] with its switch names.
macro_rules! frontend {
    ($(#[$doc:meta])* $name:ident, $switches:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl $crate::sql_core::instrumentation::Frontend for $name {
            const SWITCHES: &'static [&'static str] = $switches;

            otel_kit_core::__private::instruments_cache!(fn cache() -> $crate::sql_core::instrumentation::Instruments<$name>);
        }
    };
}

pub(crate) use frontend;

pub(crate) struct Instrumentation<F: Frontend> {
    /// Unique for the life of the process: tells pools apart where a pointer could be
    /// reused.
    id: u64,
    pub(crate) endpoint: Endpoint,
    pub(crate) options: Options,
    resolver: Resolver<Instruments<F>>,
    pub(crate) pool_name: StringValue,
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
        allow(dead_code)
    )]
    asks_server: bool,
    detected: OnceLock<&'static str>,
    /// Set once, by the pool's builder.
    gauges: OnceLock<RegisterGauges>,
    /// The address of the meter provider the gauges were last registered with: the
    /// provider is resolved lazily (and may change), the gauges follow it.
    gauges_for: AtomicUsize,
    /// `OTEL_KIT_DB_SLOW_QUERY_THRESHOLD` as `init()` set it, read at the first operation.
    slow_query: OnceLock<Option<Duration>>,
}

/// The instruments of every pool and client of front-end `F`, built from a meter of
/// this crate's scope.
pub(crate) struct Instruments<F> {
    meter: Meter,
    pub(crate) duration: Histogram<f64>,
    /// `duration` bound per statement and pool, for operations that succeed: the
    /// attribute set a statement's operations share (`Statement::operation_attributes`),
    /// keyed by the statement's address and the pool. Each entry keeps its statement
    /// alive, so that the address keying it is not reused.
    pub(crate) bound_durations: BoundHistograms<(usize, u64), Arc<dyn Send + Sync>>,
    timeouts: Counter<u64>,
    frontend: PhantomData<fn() -> F>,
}

impl<F: Frontend> otel_kit_core::__private::Instruments for Instruments<F> {
    const SWITCHES: &'static [&'static str] = F::SWITCHES;

    fn scope() -> InstrumentationScope {
        crate::scope::SCOPE.get()
    }

    fn new(meter: Meter) -> Self {
        Self {
            duration: operation_duration(&meter),
            bound_durations: BoundHistograms::default(),
            timeouts: meter
                .u64_counter(DB_CLIENT_CONNECTION_TIMEOUTS)
                .with_unit("{timeout}")
                .with_description(
                    "The number of connection timeouts that have occurred trying to obtain a connection from the pool.",
                )
                .build(),
            meter,
            frontend: PhantomData,
        }
    }

    fn cache() -> &'static LocalKey<Cache<Self>> {
        F::cache()
    }
}

impl<F: Frontend> std::fmt::Debug for Instrumentation<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instrumentation")
            .field("system", &self.system())
            .field("pool_name", &self.pool_name.as_str())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<F: Frontend> Instrumentation<F> {
    /// `asks_server`: whether the server is to be asked which system it is (see
    /// `sqlx/detection.rs`).
    pub(crate) fn new(endpoint: Endpoint, options: Options, providers: Providers, asks_server: bool) -> Self {
        let pool_name = options.pool_name.clone().unwrap_or_else(|| endpoint.pool_name());
        let pool_name = StringValue::from(std::sync::Arc::<str>::from(pool_name));
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            resolver: Resolver::new(providers),
            gauges: OnceLock::new(),
            gauges_for: AtomicUsize::new(0),
            slow_query: OnceLock::new(),
            pool_name,
            asks_server,
            detected: OnceLock::new(),
            endpoint,
            options,
        }
    }

    /// The slow-query threshold in effect (otel-kit-init's
    /// `OTEL_KIT_DB_SLOW_QUERY_THRESHOLD`, through the global switches): read once, then
    /// one load per operation.
    pub(crate) fn slow_query_threshold(&self) -> Option<Duration> {
        *self.slow_query.get_or_init(|| {
            otel_kit_core::instrumentation_switches::global_instrumentation_switches()?
                .db_slow_query_threshold
        })
    }

    /// This pool's identity, unique for the life of the process.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// `db.system.name`: the configured one, else what the server said, else the driver's.
    pub(crate) fn system(&self) -> &'static str {
        self.options
            .system_name
            .or_else(|| self.detected.get().copied())
            .unwrap_or(self.endpoint.system)
    }

    /// Whether the server still has to be asked which system it is.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
        allow(dead_code)
    )]
    pub(crate) fn detection_pending(&self) -> bool {
        self.asks_server && self.options.system_name.is_none() && self.detected.get().is_none()
    }

    /// Records what the server said it is (the first answer stays).
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
        allow(dead_code)
    )]
    pub(crate) fn set_detected(&self, system: &'static str) {
        let _ = self.detected.set(system);
    }

    pub(crate) fn pool_attribute(&self) -> KeyValue {
        KeyValue::new(DB_CLIENT_CONNECTION_POOL_NAME, self.pool_name.clone())
    }

    pub(crate) fn count_timeout(&self) {
        self.with(None, |resolved| {
            resolved.instruments().timeouts.add(1, &[self.pool_attribute()]);
        });
    }

    /// Registers the pool's gauges with whatever meter provider resolves, now and
    /// whenever it changes.
    #[cfg_attr(
        not(any(
            feature = "postgres",
            feature = "mysql",
            feature = "sqlite",
            feature = "deadpool-postgres"
        )),
        allow(dead_code)
    )]
    pub(crate) fn set_gauges(&self, register: RegisterGauges) {
        let _ = self.gauges.set(register);
        self.with(None, |_| ());
    }

    /// Runs `f` with the pool's resolved tracer and instruments (see
    /// [`Resolver::with`]), first registering the gauges with a meter provider they
    /// have not been registered with yet.
    pub(crate) fn with<R>(&self, now: Option<Instant>, f: impl FnOnce(&Resolved<Instruments<F>>) -> R) -> R {
        self.resolver.with(now, |resolved| {
            let address = std::sync::Arc::as_ptr(resolved.meter_provider()).cast::<()>() as usize;
            // One load per operation; the swap makes exactly one thread register.
            if self.gauges_for.load(Ordering::Relaxed) != address
                && self.gauges_for.swap(address, Ordering::AcqRel) != address
                && let Some(register) = self.gauges.get()
            {
                register(&resolved.instruments().meter);
            }
            f(resolved)
        })
    }
}
