//! The builder methods that add SDK pieces to `init()`'s pipelines: span processors, log
//! processors, metric readers and views (kept in `crate::additions`).

#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::LogProcessor;
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Instrument, Stream, reader::MetricReader};
use opentelemetry_sdk::trace::SpanProcessor;

use super::Builder;

impl Builder {
    /// Adds a span processor beside the exporting one. It sees every ended span after
    /// redaction (it gets its own redacted copy), so an audit or routing processor never
    /// holds an unredacted value; the OTLP queue still counts its drops.
    ///
    /// ```
    /// use opentelemetry_sdk::trace::{InMemorySpanExporter, SimpleSpanProcessor};
    ///
    /// let audit = InMemorySpanExporter::default();
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .traces_exporter(otel_kit_init::Exporter::None)
    ///     .with_span_processor(SimpleSpanProcessor::new(audit.clone()))
    ///     .init()?;
    /// # drop(telemetry);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn with_span_processor<P: SpanProcessor + 'static>(mut self, processor: P) -> Self {
        self.additions.push_span_processor(processor);
        self
    }

    /// The tracer provider's trace and span id generator, instead of the SDK's random
    /// one: [`XrayIdGenerator`](crate::XrayIdGenerator) (the `xray` cargo feature) for
    /// trace ids AWS X-Ray accepts, whose first 4 bytes are the start time in seconds.
    ///
    /// ```
    /// use opentelemetry::trace::{Tracer as _, TracerProvider as _, TraceContextExt as _};
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .id_generator(otel_kit_init::XrayIdGenerator::default())
    ///     .init()?;
    /// let trace_id = telemetry.tracer_provider().tracer("app").in_span("work", |cx| cx.span().span_context().trace_id());
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    /// let seconds = u64::from_str_radix(&trace_id.to_string()[..8], 16)?;
    /// assert!(now.abs_diff(seconds) < 60, "X-Ray's trace id starts with the time");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id_generator<G: opentelemetry_sdk::trace::IdGenerator + 'static>(mut self, generator: G) -> Self {
        self.additions.set_id_generator(generator);
        self
    }

    /// Adds `propagator` (any [`TextMapPropagator`](opentelemetry::propagation::TextMapPropagator))
    /// after those `OTEL_PROPAGATORS` or [`propagators`](Self::propagators) name: it
    /// injects after them and extracts after them (so its context wins when both find
    /// one). To use it alone: `.propagators(Propagators::none()).propagator(it)`.
    ///
    /// ```
    /// use opentelemetry::propagation::TextMapPropagator as _;
    /// use opentelemetry_sdk::propagation::TraceContextPropagator;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .propagator(TraceContextPropagator::new())
    ///     .init()?;
    /// assert!(telemetry.propagators().fields().any(|f| f == "traceparent"));
    /// // The start-up line names it `custom`, after the named ones.
    /// assert!(telemetry.effective_config().to_string().contains(" propagators=tracecontext,baggage,custom "));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn propagator(
        mut self,
        propagator: impl opentelemetry::propagation::TextMapPropagator + Send + Sync + 'static,
    ) -> Self {
        self.extra_propagators.push(std::sync::Arc::new(propagator));
        self
    }

    /// Adds a log processor (the `logs` cargo feature). It runs after redaction, before
    /// the exporting processors, and sees each record redacted.
    ///
    /// ```
    /// use opentelemetry_sdk::logs::{InMemoryLogExporter, SimpleLogProcessor};
    ///
    /// let audit = InMemoryLogExporter::default();
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .with_log_processor(SimpleLogProcessor::new(audit.clone()))
    ///     .init()?;
    /// # drop(telemetry);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    #[cfg(feature = "logs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
    pub fn with_log_processor<P: LogProcessor + 'static>(mut self, processor: P) -> Self {
        self.additions.push_log_processor(processor);
        self
    }

    /// Adds a metric reader beside the exporting one (the `metrics` cargo feature), e.g.
    /// a `ManualReader` for a pull endpoint or a second `PeriodicReader`.
    ///
    /// ```
    /// use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader};
    ///
    /// let second = PeriodicReader::builder(InMemoryMetricExporter::default()).build();
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .with_metric_reader(second)
    ///     .init()?;
    /// # drop(telemetry);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn with_metric_reader<R: MetricReader>(mut self, reader: R) -> Self {
        self.additions.push_metric_reader(reader);
        self
    }

    /// Adds a view (the `metrics` cargo feature): renames, drops or re-buckets an
    /// instrument's stream, or limits its attributes, as the SDK's `with_view` does.
    ///
    /// ```
    /// use opentelemetry_sdk::metrics::{Aggregation, Instrument, Stream};
    ///
    /// // Coarser buckets for one histogram.
    /// let telemetry = otel_kit_init::builder()
    ///     .environment(|_| None)
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .with_view(|i: &Instrument| {
    ///         if i.name() != "http.server.request.duration" {
    ///             return None;
    ///         }
    ///         Stream::builder()
    ///             .with_aggregation(Aggregation::ExplicitBucketHistogram {
    ///                 boundaries: vec![0.1, 0.5, 1.0, 5.0],
    ///                 record_min_max: true,
    ///             })
    ///             .build()
    ///             .ok()
    ///     })
    ///     .init()?;
    /// # drop(telemetry);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn with_view<V>(mut self, view: V) -> Self
    where
        V: Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static,
    {
        self.additions.push_view(view);
        self
    }
}
