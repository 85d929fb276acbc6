//! The start-up sequence behind `init()`: read the environment once, build the resource,
//! lay the values set in code over the configuration (the one place they meet), then
//! build the pipelines from what is in effect, install them, and report.

use std::sync::Arc;

use opentelemetry::trace::TracerProvider as _;
use otel_kit_semconv::resource::{
    DEPLOYMENT_ENVIRONMENT_NAME, SERVICE_INSTANCE_ID, SERVICE_NAME, SERVICE_VERSION,
};

use super::Builder;
use crate::InitError;
use crate::Signal;
use crate::config::{Config, ConfigSource, EffectiveConfig, ExporterKind, LogLevel};
use crate::control::TelemetryControl;
use crate::env::{ConfigWarning, Warnings};
use crate::pipelines::{Pipelines, build_pipelines};
use crate::redaction::Redaction;
use crate::subscriber::{self, Console, FilterSwitch, LogFilter, SpanEvents};
use crate::telemetry::Telemetry;
use otel_kit_otlp::ExportRuntime;
use otel_kit_resource::{Detection, build_resource};

impl Builder {
    /// Values set in code, checked: a bad one is an error that says what to fix.
    fn validate(&self) -> Result<(), InitError> {
        if let Some(name) = self.resource.code_service_name()
            && name.trim().is_empty()
        {
            return Err(InitError::InvalidValue {
                what: "service_name",
                why: "it is empty; give the service's name, e.g. \"checkout\"".into(),
            });
        }
        if self.shutdown_timeout.is_zero() {
            return Err(InitError::InvalidValue {
                what: "shutdown_timeout",
                why: "it is zero; nothing could be flushed. Use e.g. 5 seconds".into(),
            });
        }
        self.code.validate()
    }

    /// Builds and installs everything. Never blocks on the network: exporters connect
    /// lazily, and a collector that is down costs nothing until the first export.
    pub fn init(self) -> Result<Telemetry, InitError> {
        self.validate()?;
        self.start()
    }

    pub(super) fn start(mut self) -> Result<Telemetry, InitError> {
        let mut config_warnings = Vec::new();
        let (config, source) = self.read_config(&mut config_warnings)?;
        let mut warnings: Vec<String> = Vec::new();
        let resource = self.resource(&config, source != ConfigSource::Environment, &mut warnings);
        let service_name = resource
            .get(&opentelemetry::Key::from_static_str(SERVICE_NAME))
            .map(|v| v.to_string())
            .unwrap_or_default();
        let mut effective = self.code.apply(config, service_name, &mut config_warnings);
        effective.source = source;
        let resource_value = |key: &'static str| {
            resource
                .get(&opentelemetry::Key::from_static_str(key))
                .map(|v| v.to_string())
        };
        effective.service_version = resource_value(SERVICE_VERSION);
        effective.service_instance_id = resource_value(SERVICE_INSTANCE_ID).unwrap_or_default();
        effective.custom_propagators += self.extra_propagators.len();
        if let Some(names) = &self.variable_names
            && effective.source == ConfigSource::Environment
        {
            config_warnings.extend(crate::config::known_variables::check(
                names().iter().map(String::as_str),
            ));
        }

        let redactor = effective
            .redaction
            .to_redaction()
            .as_ref()
            .map(Redaction::build)
            .transpose()?
            .filter(|r| !r.is_empty());
        let propagators = self
            .extra_propagators
            .iter()
            .fold(self.code.propagators(&effective), |all, extra| {
                all.with_shared_propagator(Arc::clone(extra))
            });
        let propagators = match &redactor {
            Some(r) => propagators.with_redaction(r.clone()),
            None => propagators,
        };
        let runtime = if needs_export_runtime(&effective) {
            Some(ExportRuntime::start().map_err(InitError::ExportThread)?)
        } else {
            None
        };
        let mut exporter_warnings = Warnings::default();
        // The pipelines build their sampler from a copy bound to the state the runtime
        // control changes; `effective` keeps the plain value `effective_config()` shows.
        let (controlled, sampler_state) = effective.sampling.controlled();
        let pipelines = build_pipelines(
            &EffectiveConfig {
                sampling: controlled,
                ..effective.clone()
            },
            &resource,
            runtime,
            redactor.as_ref(),
            &mut self.additions,
            &mut exporter_warnings,
        )?;
        // Every telemetry thread exists now: the span and log workers, the export
        // runtime, the SDK's metric reader. A file replaces the variable.
        if effective.source == ConfigSource::Environment {
            crate::thread_priority::apply_from_env(&*self.lookup, &mut warnings);
        } else if let Some(value) = &self.file_export_thread_nice {
            crate::thread_priority::apply(crate::thread_priority::FILE_KEY, value, &mut warnings);
        }
        if self.set_globals {
            // Its tracers carry the head sampler to the kit's instrumentations.
            opentelemetry::global::set_tracer_provider(pipelines.head_sampled.clone());
            #[cfg(feature = "metrics")]
            opentelemetry::global::set_meter_provider(pipelines.meter.clone());
            propagators.clone().install_global();
            // The instrumentations' log events (exceptions, GenAI details): the
            // OpenTelemetry API has no global logger provider, the kit keeps one.
            #[cfg(feature = "logs")]
            otel_kit_core::log_events::set_global_logger_provider(pipelines.logger.clone());
            otel_kit_core::peer_service::set_global_peer_services(effective.peer_services.clone());
            otel_kit_core::instrumentation_switches::set_global_instrumentation_switches(
                effective.instrumentation.clone(),
            );
            // Every instrumentation resolves the new globals at its next request.
            otel_kit_core::globals_changed();
        }
        #[cfg(feature = "runtime-metrics")]
        let runtimes = self.runtime_metrics(
            &pipelines,
            effective.instrumentation.is_enabled(&["RUNTIME_TELEMETRY"]),
        );
        let span_events = self.resolved_span_events(&effective, &mut warnings);
        let layer_count = self.tracing_layers.len();
        let filter = if self.install_subscriber {
            // What tells one instance's JSON lines from another's, as the resource says it.
            let identity: Vec<(&str, String)> =
                [SERVICE_NAME, SERVICE_INSTANCE_ID, DEPLOYMENT_ENVIRONMENT_NAME]
                    .into_iter()
                    .filter_map(|key| Some((key, resource_value(key)?)))
                    .collect();
            self.install_subscriber(&effective, &identity, span_events, &pipelines, &mut warnings)
        } else {
            None
        };
        if filter.is_none() && layer_count > 0 {
            warnings.push(format!(
                "the {layer_count} layer(s) given to `tracing_layer` were not installed: otel-kit-init installed \
                 no `tracing` subscriber (`without_tracing_subscriber()`, `without_globals()`, or another was set)"
            ));
        }
        let control = TelemetryControl::new(effective.sampling.clone(), sampler_state, filter);

        let warnings: Vec<String> = config_warnings
            .iter()
            .chain(&exporter_warnings.0)
            .map(ToString::to_string)
            .chain(warnings)
            .collect();
        for w in &warnings {
            tracing::warn!(target: "otel_kit_init", "{w}");
        }
        // The kit's own version first: what a bug report needs before anything else.
        tracing::info!(
            target: "otel_kit_init",
            "telemetry: otel_kit.version={} {effective}",
            env!("CARGO_PKG_VERSION")
        );
        let telemetry = Telemetry::new(
            pipelines,
            effective,
            propagators,
            resource,
            self.shutdown_timeout,
            warnings,
            control,
        )
        .with_span_events(span_events);
        #[cfg(feature = "runtime-metrics")]
        let telemetry = telemetry.with_runtimes(runtimes);
        Ok(telemetry)
    }

    /// The configuration: the file's when there is one (`OTEL_CONFIG_FILE`,
    /// `config_file`, `config_yaml`), else the environment's; its warnings go to
    /// `config_warnings`. What [`start`](Self::start) and
    /// [`environment_warnings`](Self::environment_warnings) both read.
    fn read_config(
        &mut self,
        config_warnings: &mut Vec<ConfigWarning>,
    ) -> Result<(Config, ConfigSource), InitError> {
        let file = crate::config_file::load(self.config_file.take(), &*self.lookup, config_warnings)?;
        Ok(match file {
            Some(loaded) => self.take_file(loaded, config_warnings),
            None => {
                let (config, warnings) = Config::from_lookup(|k| (self.lookup)(k));
                config_warnings.extend(warnings);
                (config, ConfigSource::Environment)
            }
        })
    }

    /// The [`Config`] `init()` would run with, read as it reads it: the configuration
    /// file's when `OTEL_CONFIG_FILE` (or [`config_file`](Self::config_file)) names one,
    /// else the environment's, and where it came from. Nothing is built or installed:
    /// for tools that check a deployment's settings, as `cargo otel-doctor --export`
    /// does before it tries the configured endpoint.
    ///
    /// ```
    /// use otel_kit_init::config::ConfigSource;
    ///
    /// let (config, source) = otel_kit_init::builder()
    ///     .environment(|name| (name == "OTEL_TRACES_EXPORTER").then(|| "none".to_owned()))
    ///     .resolved_config()?;
    /// assert_eq!(source, ConfigSource::Environment);
    /// assert!(config.export.traces_exporters.is_empty());
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn resolved_config(mut self) -> Result<(Config, ConfigSource), InitError> {
        let mut warnings = Vec::new();
        self.read_config(&mut warnings)
    }

    /// The warnings [`start`](Self::start) gives about the environment (and the
    /// configuration file), without building or installing anything: the body of
    /// [`environment_warnings`](crate::environment_warnings).
    pub(crate) fn environment_warnings(mut self) -> Result<Vec<String>, InitError> {
        let mut config_warnings = Vec::new();
        let (config, source) = self.read_config(&mut config_warnings)?;
        if let Some(names) = &self.variable_names
            && source == ConfigSource::Environment
        {
            config_warnings.extend(crate::config::known_variables::check(
                names().iter().map(String::as_str),
            ));
        }
        let mut warnings: Vec<String> = config_warnings.iter().map(ToString::to_string).collect();
        drop(self.resource(&config, source != ConfigSource::Environment, &mut warnings));
        let logs_over_otlp =
            !config.sdk_disabled && config.export.logs_exporters.contains(&ExporterKind::Otlp);
        let value = (self.lookup)(subscriber::SPAN_EVENTS);
        let (_, warning) = SpanEvents::from_env_value(value.as_deref(), logs_over_otlp);
        warnings.extend(warning.map(|w| w.to_string()));
        let (_, warning) = LogFilter::from_rust_log((self.lookup)("RUST_LOG").as_deref());
        warnings.extend(warning.map(|w| w.to_string()));
        // A file's value was checked as it was read (an error); a file replaces the variable.
        if source == ConfigSource::Environment {
            warnings.extend(crate::thread_priority::env_value_warning(&*self.lookup));
        }
        Ok(warnings)
    }

    /// Registers the runtime metrics unless code or the switches
    /// (`OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED`, else
    /// `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED`) turned them off.
    #[cfg(feature = "runtime-metrics")]
    fn runtime_metrics(
        &mut self,
        pipelines: &Pipelines,
        switched_on: bool,
    ) -> Option<otel_kit_runtime_metrics::TokioRuntimes> {
        if !self.runtime_metrics.unwrap_or(switched_on) {
            return None;
        }
        let mut runtimes = std::mem::take(&mut self.tokio_runtimes);
        if runtimes.is_empty()
            && let Ok(current) = tokio::runtime::Handle::try_current()
        {
            runtimes.push(("main".to_owned(), current));
        }
        // Under otel-kit-init's own scope: these are the instruments `init()` registers.
        let scope = opentelemetry::InstrumentationScope::builder("otel-kit-init")
            .with_version(env!("CARGO_PKG_VERSION"))
            .with_schema_url(otel_kit_semconv::SCHEMA_URL)
            .build();
        let observed = otel_kit_runtime_metrics::TokioRuntimes::default();
        for (name, handle) in runtimes {
            observed.add(name, handle);
        }
        let meter = opentelemetry::metrics::MeterProvider::meter_with_scope(&pipelines.meter, scope);
        otel_kit_runtime_metrics::register(&meter, &observed);
        Some(observed)
    }

    /// The shared resource: code values, the env values from `config`, and what is
    /// detected (through the same lookup, so an injected environment is used throughout).
    /// With a configuration file, the detectors do not see the `OTEL_*` variables
    /// (`OTEL_RESOURCE_DETECTORS`): the file takes their place.
    fn resource(
        &self,
        config: &Config,
        from_file: bool,
        warnings: &mut Vec<String>,
    ) -> opentelemetry_sdk::Resource {
        let options = self
            .resource
            .clone()
            .env_service_name(config.service_name.clone())
            .env_resource_attributes(config.resource_attributes.clone());
        let lookup = Arc::clone(&self.lookup);
        let detection = Detection::new(
            move |k| {
                (!(from_file && k.starts_with("OTEL_")))
                    .then(|| lookup(k))
                    .flatten()
            },
            "/",
        );
        let (resource, w) = build_resource(&options, &detection);
        warnings.extend(w);
        resource
    }

    /// `RUST_LOG` for the application's lines, `OTEL_LOG_LEVEL` for the OpenTelemetry
    /// crates' own diagnostics and ours; installed, over the application's layers, as the
    /// global `tracing` subscriber.
    /// Returns the application's filter and the switch that replaces it, once installed.
    fn install_subscriber(
        &mut self,
        effective: &EffectiveConfig,
        identity: &[(&str, String)],
        span_events: SpanEvents,
        pipelines: &Pipelines,
        warnings: &mut Vec<String>,
    ) -> Option<(LogFilter, FilterSwitch)> {
        let (app_filter, warning) = LogFilter::from_rust_log((self.lookup)("RUST_LOG").as_deref());
        if let Some(w) = warning {
            warnings.push(w.to_string());
        }
        let internal = internal_directives(effective.log_level);
        #[cfg(feature = "logs")]
        let logger = &pipelines.logger;
        #[cfg(not(feature = "logs"))]
        let logger = &opentelemetry::logs::NoopLoggerProvider::new();
        // The provider's head sampler (its head-sampled face answers the probe), so that
        // a `tracing` span the sampler drops is never built.
        let (default_tracer, head) =
            otel_kit_core::__private::head_sampling::probe(|| pipelines.head_sampled.tracer("otel-kit-init"));
        let (dispatch, switch) = subscriber::reloadable_subscriber(
            // Each `tracing` span under its target's scope, as the log records are.
            otel_kit_core::__private::BridgeTracer::per_target(
                pipelines.head_sampled.clone(),
                default_tracer,
            )
            .with_head_sampler(head),
            logger,
            Console::stdout(self.console_format)
                .resource_identity(identity.iter().map(|(k, v)| (*k, v.as_str()))),
            &app_filter,
            &internal,
            span_events,
            std::mem::take(&mut self.tracing_layers),
        );
        if tracing::dispatcher::set_global_default(dispatch).is_err() {
            warnings.push(
                "a global `tracing` subscriber was already installed, so otel-kit-init did not install its own; \
                 call `.without_tracing_subscriber()` and add `otel_kit_init::subscriber::layers(..)` to yours"
                    .to_owned(),
            );
            return None;
        }
        #[cfg(feature = "log-bridge")]
        match subscriber::bridge_log_crate() {
            Ok(()) => subscriber::log_crate::follow(switch.max_level()),
            Err(error) => warnings.push(error.to_string()),
        }
        Some((app_filter, switch))
    }
}

/// OTLP exports need the export runtime: tonic runs its channel on one, hyper its
/// connections and timeouts.
fn needs_export_runtime(effective: &EffectiveConfig) -> bool {
    !effective.sdk_disabled
        && Signal::ALL
            .into_iter()
            .any(|signal| effective.exporters(signal).contains(&ExporterKind::Otlp))
}

/// The directives `OTEL_LOG_LEVEL` gives the OpenTelemetry crates' own diagnostics and
/// ours. Appended to the application's, now and after each runtime change: later
/// directives for a target win in an `EnvFilter`, and `opentelemetry` prefixes every
/// OpenTelemetry crate's target. otel-kit-otlp's are the export side's warnings (failed
/// exports, drops), which were this crate's own before the export stack moved.
fn internal_directives(log_level: LogLevel) -> String {
    let level = match log_level {
        LogLevel::None => "off",
        LogLevel::Error => "error",
        LogLevel::Warn => "warn",
        LogLevel::Info => "info",
        LogLevel::Debug => "debug",
        LogLevel::Trace => "trace",
    };
    format!("opentelemetry={level},otel_kit_init={level},otel_kit_otlp={level}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tracing_subscriber::layer::{Context, SubscriberExt as _};
    use tracing_subscriber::{EnvFilter, Layer};

    use super::*;

    /// Counts the events it is given.
    struct Count(Arc<AtomicUsize>);

    impl<S: tracing::Subscriber> Layer<S> for Count {
        fn on_event(&self, _: &tracing::Event<'_>, _: Context<'_, S>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `environment_warnings` is `init()`'s table: for the same variables, the same
    /// warnings, in the same order, with nothing installed.
    #[test]
    fn the_dry_run_warns_exactly_as_init_does() {
        // Spelt in two parts: the list of known variables is checked against every
        // `"OTEL_..."` literal of the crate.
        const MISSPELT: &str = concat!("OTEL_", "EXPORTER_OTLP_ENDPIONT");
        let variables = [
            ("OTEL_SERVICE_NAME", "checkout"),
            ("OTEL_TRACES_SAMPLER", "sometimes"),
            ("OTEL_PROPAGATORS", "tracecontext,nonsense"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
            ("OTEL_KIT_SPAN_EVENTS", "maybe"),
            ("OTEL_KIT_REDACT_TRUNCATE_IP", "perhaps"),
            ("OTEL_KIT_BAGGAGE_EMAILS", "sometimes"),
            ("OTEL_KIT_BAGGAGE_ATTRIBUTES", " , "),
            ("OTEL_RESOURCE_DETECTORS", "mainframe"),
            (MISSPELT, "http://collector:4318"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("RUST_LOG", "info,[[["),
        ];
        let dry = crate::builder()
            .environment_variables(variables)
            .environment_warnings()
            .expect("no configuration file");
        let telemetry = crate::builder()
            .environment_variables(variables)
            .without_globals()
            .without_tracing_subscriber()
            .init()
            .expect("init");
        let mut from_init: Vec<String> = telemetry.warnings().to_vec();
        // Without its subscriber, init() cannot check RUST_LOG; the dry run does.
        let rust_log: Vec<&String> = dry.iter().filter(|w| w.starts_with("RUST_LOG")).collect();
        assert_eq!(rust_log.len(), 1, "{dry:#?}");
        from_init.push(rust_log[0].clone());
        // The unknown-variable warnings follow the variables' (unordered) names.
        let (mut dry_sorted, mut init_sorted) = (dry.clone(), from_init);
        dry_sorted.sort();
        init_sorted.sort();
        assert_eq!(dry_sorted, init_sorted);
        for variable in [
            "OTEL_TRACES_SAMPLER",
            "OTEL_PROPAGATORS",
            "OTEL_BSP_MAX_QUEUE_SIZE",
            "OTEL_KIT_SPAN_EVENTS",
            "OTEL_RESOURCE_DETECTORS",
            MISSPELT,
        ] {
            assert!(dry.iter().any(|w| w.contains(variable)), "{variable}: {dry:#?}");
        }
    }

    #[test]
    fn otel_log_level_governs_the_export_sides_warnings_whatever_rust_log_says() {
        let seen = Arc::new(AtomicUsize::new(0));
        let filter = EnvFilter::new(format!("error,{}", internal_directives(LogLevel::Warn)));
        let subscriber = tracing_subscriber::registry().with(Count(Arc::clone(&seen)).with_filter(filter));
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(target: "otel_kit_otlp", "span export failed");
            tracing::warn!(target: "otel_kit_init", "a bad variable");
            tracing::warn!(target: "opentelemetry_sdk", "the SDK's own");
            tracing::info!(target: "otel_kit_otlp", "below OTEL_LOG_LEVEL");
            tracing::warn!(target: "my_app", "below RUST_LOG");
        });
        assert_eq!(seen.load(Ordering::Relaxed), 3);
    }
}
