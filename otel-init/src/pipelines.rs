//! Building the providers from the configuration in effect: exporters, our span and log
//! queue processors, the SDK's periodic reader, and redaction then the
//! value length limits in front of every span and log processor. The metric and log
//! pipelines are the `metrics` and `logs` cargo features; the configuration in effect
//! names no exporter for a signal this build lacks, nor an exporter it lacks.

use std::sync::Arc;

#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::SdkLoggerProvider;
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanLimits};
#[cfg(feature = "metrics")]
use otel_kit_core::__private::exemplar::{ExemplarMeterProvider, Reservoirs};

use crate::InitError;
use crate::Signal;
use crate::additions::Additions;
use crate::batch::SpanQueueStats;
use crate::before_processors::{BeforeSpanProcessors, ValueLimits};
use crate::config::{EffectiveConfig, ExporterKind};
use crate::env::Warnings;
#[cfg(feature = "__otlp")]
use crate::otlp_exporter;
use crate::redaction::Redactor;
use crate::value_length::ValueLengthLimit;
use otel_kit_otlp::ExportRuntime;

/// The providers built, and what their shutdown consumes.
pub(crate) struct Pipelines {
    pub(crate) tracer: SdkTracerProvider,
    /// `tracer` as the global is set and `Telemetry::providers` hands it out: its
    /// tracers carry the head sampler to the kit's instrumentations.
    pub(crate) head_sampled: otel_kit_sampling::HeadSampledTracerProvider,
    #[cfg(feature = "metrics")]
    pub(crate) meter: crate::KitMeterProvider,
    #[cfg(feature = "logs")]
    pub(crate) logger: SdkLoggerProvider,
    pub(crate) runtime: Option<ExportRuntime>,
    pub(crate) span_stats: Option<Arc<SpanQueueStats>>,
    #[cfg(feature = "logs")]
    pub(crate) log_stats: Option<Arc<crate::batch::LogQueueStats>>,
    /// What each OTLP exporter of ours delivered and lost.
    pub(crate) export_stats: Vec<(Signal, Arc<otel_kit_otlp::ExportStats>)>,
    pub(crate) value_limits: ValueLimits,
    #[cfg(feature = "prometheus")]
    pub(crate) prometheus: Option<PrometheusExport>,
}

/// The Prometheus exporter: its handler, and its own listener unless the application
/// mounts the handler itself (or the listener could not start).
#[cfg(feature = "prometheus")]
#[derive(Debug)]
pub(crate) struct PrometheusExport {
    pub(crate) handler: otel_kit_prometheus::PrometheusHandler,
    pub(crate) listener: Option<otel_kit_prometheus::PrometheusListener>,
}

/// What every exporter of one start-up shares.
struct Exporting<'a> {
    config: &'a EffectiveConfig,
    resource: &'a opentelemetry_sdk::Resource,
    #[cfg_attr(not(feature = "__otlp"), allow(dead_code))]
    runtime: Option<&'a ExportRuntime>,
    redactor: Option<&'a Redactor>,
    value_limits: &'a ValueLimits,
    additions: &'a mut Additions,
    #[cfg_attr(not(feature = "__otlp"), allow(dead_code))]
    warnings: &'a mut Warnings,
    #[cfg_attr(not(feature = "__otlp"), allow(dead_code))]
    export_stats: Vec<(Signal, Arc<otel_kit_otlp::ExportStats>)>,
    #[cfg(feature = "prometheus")]
    prometheus: Option<PrometheusExport>,
    /// The sampler's root decisions and probability, reported once the meter provider
    /// is built (after the tracer provider).
    #[cfg(feature = "metrics")]
    sampler_metrics: otel_kit_sampling::SamplerMetrics,
}

pub(crate) fn build_pipelines(
    config: &EffectiveConfig,
    resource: &opentelemetry_sdk::Resource,
    runtime: Option<ExportRuntime>,
    redactor: Option<&Redactor>,
    additions: &mut Additions,
    warnings: &mut Warnings,
) -> Result<Pipelines, InitError> {
    // Clones share the counts the guard reads.
    let value_limits = ValueLimits {
        spans: ValueLengthLimit::new(config.span_limits.attribute_value_length),
        logs: ValueLengthLimit::new(config.log_record_limits.attribute_value_length),
    };
    let mut exporting = Exporting {
        config,
        resource,
        runtime: runtime.as_ref(),
        redactor,
        value_limits: &value_limits,
        additions,
        warnings,
        export_stats: Vec::new(),
        #[cfg(feature = "prometheus")]
        prometheus: None,
        #[cfg(feature = "metrics")]
        sampler_metrics: otel_kit_sampling::SamplerMetrics::new(),
    };
    let (tracer, head, span_stats) = exporting.tracer_provider()?;
    let head_sampled = head.tracer_provider(tracer.clone());
    #[cfg(feature = "metrics")]
    let meter = exporting.meter_provider()?;
    #[cfg(feature = "metrics")]
    exporting.sampler_metrics.report_to(&meter);
    #[cfg(feature = "logs")]
    let (logger, log_stats) = exporting.logger_provider()?;
    #[cfg(feature = "metrics")]
    if let Some(stats) = &span_stats {
        stats.report_to(&meter);
        stats.report_exports_to(
            &meter,
            otlp_exporter_type(
                Signal::Traces,
                exporting.config.export.otlp.traces.settings.protocol,
            ),
        );
    }
    #[cfg(all(feature = "metrics", feature = "logs"))]
    if let Some(stats) = &log_stats {
        stats.report_to(&meter);
        stats.report_exports_to(
            &meter,
            otlp_exporter_type(Signal::Logs, exporting.config.export.otlp.logs.settings.protocol),
        );
    }
    #[cfg(feature = "prometheus")]
    let prometheus = exporting.prometheus.take();
    let export_stats = std::mem::take(&mut exporting.export_stats);
    Ok(Pipelines {
        tracer,
        head_sampled,
        #[cfg(feature = "metrics")]
        meter,
        #[cfg(feature = "logs")]
        logger,
        runtime,
        span_stats,
        #[cfg(feature = "logs")]
        log_stats,
        export_stats,
        value_limits,
        #[cfg(feature = "prometheus")]
        prometheus,
    })
}

/// The handler for `reader`, and its listener as `config` asks; a listener that cannot
/// start is a warning (the handler still serves an application's router).
#[cfg(feature = "prometheus")]
fn prometheus_export(
    config: &crate::config::PrometheusConfig,
    reader: otel_kit_prometheus::PrometheusReader,
    warnings: &mut Warnings,
) -> PrometheusExport {
    let handler = otel_kit_prometheus::PrometheusHandler::new(reader);
    let listener = if config.listener {
        match otel_kit_prometheus::PrometheusListener::start(
            &config.host,
            config.port,
            config.limits,
            handler.clone(),
        ) {
            Ok(listener) => Some(listener),
            Err(why) => {
                warnings.push(
                    "OTEL_EXPORTER_PROMETHEUS_PORT",
                    config.port.to_string(),
                    format!(
                        "the Prometheus exporter does not listen on {}:{} ({why}); /metrics is served only where the application mounts Telemetry::prometheus_handler",
                        config.host, config.port
                    ),
                );
                None
            }
        }
    } else {
        None
    };
    PrometheusExport { handler, listener }
}

/// An exporter this build has. The configuration in effect names no other, and this is
/// the one place the others are left out, so that the pipelines' matches have an arm
/// for each exporter they can build and none for what a build lacks.
#[derive(Clone, Copy)]
enum BuiltExporter {
    #[cfg(feature = "__otlp")]
    Otlp,
    #[cfg(feature = "console")]
    Console,
    #[cfg(feature = "prometheus")]
    Prometheus,
}

impl BuiltExporter {
    /// `kind`, when this build has it.
    fn of(kind: ExporterKind) -> Option<BuiltExporter> {
        match kind {
            #[cfg(feature = "__otlp")]
            ExporterKind::Otlp => Some(BuiltExporter::Otlp),
            #[cfg(feature = "console")]
            ExporterKind::Console => Some(BuiltExporter::Console),
            #[cfg(feature = "prometheus")]
            ExporterKind::Prometheus => Some(BuiltExporter::Prometheus),
            #[cfg(not(feature = "__otlp"))]
            ExporterKind::Otlp => None,
            #[cfg(not(feature = "console"))]
            ExporterKind::Console => None,
            #[cfg(not(feature = "prometheus"))]
            ExporterKind::Prometheus => None,
        }
    }
}

// A build with no exporter has no `BuiltExporter`: its loops over them never run.
#[cfg_attr(
    not(any(feature = "__otlp", feature = "console", feature = "prometheus")),
    allow(clippy::never_loop)
)]
impl Exporting<'_> {
    /// Exporters for a signal, unless `OTEL_SDK_DISABLED`: providers without processors
    /// or readers export nothing, yet spans still get ids, so incoming trace context
    /// flows on to outgoing calls.
    fn exporters(&self, signal: Signal) -> Vec<BuiltExporter> {
        if self.config.sdk_disabled {
            Vec::new()
        } else {
            self.config
                .exporters(signal)
                .iter()
                .filter_map(|kind| BuiltExporter::of(*kind))
                .collect()
        }
    }

    /// The OTLP exporter of signal `E` (`None`, with a warning, when this build cannot
    /// use it), its delivery counts (`stats`) kept for `Telemetry`.
    #[cfg(feature = "__otlp")]
    fn otlp_exporter<E: otel_kit_otlp::ConfiguredExporter>(
        &mut self,
        options: &E::Options,
        stats: fn(&E) -> Option<Arc<otel_kit_otlp::ExportStats>>,
    ) -> Result<Option<E>, InitError> {
        let exporter =
            otlp_exporter::exporter::<E>(&self.config.export.otlp, options, self.runtime, self.warnings)?;
        if let Some(exporter) = &exporter {
            self.export_stats.extend(stats(exporter).map(|s| (E::SIGNAL, s)));
        }
        Ok(exporter)
    }

    /// The configured sampling, and its sampler; with metrics, observed
    /// (`otel_kit.sampler.*`).
    fn sampler(
        &self,
    ) -> (
        otel_kit_sampling::Sampling,
        Box<dyn opentelemetry_sdk::trace::ShouldSample>,
    ) {
        let sampling = self.config.sampling.clone().with_service_name_of(self.resource);
        #[cfg(feature = "metrics")]
        let sampler = sampling.clone().into_observed_sampler(&self.sampler_metrics);
        #[cfg(not(feature = "metrics"))]
        let sampler = sampling.clone().into_sampler();
        (sampling, sampler)
    }

    #[allow(clippy::type_complexity)]
    fn tracer_provider(
        &mut self,
    ) -> Result<
        (
            SdkTracerProvider,
            otel_kit_sampling::HeadSampling,
            Option<Arc<SpanQueueStats>>,
        ),
        InitError,
    > {
        let limits = &self.config.span_limits;
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        // Asked by the kit's instrumentations before they build a span: a dropped one
        // is never built.
        let (sampling, sampler) = self.sampler();
        let head = otel_kit_sampling::HeadSampling::new(sampler, self.additions.take_id_generator())
            .described_by(&sampling);
        let mut tracer = head
            .install(SdkTracerProvider::builder())
            .with_resource(self.resource.clone())
            .with_span_limits(SpanLimits {
                max_attributes_per_span: clamp(limits.attribute_count),
                max_events_per_span: clamp(limits.event_count),
                max_links_per_span: clamp(limits.link_count),
                max_attributes_per_event: clamp(limits.event_attribute_count),
                max_attributes_per_link: clamp(limits.link_attribute_count),
            });
        #[cfg_attr(not(feature = "__otlp"), allow(unused_mut))]
        let mut span_stats = None;
        // Borrowed apart from `self`, which each OTLP exporter built changes.
        let (config, value_limits) = (self.config, self.value_limits);
        let before =
            BeforeSpanProcessors::new(self.redactor, &value_limits.spans, &config.baggage_attributes);
        for kind in self.exporters(Signal::Traces) {
            match kind {
                #[cfg(feature = "__otlp")]
                BuiltExporter::Otlp => {
                    use otel_kit_otlp::ConfiguredSpanExporter;
                    if let Some(exporter) = self.otlp_exporter(&(), ConfiguredSpanExporter::stats)? {
                        // Ours, not the SDK's: same batching, but drops are counted.
                        let processor =
                            crate::batch::SpanQueueProcessor::new(exporter, self.config.export.bsp);
                        span_stats = Some(processor.stats());
                        tracer = before.add(tracer, processor);
                    }
                }
                #[cfg(feature = "console")]
                BuiltExporter::Console => {
                    use crate::config::ConsoleSpanFormat;
                    use crate::console_exporter::{
                        ConsoleSpanExporter, WaterfallSpanExporter, WaterfallSpanProcessor,
                    };
                    use opentelemetry_sdk::trace::SimpleSpanProcessor;
                    tracer = match self.config.export.console_span_format {
                        ConsoleSpanFormat::Lines => {
                            before.add(tracer, SimpleSpanProcessor::new(ConsoleSpanExporter::stdout()))
                        }
                        // A trace is printed when its local root ends; flush and shutdown
                        // print what still waits.
                        ConsoleSpanFormat::Waterfall => before.add(
                            tracer,
                            WaterfallSpanProcessor::new(WaterfallSpanExporter::stdout()),
                        ),
                    };
                }
                // Metrics only.
                #[cfg(feature = "prometheus")]
                BuiltExporter::Prometheus => {}
            }
        }
        // OTEL_SDK_DISABLED turns off what the application added, too.
        if !self.config.sdk_disabled {
            tracer = self.additions.add_span_processors(tracer, &before);
        }
        Ok((tracer.build(), head, span_stats))
    }

    /// The SDK's meter provider, wrapped so that its synchronous instruments keep the
    /// exemplars the configured filter admits, which our OTLP exporter writes onto
    /// their points.
    #[cfg(feature = "metrics")]
    fn meter_provider(&mut self) -> Result<crate::KitMeterProvider, InitError> {
        #[cfg(any(feature = "__otlp", feature = "console"))]
        use opentelemetry_sdk::metrics::PeriodicReader;

        #[cfg(any(feature = "__otlp", feature = "console"))]
        let interval = self.config.export.metric_export_interval;
        // This crate's `bound-instruments` feature builds the SDK with bound instruments.
        #[cfg(feature = "bound-instruments")]
        otel_kit_core::__private::bound_instruments::declare_sdk_binds();
        let exemplars = std::sync::Arc::new(Reservoirs::new(self.config.export.metrics_exemplar_filter));
        let mut meter = SdkMeterProvider::builder().with_resource(self.resource.clone());
        // Set again below by each exporter a build has.
        #[cfg_attr(
            not(any(feature = "__otlp", feature = "console", feature = "prometheus")),
            allow(unused_mut)
        )]
        let mut read = !self.config.sdk_disabled && self.additions.has_metric_readers();
        for kind in self.exporters(Signal::Metrics) {
            match kind {
                #[cfg(feature = "__otlp")]
                BuiltExporter::Otlp => {
                    use opentelemetry_sdk::metrics::Temporality;

                    use crate::config::TemporalityPreference;

                    let temporality = match self.config.export.metrics_temporality {
                        TemporalityPreference::Cumulative => Temporality::Cumulative,
                        TemporalityPreference::Delta => Temporality::Delta,
                        TemporalityPreference::LowMemory => Temporality::LowMemory,
                    };
                    let options = otel_kit_otlp::MetricExportOptions {
                        temporality,
                        exemplars: std::sync::Arc::clone(&exemplars),
                    };
                    let exporter =
                        self.otlp_exporter(&options, otel_kit_otlp::ConfiguredMetricExporter::stats)?;
                    if let Some(exporter) = exporter {
                        meter = meter
                            .with_reader(PeriodicReader::builder(exporter).with_interval(interval).build());
                        read = true;
                    }
                }
                #[cfg(feature = "console")]
                BuiltExporter::Console => {
                    let exporter = crate::console_exporter::ConsoleMetricExporter::stdout();
                    meter =
                        meter.with_reader(PeriodicReader::builder(exporter).with_interval(interval).build());
                    read = true;
                }
                #[cfg(feature = "prometheus")]
                BuiltExporter::Prometheus => {
                    let reader =
                        otel_kit_prometheus::PrometheusReader::new(Some(std::sync::Arc::clone(&exemplars)));
                    meter = meter.with_reader(reader.clone());
                    read = true;
                    self.prometheus = Some(prometheus_export(
                        &self.config.export.prometheus,
                        reader,
                        self.warnings,
                    ));
                }
            }
        }
        if !self.config.sdk_disabled {
            let views = self.additions.views();
            meter = self.additions.add_metrics(meter);
            meter = meter.with_view(crate::cardinality_limit::limit_view(
                self.config.metric_cardinality_limit,
                views,
            ));
        }
        Ok(crate::KitMeterProvider::new(
            ExemplarMeterProvider::with_reservoirs(meter.build(), exemplars),
            self.additions.take_exclusions(),
            read,
        ))
    }

    #[cfg(feature = "logs")]
    #[allow(clippy::type_complexity)]
    fn logger_provider(
        &mut self,
    ) -> Result<(SdkLoggerProvider, Option<Arc<crate::batch::LogQueueStats>>), InitError> {
        use crate::redaction::RedactingLogProcessor;
        use crate::value_length::TruncatingLogProcessor;

        let kinds = self.exporters(Signal::Logs);
        let mut logger = SdkLoggerProvider::builder().with_resource(self.resource.clone());
        // Before the added and the exporting processors: the SDK passes each the same
        // record in order.
        let processors_follow =
            !kinds.is_empty() || !self.config.sdk_disabled && self.additions.has_log_processors();
        // First: redaction applies to what it copies.
        if !self.config.baggage_attributes.is_empty() && processors_follow {
            logger = logger.with_log_processor(crate::baggage::BaggageLogProcessor::new(
                self.config.baggage_attributes.clone(),
            ));
        }
        if let Some(r) = self.redactor
            && processors_follow
        {
            logger = logger.with_log_processor(RedactingLogProcessor::new(r.clone()));
        }
        // After redaction, for the reason `BeforeSpanProcessors` gives.
        if self.value_limits.logs.max_chars().is_some() && processors_follow {
            logger = logger.with_log_processor(TruncatingLogProcessor::new(self.value_limits.logs.clone()));
        }
        if !self.config.sdk_disabled {
            logger = self.additions.add_log_processors(logger);
        }
        #[cfg_attr(not(feature = "__otlp"), allow(unused_mut))]
        let mut log_stats = None;
        #[cfg(feature = "__otlp")]
        let last = kinds.len();
        #[cfg_attr(not(feature = "__otlp"), allow(unused_variables))]
        for (position, kind) in kinds.into_iter().enumerate() {
            match kind {
                #[cfg(feature = "__otlp")]
                BuiltExporter::Otlp => {
                    use otel_kit_otlp::ConfiguredLogExporter;
                    if let Some(exporter) = self.otlp_exporter(&(), ConfiguredLogExporter::stats)? {
                        // Ours, not the SDK's: drops are counted, and no record is boxed.
                        let mut processor =
                            crate::batch::LogQueueProcessor::new(exporter, self.config.export.blrp);
                        // No processor follows the last one: the record is moved, not copied.
                        if position + 1 == last {
                            processor = processor.taking_records();
                        }
                        log_stats = Some(processor.stats());
                        logger = logger.with_log_processor(processor);
                    }
                }
                #[cfg(feature = "console")]
                BuiltExporter::Console => {
                    logger =
                        logger.with_simple_exporter(crate::console_exporter::ConsoleLogExporter::stdout());
                }
                // Metrics only.
                #[cfg(feature = "prometheus")]
                BuiltExporter::Prometheus => {}
            }
        }
        Ok((logger.build(), log_stats))
    }
}

/// The `otel.component.type` of the OTLP exporter of `signal` over `protocol` (semconv
/// 1.44).
#[cfg(feature = "metrics")]
fn otlp_exporter_type(signal: Signal, protocol: crate::config::Protocol) -> &'static str {
    use crate::config::Protocol;
    use otel_kit_semconv::value::otel_component_type as component;
    match (signal, protocol) {
        (Signal::Traces, Protocol::Grpc) => component::OTLP_GRPC_SPAN_EXPORTER,
        (Signal::Traces, Protocol::HttpProtobuf) => component::OTLP_HTTP_SPAN_EXPORTER,
        (Signal::Traces, Protocol::HttpJson) => component::OTLP_HTTP_JSON_SPAN_EXPORTER,
        (Signal::Logs, Protocol::Grpc) => component::OTLP_GRPC_LOG_EXPORTER,
        (Signal::Logs, Protocol::HttpProtobuf) => component::OTLP_HTTP_LOG_EXPORTER,
        (Signal::Logs, Protocol::HttpJson) => component::OTLP_HTTP_JSON_LOG_EXPORTER,
        (Signal::Metrics, Protocol::Grpc) => component::OTLP_GRPC_METRIC_EXPORTER,
        (Signal::Metrics, Protocol::HttpProtobuf) => component::OTLP_HTTP_METRIC_EXPORTER,
        (Signal::Metrics, Protocol::HttpJson) => component::OTLP_HTTP_JSON_METRIC_EXPORTER,
    }
}
