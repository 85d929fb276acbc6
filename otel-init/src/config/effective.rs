//! What `init()` put in effect.

use std::fmt;

use super::environment::LogLevel;
use super::export::ExportConfig;
use super::exporters::ExporterKind;
use super::summary::Summary;
use super::tuning::{LogRecordLimits, SpanLimitsConfig};
use crate::Signal;
use crate::redaction::RedactionSettings;
use crate::sampling::Sampling;
use otel_kit_propagators::PropagatorName;

/// The configuration in effect: the environment's [`Config`](super::Config) with the
/// builder's values laid over it, and the `service.name` the resource reports.
/// `Telemetry::effective_config()` returns it, and `init()` logs its one-line `Display`
/// at start-up. Secrets never print.
///
/// ```
/// use otel_kit_init::Exporter;
/// use otel_kit_init::config::ExporterKind;
/// use otel_kit_init::sampling::Sampling;
///
/// let env = [("OTEL_SERVICE_NAME", "checkout"), ("OTEL_TRACES_SAMPLER", "always_off")];
/// let telemetry = otel_kit_init::builder()
///     .without_globals()
///     .service_name("in-code")
///     .service_version("2.1.0")
///     .sampling(Sampling::ratio(0.5))
///     .metrics_exporter(Exporter::None)
///     .logs_exporter(Exporter::Console)
///     .environment(move |k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
///     .init()?;
/// let effective = telemetry.effective_config();
/// assert_eq!(effective.service_name, "checkout", "the environment names the service");
/// assert_eq!(effective.sampling, Sampling::ratio(0.5), "code wins for the rest");
/// assert_eq!(effective.export.traces_exporters, [ExporterKind::Otlp]);
/// assert!(effective.export.metrics_exporters.is_empty());
/// // The start-up line: name, version, instance, then propagators, sampler, exporters,
/// // and each OTLP signal's protocol and endpoint.
/// let line = effective.to_string();
/// let instance = &effective.service_instance_id;
/// assert!(line.starts_with(&format!("service.name=checkout service.version=2.1.0 service.instance.id={instance} ")));
/// assert!(line.contains(
///     " sdk_disabled=false propagators=tracecontext,baggage \
///      sampler=parentbased_traceidratio(0.5) traces=otlp metrics=none logs=console otlp.traces=[http/protobuf http://localhost:4318/v1/traces "
/// ));
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveConfig {
    /// `service.name` as the resource reports it.
    pub service_name: String,
    /// `service.version` as the resource reports it, if any.
    pub service_version: Option<String>,
    /// `service.instance.id` as the resource reports it (generated when not given).
    pub service_instance_id: String,
    /// No-op providers (propagation still works).
    pub sdk_disabled: bool,
    /// The OpenTelemetry crates' own diagnostics level.
    pub log_level: LogLevel,
    /// The propagators installed by name, in order; empty for none.
    pub propagators: Vec<PropagatorName>,
    /// How many propagators given in code (`Builder::propagator`,
    /// `Propagators::with_propagator`) run after the named ones: the start-up line
    /// shows each as `custom`.
    pub custom_propagators: usize,
    /// The sampler.
    pub sampling: Sampling,
    /// The redaction rules (`RedactionMode::None` when off).
    pub redaction: RedactionSettings,
    /// The baggage members copied onto spans and log records (empty: none).
    pub baggage_attributes: crate::baggage::BaggageAllowList,
    /// Where each signal goes and how it is sent.
    pub export: ExportConfig,
    /// How many attribute sets each metric keeps before new ones go to its overflow
    /// series (`otel.metric.overflow=true`): [`DEFAULT_CARDINALITY_LIMIT`](crate::DEFAULT_CARDINALITY_LIMIT) unless
    /// [`Builder::metric_cardinality_limit`](crate::Builder::metric_cardinality_limit)
    /// says otherwise. A view of the application's that matches a metric sets that
    /// metric's own.
    pub metric_cardinality_limit: usize,
    /// The span limits.
    pub span_limits: SpanLimitsConfig,
    /// The log-record limits.
    pub log_record_limits: LogRecordLimits,
    /// `server.service.name` of the instrumentations' CLIENT spans, by address
    /// (`OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`): `init()` makes it the kit's
    /// global mapping.
    pub peer_services: otel_kit_core::PeerServices,
    /// The Java agent's switches, set for every instrumentation (when globals are set).
    pub instrumentation: otel_kit_core::instrumentation_switches::InstrumentationSwitches,
    /// Where the configuration came from: the environment, or a configuration file
    /// (whose values then took the environment's place). The start-up line ends with
    /// `config=file:<path>` (or `config=yaml`) when it was a file.
    pub source: super::source::ConfigSource,
}

impl EffectiveConfig {
    /// Where `signal` goes: empty for nowhere.
    pub fn exporters(&self, signal: Signal) -> &[ExporterKind] {
        self.export.exporters(signal)
    }
}

/// One line, secrets redacted: what `init()` logs at start-up.
impl fmt::Display for EffectiveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Summary {
            service_name: Some(&self.service_name),
            service_identity: Some((self.service_version.as_deref(), &self.service_instance_id)),
            sdk_disabled: self.sdk_disabled,
            propagators: &self.propagators,
            custom_propagators: self.custom_propagators,
            sampling: &self.sampling,
            export: &self.export,
            redaction: &self.redaction,
            baggage_attributes: &self.baggage_attributes,
        }
        .fmt(f)?;
        match &self.source {
            super::source::ConfigSource::Environment => Ok(()),
            source => write!(f, " config={source}"),
        }
    }
}
