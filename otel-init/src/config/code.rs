//! The values set in code, and the one place they are laid over the environment's
//! [`Config`]: [`CodeValues::apply`], which makes the [`EffectiveConfig`]. Code wins over
//! the environment, except for `service.name`, where the environment wins (the resource
//! decides that one, and `apply` is given its result).

use super::effective::EffectiveConfig;
use super::environment::Config;
use super::export::ExportConfig;
use super::exporters::{self, ExporterKind};
use super::otlp::ProtocolFeature as _;
use super::tuning::ExemplarFilter;
use crate::InitError;
use crate::Signal;
use crate::build_features::BuildFeatures;
use crate::env::ConfigWarning;
use otel_kit_core::otlp::Protocol;
use otel_kit_propagators::Propagators;

use super::{baggage_env, propagators_env, redaction_env};
use crate::redaction::{Redaction, RedactionSettings};
use crate::sampling::Sampling;

/// Where one signal goes, when chosen in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporter {
    /// OTLP to the configured endpoint.
    Otlp,
    /// Human-readable lines on stdout.
    Console,
    /// Nowhere.
    None,
    /// `/metrics` for Prometheus to scrape (metrics only; the `prometheus` feature),
    /// as `OTEL_METRICS_EXPORTER=prometheus`.
    Prometheus,
    /// OTLP and `/metrics` at once, from one meter provider, as
    /// `OTEL_METRICS_EXPORTER=otlp,prometheus` (metrics only; the `prometheus` feature).
    OtlpAndPrometheus,
}

impl Exporter {
    fn kinds(self) -> Vec<ExporterKind> {
        match self {
            Exporter::Otlp => vec![ExporterKind::Otlp],
            Exporter::Console => vec![ExporterKind::Console],
            Exporter::None => Vec::new(),
            Exporter::Prometheus => vec![ExporterKind::Prometheus],
            Exporter::OtlpAndPrometheus => vec![ExporterKind::Otlp, ExporterKind::Prometheus],
        }
    }
}

/// What the builder was told in code about the configuration; `None` leaves it to the
/// environment.
#[derive(Clone, Debug, Default)]
pub(crate) struct CodeValues {
    pub(crate) sampling: Option<Sampling>,
    pub(crate) propagators: Option<Propagators>,
    /// `Some(None)`: redaction off; `Some(Some(r))`: these rules.
    pub(crate) redaction: Option<Option<Redaction>>,
    pub(crate) baggage_attributes: Option<crate::baggage::BaggageAllowList>,
    pub(crate) traces: Option<Exporter>,
    pub(crate) metrics: Option<Exporter>,
    pub(crate) logs: Option<Exporter>,
    pub(crate) fallback: Option<Exporter>,
    /// `Some(false)`: the application mounts the Prometheus handler itself.
    pub(crate) prometheus_listener: Option<bool>,
    /// The Prometheus listener's host and port, chosen in code.
    pub(crate) prometheus_address: Option<(String, u16)>,
    /// The Prometheus listener's connection cap and timeouts, chosen in code.
    pub(crate) prometheus_limits: Option<otel_kit_prometheus::PrometheusListenerLimits>,
    pub(crate) otlp_endpoint: Option<String>,
    pub(crate) otlp_protocol: Option<Protocol>,
    /// Headers, timeout, compression and TLS, for every signal and per signal.
    pub(crate) otlp: Option<super::otlp_options::OtlpOptions>,
    pub(crate) exemplar_filter: Option<ExemplarFilter>,
    pub(crate) cardinality_limit: Option<usize>,
    pub(crate) console_span_format: Option<super::console_spans::ConsoleSpanFormat>,
    /// `Some(None)`: no slow-query threshold, whatever the environment says.
    pub(crate) db_slow_query_threshold: Option<Option<std::time::Duration>>,
    /// The OTLP settings the builder's own methods give (the proxy), laid before `otlp`'s.
    pub(crate) builder_otlp: super::otlp_options::OtlpOptions,
}

impl CodeValues {
    /// Checks the values: a bad one is an error that says what to fix.
    pub(crate) fn validate(&self) -> Result<(), InitError> {
        if let Some(url) = &self.otlp_endpoint {
            let ok = url
                .parse::<http::Uri>()
                .is_ok_and(|u| matches!(u.scheme_str(), Some("http" | "https")) && u.authority().is_some());
            if !ok {
                return Err(InitError::InvalidValue {
                    what: "otlp_endpoint",
                    why: format!(
                        "{url:?} is not an absolute http:// or https:// URL, e.g. \"http://localhost:4318\""
                    ),
                });
            }
        }
        if let Some((host, _)) = &self.prometheus_address
            && !super::prometheus::is_host(host)
        {
            return Err(InitError::InvalidValue {
                what: "prometheus_address",
                why: format!("{host:?} is not a host name or address, e.g. \"127.0.0.1\" or \"0.0.0.0\""),
            });
        }
        if let Some(limits) = &self.prometheus_limits {
            limits.check().map_err(|why| InitError::InvalidValue {
                what: "prometheus_listener_limits",
                why,
            })?;
        }
        if let Some(protocol) = self.otlp_protocol
            && !protocol.is_built_in()
        {
            return Err(InitError::InvalidValue {
                what: "otlp_protocol",
                why: format!(
                    "{} needs otel-kit-init's `{}` cargo feature: turn it on in Cargo.toml, or choose a protocol this build has",
                    protocol.as_str(),
                    protocol.cargo_feature()
                ),
            });
        }
        let chosen = [
            ("traces_exporter", Some(Signal::Traces), self.traces),
            ("metrics_exporter", Some(Signal::Metrics), self.metrics),
            ("logs_exporter", Some(Signal::Logs), self.logs),
            ("fallback_exporter", None, self.fallback),
        ];
        for (what, signal, exporter) in chosen {
            let Some(exporter) = exporter else { continue };
            for kind in exporter.kinds() {
                if kind == ExporterKind::Prometheus && signal != Some(Signal::Metrics) {
                    return Err(InitError::InvalidValue {
                        what,
                        why: "the Prometheus exporter serves metrics only: choose it with metrics_exporter"
                            .to_owned(),
                    });
                }
                if let Some(signal) = signal
                    && !BuildFeatures::THIS_BUILD.has_signal(signal)
                {
                    return Err(InitError::InvalidValue {
                        what,
                        why: format!(
                            "{} needs otel-kit-init's `{}` cargo feature: turn it on in Cargo.toml, or use Exporter::None",
                            signal.env_name().to_ascii_lowercase(),
                            signal.env_name().to_ascii_lowercase()
                        ),
                    });
                }
                if !kind.is_built_in() {
                    return Err(InitError::InvalidValue {
                        what,
                        why: format!(
                            "the {} exporter needs otel-kit-init's {} cargo feature: turn it on in Cargo.toml",
                            kind.name(),
                            kind.cargo_features()
                        ),
                    });
                }
            }
        }
        if let Some(limit @ (0 | usize::MAX)) = self.cardinality_limit {
            return Err(InitError::InvalidValue {
                what: "metric_cardinality_limit",
                why: format!(
                    "{limit} is not a number of attribute sets a metric can keep: give one from 1 to {} (the default is {})",
                    usize::MAX - 1,
                    crate::DEFAULT_CARDINALITY_LIMIT
                ),
            });
        }
        if let Some(s) = &self.sampling {
            s.validate()?;
        }
        if let Some(otlp) = &self.otlp {
            otlp.validate()?;
        }
        if let Some(Some(r)) = &self.redaction {
            r.validate()?;
        }
        Ok(())
    }

    /// The configuration in effect: `config` with these values laid over it, and the
    /// `service.name` the resource reports. Warnings about the variables these values
    /// replace are dropped from `warnings`: those variables are not in effect.
    pub(crate) fn apply(
        &self,
        mut config: Config,
        service_name: String,
        warnings: &mut Vec<ConfigWarning>,
    ) -> EffectiveConfig {
        warnings.retain(|w| !self.replaces(&w.variable));
        config
            .export
            .otlp
            .apply_code(self.otlp_endpoint.as_deref(), self.otlp_protocol, warnings);
        self.builder_otlp.apply(&mut config.export.otlp, warnings);
        if let Some(otlp) = &self.otlp {
            otlp.apply(&mut config.export.otlp, warnings);
        }
        let [traces_exporters, metrics_exporters, logs_exporters] =
            Signal::ALL.map(|signal| self.exporters(&config, signal));
        EffectiveConfig {
            service_name,
            // The resource's, filled in by the start-up once it is built.
            service_version: None,
            service_instance_id: String::new(),
            sdk_disabled: config.sdk_disabled,
            log_level: config.log_level,
            propagators: match &self.propagators {
                Some(p) => p.names().to_vec(),
                None => config.propagators,
            },
            custom_propagators: self.propagators.as_ref().map_or(0, Propagators::custom_count),
            sampling: self.sampling.clone().unwrap_or(config.sampling),
            redaction: match &self.redaction {
                Some(rules) => RedactionSettings::from_rules(rules.as_ref()),
                None => config.redaction,
            },
            // Baggage comes from the client: its copied values obey the request-value cap.
            baggage_attributes: self
                .baggage_attributes
                .clone()
                .unwrap_or(config.baggage_attributes)
                .max_value_bytes(
                    config
                        .instrumentation
                        .request_value_max_bytes
                        .unwrap_or(otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES),
                ),
            export: ExportConfig {
                traces_exporters,
                metrics_exporters,
                logs_exporters,
                console_span_format: self
                    .console_span_format
                    .unwrap_or(config.export.console_span_format),
                prometheus: super::prometheus::PrometheusConfig {
                    listener: self
                        .prometheus_listener
                        .unwrap_or(config.export.prometheus.listener),
                    host: match &self.prometheus_address {
                        Some((host, _)) => host.trim().to_owned(),
                        None => config.export.prometheus.host,
                    },
                    port: self
                        .prometheus_address
                        .as_ref()
                        .map_or(config.export.prometheus.port, |(_, port)| *port),
                    limits: self.prometheus_limits.unwrap_or(config.export.prometheus.limits),
                },
                metrics_exemplar_filter: self
                    .exemplar_filter
                    .unwrap_or(config.export.metrics_exemplar_filter),
                // The rest is the environment's: the OTLP settings (with the code's laid
                // over above), the batch processors, the metric interval, timeout and
                // temporality.
                ..config.export
            },
            metric_cardinality_limit: self.cardinality_limit.unwrap_or(crate::DEFAULT_CARDINALITY_LIMIT),
            span_limits: config.span_limits,
            log_record_limits: config.log_record_limits,
            peer_services: config.peer_services,
            instrumentation: {
                let mut switches = config.instrumentation;
                if let Some(threshold) = self.db_slow_query_threshold {
                    switches.db_slow_query_threshold = threshold;
                }
                switches
            },
            // The start-up sets it.
            source: super::source::ConfigSource::Environment,
        }
    }

    /// The propagators to install: the ones given in code, as given; else those the
    /// configuration in effect names.
    pub(crate) fn propagators(&self, effective: &EffectiveConfig) -> Propagators {
        match &self.propagators {
            Some(p) => p.clone(),
            None => Propagators::new(effective.propagators.iter().copied()),
        }
    }

    fn exporter(&self, signal: Signal) -> Option<Exporter> {
        match signal {
            Signal::Traces => self.traces,
            Signal::Metrics => self.metrics,
            Signal::Logs => self.logs,
        }
    }

    /// The exporter chosen in code; else the fallback, where neither code nor the
    /// environment says (`apply` has laid a code endpoint over `config` already, and an
    /// endpoint means OTLP); else the environment's.
    fn exporters(&self, config: &Config, signal: Signal) -> Vec<ExporterKind> {
        // `validate` has refused what this build lacks when chosen for this signal; a
        // fallback applies only where it can.
        if !BuildFeatures::THIS_BUILD.has_signal(signal) {
            return Vec::new();
        }
        if let Some(chosen) = self.exporter(signal) {
            return chosen.kinds();
        }
        match self.fallback {
            // For logs, a console fallback means none: the console subscriber already
            // prints every event with its trace and span ids.
            Some(Exporter::Console) if signal == Signal::Logs && config.is_silent_about(signal) => Vec::new(),
            Some(fallback) if config.is_silent_about(signal) => fallback.kinds(),
            _ => config.exporters(signal).to_vec(),
        }
    }

    fn replaces(&self, variable: &str) -> bool {
        self.sampling.is_some() && Sampling::ENV_VARIABLES.contains(&variable)
            || self.propagators.is_some() && variable == propagators_env::VARIABLE
            || self.exemplar_filter.is_some() && variable == super::tuning::EXEMPLAR_FILTER_VARIABLE
            || self.prometheus_address.is_some()
                && [super::prometheus::HOST, super::prometheus::PORT].contains(&variable)
            || self.redaction.is_some() && redaction_env::VARIABLES.contains(&variable)
            || self.baggage_attributes.is_some() && baggage_env::VARIABLES.contains(&variable)
            || self.console_span_format.is_some() && variable == super::console_spans::VARIABLE
            || Signal::ALL
                .into_iter()
                .any(|s| self.exporter(s).is_some() && variable == exporters::variable(s))
    }
}
