//! The builder's metric settings: exemplars, the per-metric cardinality limit, and the
//! process and tokio runtime metrics.

use super::Builder;
#[cfg(doc)]
use crate::InitError;
use crate::config::ExemplarFilter;

impl Builder {
    /// Which measurements become exemplars (wins over
    /// `OTEL_METRICS_EXEMPLAR_FILTER`; default [`ExemplarFilter::TraceBased`]: those
    /// recorded while a sampled span is current).
    ///
    /// ```
    /// use otel_kit_init::config::ExemplarFilter;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .exemplar_filter(ExemplarFilter::AlwaysOff)
    ///     .init()?;
    /// assert_eq!(telemetry.effective_config().export.metrics_exemplar_filter, ExemplarFilter::AlwaysOff);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn exemplar_filter(mut self, filter: ExemplarFilter) -> Self {
        self.code.exemplar_filter = Some(filter);
        self
    }

    /// How many attribute sets each metric keeps (default
    /// [`DEFAULT_CARDINALITY_LIMIT`](crate::DEFAULT_CARDINALITY_LIMIT), the SDK's 2000).
    /// Beyond it, measurements with a new attribute set are added to the metric's one
    /// series with `otel.metric.overflow=true`, and the kit warns once, naming the
    /// metric and its attribute keys. It applies to every instrument, the
    /// instrumentations' too, except those a view added with
    /// [`with_view`](Self::with_view) matches: that view's stream has its own limit
    /// (`Stream::builder().with_cardinality_limit`). No `OTEL_*` variable sets it (the
    /// specification defines none). `0` is an [`InitError::InvalidValue`] from `init()`.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .metric_cardinality_limit(500)
    ///     .init()?;
    /// assert_eq!(telemetry.effective_config().metric_cardinality_limit, 500);
    ///
    /// let refused = otel_kit_init::builder().metric_cardinality_limit(0).init();
    /// assert!(matches!(refused, Err(otel_kit_init::InitError::InvalidValue { what: "metric_cardinality_limit", .. })));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn metric_cardinality_limit(mut self, limit: usize) -> Self {
        self.code.cardinality_limit = Some(limit);
        self
    }

    /// No process and tokio runtime metrics (the `runtime-metrics` cargo feature), whatever
    /// `OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED` says.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .without_runtime_metrics()
    ///     .init()?;
    /// assert!(!telemetry.runtime_metrics_enabled());
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    #[cfg(feature = "runtime-metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
    pub fn without_runtime_metrics(mut self) -> Self {
        self.runtime_metrics = Some(false);
        self
    }

    /// Observe this tokio runtime, its points named `tokio.runtime.name = name`. Once
    /// one is given, the runtime current at `init()` is not observed unless given too;
    /// a runtime built later goes to
    /// [`Telemetry::observe_tokio_runtime`](crate::Telemetry::observe_tokio_runtime).
    ///
    /// ```
    /// let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .tokio_runtime("io", runtime.handle().clone())
    ///     .init()?;
    /// assert!(telemetry.runtime_metrics_enabled());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "runtime-metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
    pub fn tokio_runtime(mut self, name: impl Into<String>, handle: tokio::runtime::Handle) -> Self {
        self.tokio_runtimes.push((name.into(), handle));
        self
    }
}
