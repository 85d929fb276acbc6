//! The `OTEL_*` environment-variable specification, all of it, including the variables
//! the upstream Rust SDK ignores: [`Config`] is what the environment says, read once;
//! [`EffectiveConfig`] is what `init()` put in effect, the builder's values laid over it.
//!
//! [`Config`] composes the settings of the SDK plug-ins, each read by its own module
//! ([`BatchSettings`], [`Sampling`], [`RedactionSettings`], the propagators, the
//! resource's variables), with the setup's own: exporters, OTLP, metrics, limits.
//!
//! ```
//! use otel_kit_init::config::{Config, ExporterKind, OtlpProtocol};
//!
//! let env = [
//!     ("OTEL_SERVICE_NAME", "checkout"),
//!     ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
//!     ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr3t"),
//!     ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
//! ];
//! let (config, warnings) = Config::from_lookup(|k| {
//!     env.iter().find(|(name, _)| *name == k).map(|(_, v)| v.to_string())
//! });
//! assert_eq!(config.service_name.as_deref(), Some("checkout"));
//! assert_eq!(config.traces_exporters, vec![ExporterKind::Otlp]);
//! assert_eq!(config.otlp.traces.protocol, OtlpProtocol::HttpProtobuf);
//! assert_eq!(config.otlp.traces.endpoint, "http://collector:4318/v1/traces");
//! assert_eq!(config.bsp.max_queue_size, 2048);
//! assert_eq!(warnings.len(), 1);
//! assert!(warnings[0].to_string().starts_with("OTEL_BSP_MAX_QUEUE_SIZE=\"lots\""));
//! // Secrets never print.
//! assert!(!config.to_string().contains("s3cr3t"));
//! ```

mod code;
mod effective;
mod endpoint;
mod exporters;
pub(crate) mod instrumentation_switches;
pub(crate) mod known_variables;
mod otlp;
mod peer_services;
mod prometheus;
#[cfg(feature = "proxy")]
pub(crate) mod proxy;
mod summary;
mod tuning;

pub(crate) use code::CodeValues;
pub use code::Exporter;
pub use effective::EffectiveConfig;
pub use exporters::ExporterKind;
/// The Java agent's switches as `init()` read them ([`EffectiveConfig::instrumentation`]).
pub use otel_kit_core::instrumentation_switches::InstrumentationSwitches;
pub use otel_kit_prometheus::PrometheusListenerLimits;
pub use otlp::{Compression, OtlpConfig, OtlpProtocol, OtlpSignalConfig};
pub use prometheus::PrometheusConfig;
use tuning::GeneralLimits;
pub use tuning::{ExemplarFilter, LogRecordLimits, SpanLimitsConfig, TemporalityPreference};

/// Re-exported here, with the configuration it warns about.
pub use crate::env::ConfigWarning;

use std::fmt;

use crate::Signal;
use crate::batch::BatchSettings;
use crate::env::{Env, process_env, read_with};
use crate::propagation::{self, PropagatorName};
use crate::redaction::RedactionSettings;
use crate::resource;
use crate::sampling::Sampling;
use summary::Summary;

/// Every `OTEL_*` variable otel-kit reads (docs/configuration.md describes each), the
/// instrumentation switches `OTEL_INSTRUMENTATION_<NAME>_ENABLED` spelled out: the list
/// a set `OTEL_*` variable is checked against, so that a misspelling is warned about.
///
/// ```
/// let names = otel_kit_init::config::known_variables();
/// assert!(names.iter().any(|n| n == "OTEL_EXPORTER_OTLP_TIMEOUT"));
/// assert!(names.iter().any(|n| n == "OTEL_INSTRUMENTATION_AXUM_ENABLED"));
/// ```
pub fn known_variables() -> Vec<String> {
    known_variables::all()
}

/// The SDK's own diagnostics level (`OTEL_LOG_LEVEL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Nothing.
    None,
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// The default.
    Info,
    /// Verbose.
    Debug,
    /// Everything.
    Trace,
}

/// Everything the environment says, resolved with the spec's defaults and precedence.
/// Read once; `init()` lays the builder's values over it to make the [`EffectiveConfig`].
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `OTEL_SDK_DISABLED`: no-op providers (propagation still works).
    pub sdk_disabled: bool,
    /// `OTEL_SERVICE_NAME`.
    pub service_name: Option<String>,
    /// `OTEL_RESOURCE_ATTRIBUTES`, percent-decoded, in order.
    pub resource_attributes: Vec<(String, String)>,
    /// `OTEL_LOG_LEVEL`.
    pub log_level: LogLevel,
    /// `OTEL_PROPAGATORS` (default `tracecontext`, `baggage`; empty for `none`), read
    /// as [`Propagators::from_env`](crate::propagation::Propagators::from_env) does.
    pub propagators: Vec<PropagatorName>,
    /// `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` and (non-standard)
    /// `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`, read as [`Sampling::from_env`] does.
    pub sampling: Sampling,
    /// `OTEL_KIT_REDACT*` (non-standard), read as
    /// [`RedactionSettingsFromEnv::from_env`](crate::redaction::RedactionSettingsFromEnv::from_env)
    /// does.
    pub redaction: RedactionSettings,
    /// `OTEL_TRACES_EXPORTER`: empty for `none`.
    pub traces_exporters: Vec<ExporterKind>,
    /// `OTEL_METRICS_EXPORTER`: empty for `none`.
    pub metrics_exporters: Vec<ExporterKind>,
    /// `OTEL_LOGS_EXPORTER`: empty for `none`.
    pub logs_exporters: Vec<ExporterKind>,
    /// `OTEL_EXPORTER_OTLP_*`, resolved per signal.
    pub otlp: OtlpConfig,
    /// `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`.
    pub prometheus: PrometheusConfig,
    /// `OTEL_BSP_*`, read as [`BatchSettingsFromEnv::spans_from_env`](crate::batch::BatchSettingsFromEnv::spans_from_env) does.
    pub bsp: BatchSettings,
    /// `OTEL_BLRP_*`, read as [`BatchSettingsFromEnv::logs_from_env`](crate::batch::BatchSettingsFromEnv::logs_from_env) does.
    pub blrp: BatchSettings,
    /// `OTEL_METRIC_EXPORT_INTERVAL` (default 60 s).
    pub metric_export_interval: std::time::Duration,
    /// `OTEL_METRIC_EXPORT_TIMEOUT` (default 30 s).
    pub metric_export_timeout: std::time::Duration,
    /// `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`.
    pub metrics_temporality: TemporalityPreference,
    /// `OTEL_METRICS_EXEMPLAR_FILTER`.
    pub metrics_exemplar_filter: ExemplarFilter,
    /// `OTEL_SPAN_*_LIMIT`, `OTEL_ATTRIBUTE_*_LIMIT` and friends.
    pub span_limits: SpanLimitsConfig,
    /// `OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT`.
    pub log_record_limits: LogRecordLimits,
    /// `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`: `service.peer.name` of the
    /// instrumentations' CLIENT spans, by address.
    pub peer_services: otel_kit_core::PeerServices,
    /// The Java agent's switches: `OTEL_INSTRUMENTATION_<NAME>_ENABLED`,
    /// `..._COMMON_DEFAULT_ENABLED`, the HTTP header capture lists and known methods.
    pub instrumentation: otel_kit_core::instrumentation_switches::InstrumentationSwitches,
    /// The signals whose `OTEL_<SIGNAL>_EXPORTER` is set.
    exporter_variables_set: Vec<Signal>,
}

impl Config {
    /// Reads the process environment. Warnings are returned, not printed: the caller
    /// logs them once, after its diagnostics are set up.
    pub fn from_env() -> (Config, Vec<ConfigWarning>) {
        Self::from_lookup(process_env)
    }

    /// Reads from any lookup function (a map in tests, so no test touches the process
    /// environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Config, Vec<ConfigWarning>) {
        read_with(lookup, Config::read)
    }

    /// Where `signal` goes, as the environment says.
    pub fn exporters(&self, signal: Signal) -> &[ExporterKind] {
        match signal {
            Signal::Traces => &self.traces_exporters,
            Signal::Metrics => &self.metrics_exporters,
            Signal::Logs => &self.logs_exporters,
        }
    }

    /// Whether the environment names neither an exporter nor an OTLP endpoint for
    /// `signal`: where a fallback exporter set in code applies.
    pub fn is_silent_about(&self, signal: Signal) -> bool {
        !self.exporter_variables_set.contains(&signal) && !self.otlp.endpoint_set(signal)
    }

    pub(crate) fn read(env: &mut Env<'_>) -> Config {
        let resource_attributes = resource::read_attributes(env);
        let general_limits = GeneralLimits::read(env);
        Config {
            sdk_disabled: env.bool("OTEL_SDK_DISABLED", false),
            service_name: resource::read_service_name(env),
            resource_attributes,
            log_level: env.choice(
                "OTEL_LOG_LEVEL",
                &[
                    ("none", LogLevel::None),
                    ("error", LogLevel::Error),
                    ("warn", LogLevel::Warn),
                    ("info", LogLevel::Info),
                    ("debug", LogLevel::Debug),
                    ("trace", LogLevel::Trace),
                ],
                LogLevel::Info,
            ),
            propagators: propagation::read_names(env),
            sampling: Sampling::read(env),
            redaction: crate::redaction::read(env),
            traces_exporters: exporters::read(env, Signal::Traces),
            metrics_exporters: exporters::read(env, Signal::Metrics),
            logs_exporters: exporters::read(env, Signal::Logs),
            otlp: OtlpConfig::read(env),
            prometheus: PrometheusConfig::read(env),
            bsp: crate::batch::read_spans(env),
            blrp: crate::batch::read_logs(env),
            // The SDK's periodic reader reads a zero interval from the process
            // environment itself and then exports without pause.
            metric_export_interval: env.positive_millis(
                "OTEL_METRIC_EXPORT_INTERVAL",
                std::time::Duration::from_secs(60),
                "would export metrics without pause",
            ),
            metric_export_timeout: env
                .timeout("OTEL_METRIC_EXPORT_TIMEOUT", std::time::Duration::from_secs(30)),
            metrics_temporality: TemporalityPreference::read(env),
            metrics_exemplar_filter: tuning::read_exemplar_filter(env),
            span_limits: SpanLimitsConfig::read(env, general_limits),
            log_record_limits: LogRecordLimits::read(env, general_limits),
            peer_services: peer_services::read(env),
            instrumentation: instrumentation_switches::read(env),
            exporter_variables_set: Signal::ALL
                .into_iter()
                .filter(|s| env.get(&exporters::variable(*s)).is_some())
                .collect(),
        }
    }
}

/// One line, secrets redacted: what the environment says. (`init()` logs the
/// [`EffectiveConfig`]'s.)
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Summary {
            service_identity: None,
            service_name: self.service_name.as_deref(),
            sdk_disabled: self.sdk_disabled,
            propagators: &self.propagators,
            custom_propagators: 0,
            sampling: &self.sampling,
            exporters: [
                &self.traces_exporters,
                &self.metrics_exporters,
                &self.logs_exporters,
            ],
            otlp: &self.otlp,
            bsp: &self.bsp,
            metric_export_interval: self.metric_export_interval,
            redaction: &self.redaction,
        }
        .fmt(f)
    }
}
