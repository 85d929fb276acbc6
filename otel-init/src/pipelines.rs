//! Building the three providers from the configuration in effect: exporters, our span
//! queue processor, the SDK's batch log processor and periodic reader, and redaction in
//! front of every span and log processor.

use std::sync::Arc;

use opentelemetry_sdk::logs::{BatchLogProcessor, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use opentelemetry_sdk::trace::{
    SdkTracerProvider, SimpleSpanProcessor, SpanLimits, SpanProcessor, TracerProviderBuilder,
};

use crate::batch::{SpanQueueProcessor, SpanQueueStats};
use crate::config::{EffectiveConfig, ExporterKind, TemporalityPreference};
use crate::console_exporter::{ConsoleLogExporter, ConsoleMetricExporter, ConsoleSpanExporter};
use crate::env::Warnings;
use crate::export_runtime::ExportRuntime;
use crate::redaction::{RedactingLogProcessor, RedactingSpanProcessor, Redactor};
use crate::{InitError, otlp_exporter};

/// The providers built, and what their shutdown consumes.
pub(crate) struct Pipelines {
    pub(crate) tracer: SdkTracerProvider,
    pub(crate) meter: SdkMeterProvider,
    pub(crate) logger: SdkLoggerProvider,
    pub(crate) runtime: Option<ExportRuntime>,
    pub(crate) span_stats: Option<Arc<SpanQueueStats>>,
}

/// Adds `processor`, behind redaction when there is some.
fn with_span_processor<P: SpanProcessor + 'static>(
    tracer: TracerProviderBuilder,
    processor: P,
    redactor: Option<&Redactor>,
) -> TracerProviderBuilder {
    match redactor {
        Some(r) => tracer.with_span_processor(RedactingSpanProcessor::new(processor, r.clone())),
        None => tracer.with_span_processor(processor),
    }
}

pub(crate) fn build_pipelines(
    config: &EffectiveConfig,
    resource: &opentelemetry_sdk::Resource,
    runtime: Option<ExportRuntime>,
    redactor: Option<&Redactor>,
    warnings: &mut Warnings,
) -> Result<Pipelines, InitError> {
    let limits = &config.span_limits;
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut tracer = SdkTracerProvider::builder()
        .with_resource(resource.clone())
        .with_sampler(config.sampling.clone().into_sampler())
        .with_span_limits(SpanLimits {
            max_attributes_per_span: clamp(limits.attribute_count),
            max_events_per_span: clamp(limits.event_count),
            max_links_per_span: clamp(limits.link_count),
            max_attributes_per_event: clamp(limits.event_attribute_count),
            max_attributes_per_link: clamp(limits.link_attribute_count),
        });
    let mut meter = SdkMeterProvider::builder().with_resource(resource.clone());
    let mut logger = SdkLoggerProvider::builder().with_resource(resource.clone());
    let mut span_stats = None;

    // OTEL_SDK_DISABLED: providers without processors or readers export nothing, yet
    // spans still get ids, so incoming trace context flows on to outgoing calls.
    if !config.sdk_disabled {
        let temporality = match config.metrics_temporality {
            TemporalityPreference::Cumulative => Temporality::Cumulative,
            TemporalityPreference::Delta => Temporality::Delta,
            TemporalityPreference::LowMemory => Temporality::LowMemory,
        };
        let runtime_ref = runtime.as_ref();
        let mut clients = otlp_exporter::HttpClients::default();
        for kind in &config.traces_exporters {
            tracer = match kind {
                ExporterKind::Otlp => {
                    let exporter = otlp_exporter::span_exporter(
                        &config.otlp.traces,
                        runtime_ref,
                        &mut clients,
                        warnings,
                    )?;
                    // Ours, not the SDK's: same batching, but drops are counted.
                    let processor = SpanQueueProcessor::new(exporter, config.bsp);
                    span_stats = Some(processor.stats());
                    with_span_processor(tracer, processor, redactor)
                }
                ExporterKind::Console => with_span_processor(
                    tracer,
                    SimpleSpanProcessor::new(ConsoleSpanExporter::stdout()),
                    redactor,
                ),
            };
        }
        for kind in &config.metrics_exporters {
            meter = match kind {
                ExporterKind::Otlp => {
                    let exporter = otlp_exporter::metric_exporter(
                        &config.otlp.metrics,
                        temporality,
                        runtime_ref,
                        &mut clients,
                        warnings,
                    )?;
                    meter.with_reader(
                        PeriodicReader::builder(exporter)
                            .with_interval(config.metric_export_interval)
                            .build(),
                    )
                }
                ExporterKind::Console => meter.with_reader(
                    PeriodicReader::builder(ConsoleMetricExporter::stdout())
                        .with_interval(config.metric_export_interval)
                        .build(),
                ),
            };
        }
        // Before the exporting processors: the SDK passes each the same record in order.
        if let Some(r) = redactor
            && !config.logs_exporters.is_empty()
        {
            logger = logger.with_log_processor(RedactingLogProcessor::new(r.clone()));
        }
        for kind in &config.logs_exporters {
            logger = match kind {
                ExporterKind::Otlp => {
                    let exporter =
                        otlp_exporter::log_exporter(&config.otlp.logs, runtime_ref, &mut clients, warnings)?;
                    logger.with_log_processor(
                        BatchLogProcessor::builder(exporter)
                            .with_batch_config(config.blrp.log_batch_config())
                            .build(),
                    )
                }
                ExporterKind::Console => logger.with_simple_exporter(ConsoleLogExporter::stdout()),
            };
        }
    }
    let meter = meter.build();
    if let Some(stats) = &span_stats {
        crate::batch::register_metrics(&meter, stats);
    }
    Ok(Pipelines {
        tracer: tracer.build(),
        meter,
        logger: logger.build(),
        runtime,
        span_stats,
    })
}
