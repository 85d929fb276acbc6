//! [`Config`]: everything the environment says, read once.

use std::fmt;

use otel_kit_propagators::PropagatorName;

use super::export::ExportConfig;
use super::exporters::{self, ExporterKind};
use super::summary::Summary;
use super::tuning::{GeneralLimits, LogRecordLimits, SpanLimitsConfig};
use super::{
    baggage_env, instrumentation_switches, peer_services, propagators_env, redaction_env, resource_env,
    sampling_env,
};
use crate::Signal;
use crate::env::{ConfigWarning, Env, process_env, read_with};
use crate::redaction::RedactionSettings;
use crate::sampling::Sampling;

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
/// Read once; `init()` lays the builder's values over it to make the [`EffectiveConfig`](crate::config::EffectiveConfig).
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
    /// as [`PropagatorsFromEnv::from_env`](crate::config::PropagatorsFromEnv::from_env) does.
    pub propagators: Vec<PropagatorName>,
    /// `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` and (non-standard)
    /// `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`, read as [`Sampling::from_env`] does.
    pub sampling: Sampling,
    /// `OTEL_KIT_REDACT*` (non-standard), read as
    /// [`RedactionSettingsFromEnv::from_env`](crate::redaction::RedactionSettingsFromEnv::from_env)
    /// does.
    pub redaction: RedactionSettings,
    /// `OTEL_KIT_BAGGAGE_ATTRIBUTES` and `OTEL_KIT_BAGGAGE_EMAILS` (non-standard): the
    /// baggage members copied onto spans and log records ([`baggage`](crate::baggage)).
    pub baggage_attributes: crate::baggage::BaggageAllowList,
    /// `OTEL_<SIGNAL>_EXPORTER`, `OTEL_EXPORTER_OTLP_*`, `OTEL_EXPORTER_PROMETHEUS_*`,
    /// `OTEL_BSP_*`, `OTEL_BLRP_*`, `OTEL_METRIC_EXPORT_*` and friends: where each signal
    /// goes and how it is sent.
    pub export: ExportConfig,
    /// `OTEL_SPAN_*_LIMIT`, `OTEL_ATTRIBUTE_*_LIMIT` and friends.
    pub span_limits: SpanLimitsConfig,
    /// `OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT`.
    pub log_record_limits: LogRecordLimits,
    /// `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`: `server.service.name` of the
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
        self.export.exporters(signal)
    }

    /// Whether the environment names neither an exporter nor an OTLP endpoint for
    /// `signal`: where a fallback exporter set in code applies.
    pub fn is_silent_about(&self, signal: Signal) -> bool {
        !self.exporter_variables_set.contains(&signal) && !self.export.otlp.endpoint_set(signal)
    }

    pub(crate) fn read(env: &mut Env<'_>) -> Config {
        let resource_attributes = resource_env::read_attributes(env);
        let general_limits = GeneralLimits::read(env);
        Config {
            sdk_disabled: env.bool("OTEL_SDK_DISABLED", false),
            service_name: resource_env::read_service_name(env),
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
            propagators: propagators_env::read_names(env),
            sampling: sampling_env::read(env),
            redaction: redaction_env::read(env),
            baggage_attributes: baggage_env::read(env),
            export: ExportConfig::read(env),
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
/// [`EffectiveConfig`](crate::config::EffectiveConfig)'s.)
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Summary {
            service_identity: None,
            service_name: self.service_name.as_deref(),
            sdk_disabled: self.sdk_disabled,
            propagators: &self.propagators,
            custom_propagators: 0,
            sampling: &self.sampling,
            export: &self.export,
            redaction: &self.redaction,
            baggage_attributes: &self.baggage_attributes,
        }
        .fmt(f)
    }
}
