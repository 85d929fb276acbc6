//! Global mode: one harness at a time installed as the process-wide telemetry, for code
//! that uses `opentelemetry::global` or emits `tracing` data from threads the test does
//! not control (a multi-threaded runtime's workers).
//!
//! The `tracing` side is a single registry installed once as the global dispatcher. Its
//! tracer and log bridge write to whichever harness is installed at the moment, so
//! swapping harnesses never invalidates span ids held by the registry.

use std::sync::{Condvar, LazyLock, Mutex, OnceLock, PoisonError, RwLock};

use opentelemetry::logs::{Logger, LoggerProvider, Severity};
use opentelemetry::propagation::TextMapCompositePropagator;
use opentelemetry::trace::{SpanBuilder, Tracer, TracerProvider as _};
use opentelemetry::{Context, InstrumentationScope, global};
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::logs::{SdkLogRecord, SdkLogger, SdkLoggerProvider};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::harness::{TRACING_SCOPE, TestTelemetry};

impl TestTelemetry {
    /// Installs this harness as the process-wide telemetry: the OpenTelemetry global
    /// tracer and meter providers, a W3C trace-context + baggage propagator, and the
    /// global `tracing` dispatcher. Only one global harness exists at a time: a second
    /// `install_global` blocks its thread until the first guard is dropped, so such tests
    /// serialise (call it before starting a runtime's work, not from inside a task).
    pub fn install_global(self) -> GlobalTelemetry {
        install(self)
    }
}

/// The installed harness's tracer and logger provider, read on every span and event.
struct Installed {
    tracer: SdkTracer,
    logger_provider: SdkLoggerProvider,
}

static CURRENT: RwLock<Option<Installed>> = RwLock::new(None);

/// Where data goes while no harness is installed: providers with no processor.
static IDLE: LazyLock<Installed> = LazyLock::new(|| Installed {
    tracer: SdkTracerProvider::builder().build().tracer(TRACING_SCOPE),
    logger_provider: SdkLoggerProvider::builder().build(),
});

static DISPATCHER: OnceLock<()> = OnceLock::new();

/// One global harness at a time. A `Mutex<bool>` and a condition variable rather than a
/// `MutexGuard`, so the guard is `Send` and survives a panic in the test (no poisoning).
static BUSY: Mutex<bool> = Mutex::new(false);
static FREED: Condvar = Condvar::new();

/// The installed harness's tracer and logger provider, cloned (both are `Arc`s) so the
/// lock is released before the SDK runs: the SDK's own diagnostics go through `tracing`
/// and would otherwise re-enter the lock.
fn current() -> (SdkTracer, SdkLoggerProvider) {
    let current = CURRENT.read().unwrap_or_else(PoisonError::into_inner);
    let installed = current.as_ref().unwrap_or(&IDLE);
    (installed.tracer.clone(), installed.logger_provider.clone())
}

/// A harness installed as the process-wide telemetry. Dereferences to the
/// [`TestTelemetry`]; dropping it restores no-op globals and lets the next global test in.
///
/// ```
/// use opentelemetry::global;
/// use opentelemetry::trace::Tracer as _;
/// use otel_kit_testing::TestTelemetry;
///
/// let t = TestTelemetry::new().install_global();
/// global::tracer("lib").in_span("from-global", |_| {});
/// std::thread::spawn(|| tracing::info_span!("from-thread").in_scope(|| {})).join().unwrap();
/// t.spans().assert_tree("
///     from-global
///     from-thread
/// ");
/// ```
#[derive(Debug)]
pub struct GlobalTelemetry {
    telemetry: TestTelemetry,
}

impl std::ops::Deref for GlobalTelemetry {
    type Target = TestTelemetry;
    fn deref(&self) -> &TestTelemetry {
        &self.telemetry
    }
}

fn install(telemetry: TestTelemetry) -> GlobalTelemetry {
    {
        let mut busy = BUSY.lock().unwrap_or_else(PoisonError::into_inner);
        while *busy {
            busy = FREED.wait(busy).unwrap_or_else(PoisonError::into_inner);
        }
        *busy = true;
    }
    // From here on the guard exists, so even a panic below releases the lock.
    let guard = GlobalTelemetry { telemetry };
    DISPATCHER.get_or_init(|| {
        let subscriber = tracing_subscriber::registry()
            .with(otel_kit_core::__private::span_bridge(
                otel_kit_core::__private::BridgeTracer::new(SwitchTracer),
                LevelFilter::TRACE,
                LevelFilter::TRACE,
            ))
            .with(
                otel_kit_core::__private::EventFields::new(OpenTelemetryTracingBridge::new(
                    &otel_kit_core::__private::DeclaredEventNames(SwitchLoggerProvider),
                ))
                .with_filter(crate::harness::not_sdk_internal()),
            );
        if tracing::dispatcher::set_global_default(tracing::Dispatch::new(subscriber)).is_err() {
            panic!(
                "otel-kit-testing: install_global could not install the global `tracing` dispatcher \
                 because something else already did; global `tracing` data cannot reach the harness"
            );
        }
    });
    *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = Some(Installed {
        tracer: guard.telemetry.tracer(TRACING_SCOPE),
        logger_provider: guard.telemetry.logger_provider().clone(),
    });
    global::set_tracer_provider(guard.telemetry.tracer_provider().clone());
    global::set_meter_provider(guard.telemetry.meter_provider().clone());
    otel_kit_core::log_events::set_global_logger_provider(guard.telemetry.logger_provider().clone());
    global::set_text_map_propagator(TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ]));
    // Instrumentations built before this see the harness at their next request.
    otel_kit_core::globals_changed();
    guard
}

impl Drop for GlobalTelemetry {
    fn drop(&mut self) {
        *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = None;
        global::set_tracer_provider(opentelemetry::trace::noop::NoopTracerProvider::new());
        global::set_meter_provider(opentelemetry::metrics::noop::NoopMeterProvider::new());
        global::set_text_map_propagator(opentelemetry::trace::noop::NoopTextMapPropagator::new());
        otel_kit_core::globals_changed();
        *BUSY.lock().unwrap_or_else(PoisonError::into_inner) = false;
        FREED.notify_one();
    }
}

/// A tracer that builds each span with the installed harness's tracer.
#[derive(Debug, Clone, Copy)]
struct SwitchTracer;

impl Tracer for SwitchTracer {
    type Span = opentelemetry_sdk::trace::Span;

    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> Self::Span {
        current().0.build_with_context(builder, parent_cx)
    }
}

/// A logger provider whose loggers emit through the installed harness's provider.
#[derive(Debug, Clone, Copy)]
struct SwitchLoggerProvider;

impl LoggerProvider for SwitchLoggerProvider {
    type Logger = SwitchLogger;

    fn logger_with_scope(&self, scope: InstrumentationScope) -> SwitchLogger {
        SwitchLogger { scope }
    }
}

#[derive(Debug)]
struct SwitchLogger {
    scope: InstrumentationScope,
}

impl SwitchLogger {
    fn current(&self) -> SdkLogger {
        current().1.logger_with_scope(self.scope.clone())
    }
}

impl Logger for SwitchLogger {
    type LogRecord = SdkLogRecord;

    fn create_log_record(&self) -> SdkLogRecord {
        self.current().create_log_record()
    }

    fn emit(&self, record: SdkLogRecord) {
        self.current().emit(record);
    }

    fn event_enabled(&self, level: Severity, target: &str, name: Option<&str>) -> bool {
        self.current().event_enabled(level, target, name)
    }
}
