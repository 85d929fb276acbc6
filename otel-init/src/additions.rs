//! What an application adds to the pipelines `init()` builds, without giving up
//! `init()` and with it the guard, redaction and counted drops: span processors, log
//! processors, metric readers and views. (A custom sampler is a [`Sampling`] preset:
//! [`Sampling::custom`].)
//!
//! Each addition is kept as the step that adds it to the SDK's provider builder, so
//! that the SDK's own generic methods are used unchanged. The builder methods that make
//! them are in `builder/processors.rs`; `pipelines.rs` applies them.
//!
//! [`Sampling`]: crate::sampling::Sampling
//! [`Sampling::custom`]: crate::sampling::Sampling::custom

#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::{LogProcessor, LoggerProviderBuilder};
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Instrument, MeterProviderBuilder, Stream, reader::MetricReader};
use opentelemetry_sdk::trace::{SpanProcessor, TracerProviderBuilder};

use crate::before_processors::BeforeSpanProcessors;
#[cfg(feature = "metrics")]
use crate::cardinality_limit::SharedView;

#[cfg(any(feature = "logs", feature = "metrics"))]
type Step<B> = Box<dyn FnOnce(B) -> B>;

/// A span processor's step: it is put behind redaction and the value length limit.
type SpanStep = Box<dyn FnOnce(TracerProviderBuilder, &BeforeSpanProcessors<'_>) -> TracerProviderBuilder>;

/// The additions, in the order they were made.
#[derive(Default)]
pub(crate) struct Additions {
    span_processors: Vec<SpanStep>,
    /// The tracer provider's id generator, when the application gives one.
    id_generator: Option<Box<dyn opentelemetry_sdk::trace::IdGenerator>>,
    #[cfg(feature = "logs")]
    log_processors: Vec<Step<LoggerProviderBuilder>>,
    #[cfg(feature = "metrics")]
    metrics: Vec<Step<MeterProviderBuilder>>,
    /// How many of `metrics` add a reader.
    #[cfg(feature = "metrics")]
    metric_readers: usize,
    /// The views among `metrics`, for the cardinality limit's view.
    #[cfg(feature = "metrics")]
    views: Vec<SharedView>,
    /// The keys views exclude, which the kit's meter provider drops.
    #[cfg(feature = "metrics")]
    exclusions: crate::excluded_attributes::Exclusions,
}

impl Additions {
    /// Adds the span processors, each behind redaction and the value length limit.
    pub(crate) fn add_span_processors(
        &mut self,
        mut tracer: TracerProviderBuilder,
        before: &BeforeSpanProcessors<'_>,
    ) -> TracerProviderBuilder {
        for add in self.span_processors.drain(..) {
            tracer = add(tracer, before);
        }
        tracer
    }

    /// Whether log processors were added (redaction must then run even without an
    /// exporter).
    #[cfg(feature = "logs")]
    pub(crate) fn has_log_processors(&self) -> bool {
        !self.log_processors.is_empty()
    }

    /// Adds the log processors. Called after the redacting log processor: the SDK hands
    /// each processor the same record in order, so they see it redacted.
    #[cfg(feature = "logs")]
    pub(crate) fn add_log_processors(&mut self, mut logger: LoggerProviderBuilder) -> LoggerProviderBuilder {
        for add in self.log_processors.drain(..) {
            logger = add(logger);
        }
        logger
    }

    /// Adds the metric readers and views.
    #[cfg(feature = "metrics")]
    pub(crate) fn add_metrics(&mut self, mut meter: MeterProviderBuilder) -> MeterProviderBuilder {
        for add in self.metrics.drain(..) {
            meter = add(meter);
        }
        meter
    }

    /// The views added, in order.
    #[cfg(feature = "metrics")]
    pub(crate) fn views(&self) -> Vec<SharedView> {
        self.views.clone()
    }
}

impl Additions {
    pub(crate) fn set_id_generator<G: opentelemetry_sdk::trace::IdGenerator + 'static>(
        &mut self,
        generator: G,
    ) {
        self.id_generator = Some(Box::new(generator));
    }

    /// The application's id generator, if it gave one.
    pub(crate) fn take_id_generator(&mut self) -> Option<Box<dyn opentelemetry_sdk::trace::IdGenerator>> {
        self.id_generator.take()
    }

    pub(crate) fn push_span_processor<P: SpanProcessor + 'static>(&mut self, processor: P) {
        self.span_processors
            .push(Box::new(move |tracer, before| before.add(tracer, processor)));
    }

    #[cfg(feature = "logs")]
    pub(crate) fn push_log_processor<P: LogProcessor + 'static>(&mut self, processor: P) {
        self.log_processors
            .push(Box::new(move |logger| logger.with_log_processor(processor)));
    }

    #[cfg(feature = "metrics")]
    pub(crate) fn push_metric_reader<R: MetricReader>(&mut self, reader: R) {
        self.metric_readers += 1;
        self.metrics
            .push(Box::new(move |meter| meter.with_reader(reader)));
    }

    #[cfg(feature = "metrics")]
    #[cfg_attr(not(feature = "config-file"), allow(dead_code))]
    pub(crate) fn push_exclusion(&mut self, exclusion: crate::excluded_attributes::Exclusion) {
        self.exclusions.push(exclusion);
    }

    /// Whether the application added a metric reader of its own.
    #[cfg(feature = "metrics")]
    pub(crate) fn has_metric_readers(&self) -> bool {
        self.metric_readers > 0
    }

    /// The views' excluded keys, for the meter provider.
    #[cfg(feature = "metrics")]
    pub(crate) fn take_exclusions(&mut self) -> crate::excluded_attributes::Exclusions {
        std::mem::take(&mut self.exclusions)
    }

    #[cfg(feature = "metrics")]
    pub(crate) fn push_view<V>(&mut self, view: V)
    where
        V: Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static,
    {
        let view: SharedView = std::sync::Arc::new(view);
        self.views.push(std::sync::Arc::clone(&view));
        self.metrics.push(Box::new(move |meter| {
            meter.with_view(move |i: &Instrument| view(i))
        }));
    }
}

impl std::fmt::Debug for Additions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Additions");
        d.field("span_processors", &self.span_processors.len());
        #[cfg(feature = "logs")]
        d.field("log_processors", &self.log_processors.len());
        #[cfg(feature = "metrics")]
        d.field("metric_readers_and_views", &self.metrics.len());
        d.finish()
    }
}
