//! [`ExportConfig`]: where each signal goes and how it is sent, the part of the
//! configuration that both [`Config`](super::Config) and
//! [`EffectiveConfig`](super::EffectiveConfig) hold.

use std::time::Duration;

use super::batch_env;
use super::console_spans::{self, ConsoleSpanFormat};
use super::exporters::{self, ExporterKind};
use super::otlp::OtlpConfig;
use super::prometheus::PrometheusConfig;
use super::tuning::{self, ExemplarFilter, TemporalityPreference};
use crate::Signal;
use crate::batch::BatchSettings;
use crate::env::Env;

/// Where each signal goes and how it is sent: the exporters, the OTLP and Prometheus
/// settings, the batch processors and the metric reader. [`Config::export`](super::Config::export)
/// is what the environment says; [`EffectiveConfig::export`](super::EffectiveConfig::export)
/// what `init()` put in effect, the builder's values laid over it.
///
/// ```
/// use otel_kit_init::Signal;
/// use otel_kit_init::config::{Config, ExporterKind};
///
/// let (config, _) = Config::from_lookup(|k| (k == "OTEL_LOGS_EXPORTER").then(|| "console".into()));
/// assert_eq!(config.export.traces_exporters, [ExporterKind::Otlp]);
/// assert_eq!(config.export.exporters(Signal::Logs), [ExporterKind::Console]);
/// assert_eq!(config.export.metric_export_interval.as_secs(), 60);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ExportConfig {
    /// Where spans go (`OTEL_TRACES_EXPORTER`): empty for nowhere (`none`).
    pub traces_exporters: Vec<ExporterKind>,
    /// Where metrics go (`OTEL_METRICS_EXPORTER`): empty for nowhere (`none`).
    pub metrics_exporters: Vec<ExporterKind>,
    /// Where log records go (`OTEL_LOGS_EXPORTER`): empty for nowhere (`none`).
    pub logs_exporters: Vec<ExporterKind>,
    /// How the console span exporter prints, when spans go to the console
    /// (`OTEL_KIT_CONSOLE_SPAN_FORMAT`, non-standard).
    pub console_span_format: ConsoleSpanFormat,
    /// The OTLP settings of each signal (used by those that export over OTLP):
    /// `OTEL_EXPORTER_OTLP_*`, resolved per signal.
    pub otlp: OtlpConfig,
    /// Where the Prometheus exporter listens, if it does
    /// (`OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`).
    pub prometheus: PrometheusConfig,
    /// The span queue: `OTEL_BSP_*`, read as
    /// [`BatchSettingsFromEnv::spans_from_env`](crate::batch::BatchSettingsFromEnv::spans_from_env) does.
    pub bsp: BatchSettings,
    /// The log-record batch processor: `OTEL_BLRP_*`, read as
    /// [`BatchSettingsFromEnv::logs_from_env`](crate::batch::BatchSettingsFromEnv::logs_from_env) does.
    pub blrp: BatchSettings,
    /// The periodic metric export interval (`OTEL_METRIC_EXPORT_INTERVAL`, default 60 s).
    pub metric_export_interval: Duration,
    /// The metric export timeout (`OTEL_METRIC_EXPORT_TIMEOUT`, default 30 s).
    pub metric_export_timeout: Duration,
    /// The metric temporality (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`).
    pub metrics_temporality: TemporalityPreference,
    /// The exemplar filter (`OTEL_METRICS_EXEMPLAR_FILTER`).
    pub metrics_exemplar_filter: ExemplarFilter,
}

impl ExportConfig {
    /// Where `signal` goes: empty for nowhere.
    pub fn exporters(&self, signal: Signal) -> &[ExporterKind] {
        match signal {
            Signal::Traces => &self.traces_exporters,
            Signal::Metrics => &self.metrics_exporters,
            Signal::Logs => &self.logs_exporters,
        }
    }

    pub(super) fn read(env: &mut Env<'_>) -> ExportConfig {
        ExportConfig {
            traces_exporters: exporters::read(env, Signal::Traces),
            metrics_exporters: exporters::read(env, Signal::Metrics),
            logs_exporters: exporters::read(env, Signal::Logs),
            console_span_format: console_spans::read(env),
            otlp: OtlpConfig::read(env),
            prometheus: PrometheusConfig::read(env),
            bsp: batch_env::read_spans(env),
            blrp: batch_env::read_logs(env),
            // The SDK's periodic reader reads a zero interval from the process
            // environment itself and then exports without pause.
            metric_export_interval: env.positive_millis(
                "OTEL_METRIC_EXPORT_INTERVAL",
                Duration::from_secs(60),
                "would export metrics without pause",
            ),
            metric_export_timeout: env.timeout("OTEL_METRIC_EXPORT_TIMEOUT", Duration::from_secs(30)),
            metrics_temporality: TemporalityPreference::read(env),
            metrics_exemplar_filter: tuning::read_exemplar_filter(env),
        }
    }
}
