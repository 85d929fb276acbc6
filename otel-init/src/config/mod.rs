//! The effective configuration, read from the `OTEL_*` environment variables by the
//! OpenTelemetry SDK environment-variable specification, all of it, including the
//! variables the upstream Rust SDK ignores.
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

mod otlp;
mod tuning;

pub use otlp::{Compression, OtlpConfig, OtlpProtocol, OtlpSignalConfig, Signal};
use tuning::GeneralLimits;
pub use tuning::{BatchConfig, ExemplarFilter, LogRecordLimits, SpanLimitsConfig, TemporalityPreference};

use std::fmt;

use crate::env::Env;

/// A configuration value that was set but unusable, and what was used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The variable, e.g. `OTEL_BSP_MAX_QUEUE_SIZE`.
    pub variable: String,
    /// The value as set (`<redacted>` for header variables).
    pub value: String,
    /// What was wrong and what is used instead.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?} {}", self.variable, self.value, self.message)
    }
}

/// Warnings gathered while telemetry is set up, logged once when it is running.
#[derive(Debug, Default)]
pub(crate) struct Warnings(pub(crate) Vec<ConfigWarning>);

impl Warnings {
    pub(crate) fn push(
        &mut self,
        variable: impl Into<String>,
        value: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.0.push(ConfigWarning {
            variable: variable.into(),
            value: value.into(),
            message: message.into(),
        });
    }
}

/// Where a signal's data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExporterKind {
    /// OTLP to a collector (the spec default).
    Otlp,
    /// Human-readable output on stdout, through a simple (synchronous) processor.
    Console,
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
    /// `OTEL_PROPAGATORS` as listed (default `tracecontext`, `baggage`).
    pub propagators: Vec<String>,
    /// `OTEL_TRACES_SAMPLER`, unparsed (resolved by [`crate::sampling`]).
    pub traces_sampler: Option<String>,
    /// `OTEL_TRACES_SAMPLER_ARG`, unparsed.
    pub traces_sampler_arg: Option<String>,
    /// `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES` (non-standard): routes never sampled; the
    /// entry `default` stands for the health-check routes.
    pub sampler_excluded_routes: Vec<String>,
    /// `OTEL_KIT_REDACT*` (non-standard): the redaction rules; after `init()`, the
    /// rules in effect (code wins over the environment).
    pub redaction: crate::redaction::RedactionSettings,
    /// `OTEL_TRACES_EXPORTER`: empty for `none`.
    pub traces_exporters: Vec<ExporterKind>,
    /// `OTEL_METRICS_EXPORTER`: empty for `none`.
    pub metrics_exporters: Vec<ExporterKind>,
    /// `OTEL_LOGS_EXPORTER`: empty for `none`.
    pub logs_exporters: Vec<ExporterKind>,
    /// `OTEL_EXPORTER_OTLP_*`, resolved per signal.
    pub otlp: OtlpConfig,
    /// `OTEL_BSP_*`.
    pub bsp: BatchConfig,
    /// `OTEL_BLRP_*`.
    pub blrp: BatchConfig,
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
}

impl Config {
    /// Reads the process environment. Warnings are returned, not printed: the caller
    /// logs them once, after its diagnostics are set up.
    pub fn from_env() -> (Config, Vec<ConfigWarning>) {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads from any lookup function (a map in tests, so no test touches the process
    /// environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Config, Vec<ConfigWarning>) {
        let mut env = Env::new(&lookup);
        let config = Config::read(&mut env);
        (config, env.into_warnings())
    }

    fn read(env: &mut Env<'_>) -> Config {
        let resource_attributes = env.key_values("OTEL_RESOURCE_ATTRIBUTES").unwrap_or_default();
        let general_limits = GeneralLimits::read(env);
        Config {
            sdk_disabled: env.bool("OTEL_SDK_DISABLED", false),
            service_name: env.get("OTEL_SERVICE_NAME"),
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
            propagators: env
                .list("OTEL_PROPAGATORS")
                .unwrap_or_else(|| vec!["tracecontext".to_owned(), "baggage".to_owned()]),
            traces_sampler: env.get("OTEL_TRACES_SAMPLER"),
            traces_sampler_arg: env.get("OTEL_TRACES_SAMPLER_ARG"),
            sampler_excluded_routes: env.list("OTEL_KIT_SAMPLER_EXCLUDED_ROUTES").unwrap_or_default(),
            redaction: crate::redaction::RedactionSettings::read(env),
            traces_exporters: exporters(env, "OTEL_TRACES_EXPORTER", &["zipkin", "jaeger"]),
            metrics_exporters: exporters(env, "OTEL_METRICS_EXPORTER", &["prometheus"]),
            logs_exporters: exporters(env, "OTEL_LOGS_EXPORTER", &[]),
            otlp: OtlpConfig::read(env),
            bsp: BatchConfig::read(env, "OTEL_BSP", BatchConfig::SPAN_DEFAULTS),
            blrp: BatchConfig::read(env, "OTEL_BLRP", BatchConfig::LOG_DEFAULTS),
            metric_export_interval: env
                .millis("OTEL_METRIC_EXPORT_INTERVAL", std::time::Duration::from_secs(60)),
            metric_export_timeout: env
                .millis("OTEL_METRIC_EXPORT_TIMEOUT", std::time::Duration::from_secs(30)),
            metrics_temporality: TemporalityPreference::read(env),
            metrics_exemplar_filter: ExemplarFilter::read(env),
            span_limits: SpanLimitsConfig::read(env, general_limits),
            log_record_limits: LogRecordLimits::read(env, general_limits),
        }
    }
}

/// `OTEL_{TRACES,METRICS,LOGS}_EXPORTER`: a list of `otlp`, `console`, `none`.
fn exporters(env: &mut Env<'_>, variable: &str, known_unsupported: &[&str]) -> Vec<ExporterKind> {
    let Some(names) = env.list(variable) else {
        return vec![ExporterKind::Otlp];
    };
    let raw = names.join(",");
    if names.iter().any(|n| n.eq_ignore_ascii_case("none")) {
        if names.len() > 1 {
            env.warn(
                variable,
                &raw,
                "combines `none` with other exporters; exporting nothing",
            );
        }
        return Vec::new();
    }
    let mut out = Vec::new();
    for name in &names {
        let kind = if name.eq_ignore_ascii_case("otlp") {
            ExporterKind::Otlp
        } else if name.eq_ignore_ascii_case("console") || name.eq_ignore_ascii_case("logging") {
            ExporterKind::Console
        } else {
            let why = if known_unsupported.iter().any(|u| u.eq_ignore_ascii_case(name)) {
                format!(
                    "names `{name}`, which this kit does not support; it is skipped (send OTLP to a collector that converts)"
                )
            } else {
                format!("names the unknown exporter `{name}`; it is skipped")
            };
            env.warn(variable, &raw, why);
            continue;
        };
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    if out.is_empty() {
        env.warn(variable, &raw, "has no supported exporter; using otlp");
        out.push(ExporterKind::Otlp);
    }
    out
}

/// One line, secrets redacted: what `init()` logs at start-up.
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds = |k: &[ExporterKind]| {
            if k.is_empty() {
                "none".to_owned()
            } else {
                k.iter()
                    .map(|k| format!("{k:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join("+")
            }
        };
        write!(
            f,
            "service.name={} sdk_disabled={} propagators={} sampler={}{} traces={} metrics={} logs={}{} bsp={} metric_interval={}ms redaction={}",
            self.service_name.as_deref().unwrap_or("<unset>"),
            self.sdk_disabled,
            if self.propagators.is_empty() {
                "none".to_owned()
            } else {
                self.propagators.join(",")
            },
            self.traces_sampler.as_deref().unwrap_or("parentbased_always_on"),
            self.traces_sampler_arg
                .as_deref()
                .map(|a| format!("({a})"))
                .unwrap_or_default(),
            kinds(&self.traces_exporters),
            kinds(&self.metrics_exporters),
            kinds(&self.logs_exporters),
            OtlpSummary(self),
            self.bsp,
            self.metric_export_interval.as_millis(),
            self.redaction,
        )
    }
}

/// The OTLP settings of the signals that export over OTLP, for the one-line summary.
struct OtlpSummary<'a>(&'a Config);

impl fmt::Display for OtlpSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        for (name, kinds, otlp) in [
            ("traces", &c.traces_exporters, &c.otlp.traces),
            ("metrics", &c.metrics_exporters, &c.otlp.metrics),
            ("logs", &c.logs_exporters, &c.otlp.logs),
        ] {
            if kinds.contains(&ExporterKind::Otlp) {
                write!(f, " otlp.{name}=[{otlp}]")?;
            }
        }
        Ok(())
    }
}
