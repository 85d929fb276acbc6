//! The guard `init()` returns: it owns the providers, reads back the configuration in
//! effect, and flushes and shuts everything down within a bounded time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

#[cfg(feature = "metrics")]
use crate::KitMeterProvider;
use opentelemetry_sdk::Resource;
#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;

use crate::ShutdownError;
use crate::Signal;
use crate::batch::SpanQueueStats;
use crate::before_processors::ValueLimits;
use crate::config::EffectiveConfig;
use crate::control::TelemetryControl;
use crate::pipelines::Pipelines;
use crate::sampling::Sampling;
use crate::shutdown;
use crate::subscriber::SpanEvents;
use otel_kit_propagators::Propagators;

/// Default bound on [`Telemetry::shutdown`].
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The running telemetry. Keep it alive for the life of the program: dropping it (or
/// calling [`shutdown`](Self::shutdown)) flushes and shuts down the tracer, meter and
/// logger providers within the shutdown timeout. Shutting down twice is harmless.
#[must_use = "dropping the guard shuts telemetry down: bind it, e.g. `let _telemetry = otel_kit_init::init()?;`"]
pub struct Telemetry {
    pipelines: Mutex<Option<Pipelines>>,
    /// The tracer provider as it is installed globally (its tracers carry the head
    /// sampler to the kit's instrumentations), around the SDK's.
    head_sampled: otel_kit_sampling::HeadSampledTracerProvider,
    #[cfg(feature = "metrics")]
    meter_provider: KitMeterProvider,
    #[cfg(feature = "logs")]
    logger_provider: SdkLoggerProvider,
    span_stats: Option<Arc<SpanQueueStats>>,
    #[cfg(feature = "logs")]
    log_stats: Option<Arc<crate::batch::LogQueueStats>>,
    export_stats: Vec<(Signal, Arc<otel_kit_otlp::ExportStats>)>,
    value_limits: ValueLimits,
    flushing: Arc<AtomicBool>,
    warnings: Vec<String>,
    effective: EffectiveConfig,
    propagators: Propagators,
    resource: Resource,
    shutdown_timeout: Duration,
    control: TelemetryControl,
    span_events: SpanEvents,
    #[cfg(feature = "prometheus")]
    prometheus: Option<(
        otel_kit_prometheus::PrometheusHandler,
        Option<std::net::SocketAddr>,
    )>,
    /// The runtimes observed; `None` when runtime metrics are off.
    #[cfg(feature = "runtime-metrics")]
    runtimes: Option<otel_kit_runtime_metrics::TokioRuntimes>,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("effective_config", &self.effective.to_string())
            .finish_non_exhaustive()
    }
}

impl Telemetry {
    pub(crate) fn new(
        pipelines: Pipelines,
        effective: EffectiveConfig,
        propagators: Propagators,
        resource: Resource,
        shutdown_timeout: Duration,
        warnings: Vec<String>,
        control: TelemetryControl,
    ) -> Self {
        Telemetry {
            head_sampled: pipelines.head_sampled.clone(),
            #[cfg(feature = "metrics")]
            meter_provider: pipelines.meter.clone(),
            #[cfg(feature = "logs")]
            logger_provider: pipelines.logger.clone(),
            span_stats: pipelines.span_stats.clone(),
            #[cfg(feature = "logs")]
            log_stats: pipelines.log_stats.clone(),
            export_stats: pipelines.export_stats.clone(),
            value_limits: pipelines.value_limits.clone(),
            flushing: Arc::new(AtomicBool::new(false)),
            warnings,
            #[cfg(feature = "prometheus")]
            prometheus: pipelines
                .prometheus
                .as_ref()
                .map(|p| (p.handler.clone(), p.listener.as_ref().map(|l| l.address()))),
            pipelines: Mutex::new(Some(pipelines)),
            effective,
            propagators,
            resource,
            shutdown_timeout,
            control,
            span_events: SpanEvents::Recorded,
            #[cfg(feature = "runtime-metrics")]
            runtimes: None,
        }
    }

    pub(crate) fn with_span_events(mut self, span_events: SpanEvents) -> Self {
        self.span_events = span_events;
        self
    }

    #[cfg(feature = "runtime-metrics")]
    pub(crate) fn with_runtimes(mut self, runtimes: Option<otel_kit_runtime_metrics::TokioRuntimes>) -> Self {
        self.runtimes = runtimes;
        self
    }

    /// Observe a tokio runtime built after `init()` (or one more), its points named
    /// `tokio.runtime.name = name`; a runtime observed under the same name is replaced.
    /// Returns `false`, observing nothing, when runtime metrics are off.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .init()?;
    /// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    /// assert!(telemetry.observe_tokio_runtime("payments", runtime.handle()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "runtime-metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
    pub fn observe_tokio_runtime(&self, name: impl Into<String>, handle: &tokio::runtime::Handle) -> bool {
        match &self.runtimes {
            Some(runtimes) => {
                runtimes.add(name, handle.clone());
                true
            }
            None => false,
        }
    }

    /// Whether the process and tokio runtime metrics are registered.
    #[cfg(feature = "runtime-metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
    pub fn runtime_metrics_enabled(&self) -> bool {
        self.runtimes.is_some()
    }

    /// Spans dropped so far by the OTLP export queue (0 without an OTLP traces
    /// exporter): because it was full, exported as `otel.sdk.processor.span.processed`
    /// with `error.type = queue_full`, or because their trace held its share of it
    /// ([`dropped_spans_over_trace_share`](Self::dropped_spans_over_trace_share)).
    pub fn dropped_spans(&self) -> u64 {
        self.span_stats.as_ref().map_or(0, |s| s.dropped())
    }

    /// Spans dropped so far because their trace already held its share of the OTLP
    /// export queue (`OTEL_KIT_BSP_MAX_TRACE_SHARE`, half by default): a runaway
    /// request's excess. Also exported as `otel.sdk.processor.span.processed` with
    /// `error.type = trace_share_exceeded`.
    pub fn dropped_spans_over_trace_share(&self) -> u64 {
        self.span_stats
            .as_ref()
            .map_or(0, |s| s.dropped_over_trace_share())
    }

    /// Attribute values cut so far to `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` (span,
    /// event and link attributes) or `OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT` (log
    /// record attributes), each falling back to `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`; 0
    /// when no limit is set (the default). See [`value_length`](crate::value_length).
    pub fn truncated_values(&self) -> u64 {
        self.value_limits.spans.truncated() + self.value_limits.logs.truncated()
    }

    /// What the OTLP exporter of `signal` delivered and lost so far (batches and the
    /// spans, log records or metric data points in them), counted after its retries: a
    /// collector or proxy that refuses or is down shows here as failed items. `None`
    /// without an OTLP exporter for the signal, or with `http/json`
    /// (opentelemetry-otlp's exporter keeps no counts).
    ///
    /// ```
    /// use otel_kit_init::Signal;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .init()?;
    /// let logs = telemetry.export_stats(Signal::Logs).expect("an OTLP log exporter");
    /// assert_eq!((logs.exported_items(), logs.failed_items()), (0, 0));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn export_stats(&self, signal: Signal) -> Option<&otel_kit_otlp::ExportStats> {
        self.export_stats
            .iter()
            .find(|(s, _)| *s == signal)
            .map(|(_, stats)| stats.as_ref())
    }

    /// All counters of the OTLP span queue: ended, exported, failed, dropped, queued.
    pub fn span_queue_stats(&self) -> Option<&SpanQueueStats> {
        self.span_stats.as_deref()
    }

    /// All counters of the OTLP log record queue (`None` without an OTLP logs
    /// exporter): emitted, exported, failed, dropped (also exported as
    /// `otel.sdk.processor.log.processed` with `error.type = queue_full`), queued.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .init()?;
    /// let logs = telemetry.log_queue_stats().expect("an OTLP log exporter");
    /// assert_eq!((logs.ended(), logs.dropped(), logs.capacity()), (0, 0, 2048));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    #[cfg(feature = "logs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
    pub fn log_queue_stats(&self) -> Option<&crate::batch::LogQueueStats> {
        self.log_stats.as_deref()
    }

    /// The warnings start-up produced (bad `OTEL_*` values, unsupported names, unreadable
    /// certificate files), one sentence each. They are also logged once through
    /// `tracing`; this is for programs that install their subscriber later, or none.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The configuration in effect: the environment's, with the builder's values laid
    /// over it; its `Display` is the line `init()` logs at start-up.
    pub fn effective_config(&self) -> &EffectiveConfig {
        &self.effective
    }

    /// Whether `tracing` events inside spans are span events too, as `init()` resolved
    /// it (code, else `OTEL_KIT_SPAN_EVENTS`, else by whether logs go over OTLP): what a
    /// subscriber composed with `without_tracing_subscriber` passes to
    /// [`subscriber::layers_with_span_events`](crate::subscriber::layers_with_span_events).
    ///
    /// ```
    /// use otel_kit_init::subscriber::SpanEvents;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .init()?;
    /// assert_eq!(telemetry.span_events(), SpanEvents::Recorded, "no logs exported");
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn span_events(&self) -> SpanEvents {
        self.span_events
    }

    /// The sampler preset configured at start-up; [`control`](Self::control) changes it
    /// while the service runs, and its `sampling()` says what is in effect then.
    pub fn sampling(&self) -> &Sampling {
        &self.effective.sampling
    }

    /// The handle that changes the sampling ratio and the log filter of this telemetry
    /// while it runs, and traces everything for a while: see [`TelemetryControl`]. Cheap
    /// to clone, `Send + Sync`, for an admin endpoint the service owns.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .init()?;
    /// let control = telemetry.control();
    /// control.set_sampling_ratio(0.1)?;
    /// assert_eq!(control.sampling_ratio(), Some(0.1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn control(&self) -> TelemetryControl {
        self.control.clone()
    }

    /// The installed propagators.
    pub fn propagators(&self) -> &Propagators {
        &self.propagators
    }

    /// The resource shared by the three providers.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The tracer provider (also installed globally unless the builder said otherwise).
    pub fn tracer_provider(&self) -> &SdkTracerProvider {
        self.head_sampled.sdk()
    }

    /// What `init()` built, for an instrumentation given its providers instead of the
    /// globals (`.providers(telemetry.providers())`): the tracer provider as it is
    /// installed globally, whose sampler the instrumentations ask before they build a
    /// span (the SDK's own, [`tracer_provider`](Self::tracer_provider), would build every
    /// span first), the propagators, and the meter and logger providers with their
    /// cargo features.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .init()?;
    /// let providers = telemetry.providers();
    /// assert!(!providers.is_globals());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn providers(&self) -> otel_kit_core::Providers {
        let providers = otel_kit_core::Providers::new()
            .tracer_provider(self.head_sampled.clone())
            .propagator(self.propagators.clone());
        #[cfg(feature = "metrics")]
        let providers = providers.meter_provider(self.meter_provider.clone());
        #[cfg(feature = "logs")]
        let providers = providers.logger_provider(self.logger_provider.clone());
        providers
    }

    /// The meter provider (the `metrics` cargo feature): the SDK's, whose instruments
    /// also keep exemplars. Hand this one (or a clone) to an instrumentation.
    ///
    /// ```no_run
    /// use opentelemetry::metrics::MeterProvider as _;
    ///
    /// let telemetry = otel_kit_init::builder().without_globals().init()?;
    /// let meter = telemetry.meter_provider().meter("shop"); // keeps exemplars
    /// telemetry.meter_provider().force_flush()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn meter_provider(&self) -> &KitMeterProvider {
        &self.meter_provider
    }

    /// The handler serving `/metrics` (the `prometheus` cargo feature), when the
    /// Prometheus exporter is on (`OTEL_METRICS_EXPORTER=prometheus` or
    /// `otlp,prometheus`, [`Exporter::Prometheus`](crate::Exporter::Prometheus)): a
    /// tower service to mount on the application's router,
    /// `Router::new().route_service("/metrics", handler)` with axum.
    #[cfg(feature = "prometheus")]
    #[cfg_attr(docsrs, doc(cfg(feature = "prometheus")))]
    pub fn prometheus_handler(&self) -> Option<otel_kit_prometheus::PrometheusHandler> {
        self.prometheus.as_ref().map(|(handler, _)| handler.clone())
    }

    /// Where the Prometheus exporter's own listener serves `/metrics` (the port it
    /// took, when `OTEL_EXPORTER_PROMETHEUS_PORT` is 0); `None` without one.
    #[cfg(feature = "prometheus")]
    #[cfg_attr(docsrs, doc(cfg(feature = "prometheus")))]
    pub fn prometheus_address(&self) -> Option<std::net::SocketAddr> {
        self.prometheus.as_ref().and_then(|(_, address)| *address)
    }

    /// The logger provider (the `logs` cargo feature).
    #[cfg(feature = "logs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
    pub fn logger_provider(&self) -> &SdkLoggerProvider {
        &self.logger_provider
    }

    /// Exports what is queued now, without shutting down; bounded by the shutdown timeout,
    /// in the order of [`shutdown`](Self::shutdown) (metrics last).
    /// At most one flush runs at a time: a call made while one is in progress waits for
    /// it (within its own timeout) instead of starting another, so a hung collector
    /// cannot make flushes pile up.
    pub fn force_flush(&self) -> Result<(), ShutdownError> {
        let deadline = Instant::now() + self.shutdown_timeout;
        if self.flushing.swap(true, Ordering::AcqRel) {
            while self.flushing.load(Ordering::Acquire) {
                if Instant::now() >= deadline {
                    return Err(ShutdownError::Timeout(self.shutdown_timeout));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            return Ok(());
        }
        let t = self.head_sampled.sdk().clone();
        #[cfg(feature = "metrics")]
        let m = self.meter_provider.clone();
        #[cfg(feature = "logs")]
        let l = self.logger_provider.clone();
        let flushing = Arc::clone(&self.flushing);
        shutdown::run_bounded(self.shutdown_timeout, move |deadline| {
            // Cleared when this flush really ends, even after the caller stopped waiting.
            struct Done(Arc<AtomicBool>);
            impl Drop for Done {
                fn drop(&mut self) {
                    self.0.store(false, Ordering::Release);
                }
            }
            let _done = Done(flushing);
            shutdown::flush_providers(
                deadline,
                &t,
                #[cfg(feature = "logs")]
                &l,
                #[cfg(feature = "metrics")]
                m.sdk(),
            )
        })
    }

    /// Flushes and shuts down the three providers, and stops the export thread, all
    /// within the shutdown timeout (5 s by default). Spans and logs go first, side by
    /// side; the meter provider's last collection and export follow, so the SDK
    /// self-metrics (`otel.sdk.processor.span.processed`) count the final span flush.
    /// The metrics wait for spans and logs at most half the timeout, then go anyway:
    /// a collector that never answers for spans leaves them the other half. The work runs on
    /// a thread of its own, so this is safe to call from async code (it blocks the caller
    /// for at most the timeout). A second call returns `Ok(())` at once.
    pub fn shutdown(&self) -> Result<(), ShutdownError> {
        let Some(pipelines) = self
            .pipelines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        else {
            return Ok(());
        };
        shutdown::run_bounded(self.shutdown_timeout, move |deadline| {
            shutdown::shutdown_pipelines(pipelines, deadline)
        })
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            eprintln!("otel-kit-init: {e}");
        }
    }
}
