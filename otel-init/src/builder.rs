//! `init()` and the [`Builder`]: values set in code win over the environment (except
//! `service.name`, where the environment wins, as the resource spec says), the rest
//! comes from the `OTEL_*` variables.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::trace::TracerProvider as _;

use crate::InitError;
use crate::config::{Config, ExporterKind, LogLevel, OtlpProtocol, Warnings};
use crate::export_runtime::ExportRuntime;
use crate::pipelines::build_pipelines;
use crate::propagation::{self, Propagators};
use crate::redaction::{Redaction, RedactionSettings};
use crate::resource::{Detection, ResourceOptions, build_resource};
use crate::sampling::{self, Sampling};
use crate::subscriber::{self, Console, LogFilter};
use crate::telemetry::{DEFAULT_SHUTDOWN_TIMEOUT, Pipelines, Telemetry};
use opentelemetry_semantic_conventions::resource::{DEPLOYMENT_ENVIRONMENT_NAME, SERVICE_NAME};

/// Where one signal goes, when chosen in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporter {
    /// OTLP to the configured endpoint.
    Otlp,
    /// Human-readable lines on stdout.
    Console,
    /// Nowhere.
    None,
}

type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Overrides for what the environment says. Start with [`builder()`](crate::builder).
///
/// ```no_run
/// use otel_kit_init::sampling::Sampling;
///
/// let telemetry = otel_kit_init::builder()
///     .service_name("checkout")
///     .service_version(otel_kit_init::service_version!())
///     .sampling(Sampling::ratio(0.1))
///     .init()?;
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
#[must_use]
#[derive(Clone)]
pub struct Builder {
    /// Resource values set in code; the environment's are added in `init`.
    resource: ResourceOptions,
    sampling: Option<Sampling>,
    propagators: Option<Propagators>,
    /// `None`: from the environment; `Some(None)`: off; `Some(Some(r))`: these rules.
    redaction: Option<Option<Redaction>>,
    traces: Option<Exporter>,
    metrics: Option<Exporter>,
    logs: Option<Exporter>,
    fallback: Option<Exporter>,
    otlp_endpoint: Option<String>,
    otlp_protocol: Option<OtlpProtocol>,
    shutdown_timeout: Duration,
    console_format: subscriber::ConsoleFormat,
    install_subscriber: bool,
    set_globals: bool,
    lookup: Lookup,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            resource: ResourceOptions::new(),
            sampling: None,
            propagators: None,
            redaction: None,
            traces: None,
            metrics: None,
            logs: None,
            fallback: None,
            otlp_endpoint: None,
            otlp_protocol: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            console_format: subscriber::ConsoleFormat::default(),
            install_subscriber: true,
            set_globals: true,
            lookup: Arc::new(|k| std::env::var(k).ok()),
        }
    }
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("resource", &self.resource)
            .field("sampling", &self.sampling)
            .field("redaction", &self.redaction)
            .field("traces", &self.traces)
            .field("metrics", &self.metrics)
            .field("logs", &self.logs)
            .field("otlp_endpoint", &self.otlp_endpoint)
            .field("otlp_protocol", &self.otlp_protocol)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// `service.name`, used when `OTEL_SERVICE_NAME` (and `service.name` in
    /// `OTEL_RESOURCE_ATTRIBUTES`) are unset: operators rename services, code does not.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.resource = self.resource.service_name(name);
        self
    }

    /// `service.version`; [`service_version!`](crate::service_version) gives the
    /// calling crate's version.
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.resource = self.resource.service_version(version);
        self
    }

    /// `deployment.environment.name` (`production`, `staging`, ...).
    pub fn deployment_environment(self, name: impl Into<String>) -> Self {
        self.resource_attribute(KeyValue::new(DEPLOYMENT_ENVIRONMENT_NAME, name.into()))
    }

    /// Any other resource attribute; code wins over `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, attribute: KeyValue) -> Self {
        // The last value set for a key wins when the resource is built.
        self.resource = self.resource.attribute(attribute);
        self
    }

    /// The sampler preset (wins over `OTEL_TRACES_SAMPLER`).
    pub fn sampling(mut self, sampling: Sampling) -> Self {
        self.sampling = Some(sampling);
        self
    }

    /// The propagators (win over `OTEL_PROPAGATORS`).
    pub fn propagators(mut self, propagators: Propagators) -> Self {
        self.propagators = Some(propagators);
        self
    }

    /// The redaction rules (win over all `OTEL_KIT_REDACT*` variables). Without this,
    /// the environment decides, and redaction is on with
    /// [`Redaction::default()`]'s rules unless `OTEL_KIT_REDACT=none`.
    ///
    /// ```
    /// use otel_kit_init::redaction::{Redaction, Scrub};
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .redaction(Redaction::default().drop_keys(["app.ssn"]).scrub([Scrub::Email]))
    ///     .init()?;
    /// assert!(telemetry.config().redaction.drop_keys.iter().any(|k| k == "app.ssn"));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn redaction(mut self, rules: Redaction) -> Self {
        self.redaction = Some(Some(rules));
        self
    }

    /// No redaction at all, whatever `OTEL_KIT_REDACT*` say.
    pub fn without_redaction(mut self) -> Self {
        self.redaction = Some(None);
        self
    }

    /// Where spans go (wins over `OTEL_TRACES_EXPORTER`).
    pub fn traces_exporter(mut self, exporter: Exporter) -> Self {
        self.traces = Some(exporter);
        self
    }

    /// Where metrics go (wins over `OTEL_METRICS_EXPORTER`).
    pub fn metrics_exporter(mut self, exporter: Exporter) -> Self {
        self.metrics = Some(exporter);
        self
    }

    /// Where log records go (wins over `OTEL_LOGS_EXPORTER`).
    pub fn logs_exporter(mut self, exporter: Exporter) -> Self {
        self.logs = Some(exporter);
        self
    }

    /// The same exporter for all three signals.
    pub fn exporter(self, exporter: Exporter) -> Self {
        self.traces_exporter(exporter)
            .metrics_exporter(exporter)
            .logs_exporter(exporter)
    }

    /// Where a signal goes when neither code nor the environment says: no
    /// `OTEL_<SIGNAL>_EXPORTER` and no OTLP endpoint for it. `Exporter::Console` makes a
    /// service print to the terminal on a laptop and export once deployed with an
    /// endpoint. For logs, a console fallback means none: the console subscriber already
    /// prints every event with its trace and span ids.
    pub fn fallback_exporter(mut self, exporter: Exporter) -> Self {
        self.fallback = Some(exporter);
        self
    }

    /// The OTLP base endpoint for every signal, as `OTEL_EXPORTER_OTLP_ENDPOINT` would
    /// give it (`/v1/<signal>` is appended for HTTP); wins over all endpoint variables.
    pub fn otlp_endpoint(mut self, url: impl Into<String>) -> Self {
        self.otlp_endpoint = Some(url.into());
        self
    }

    /// The OTLP protocol for every signal; wins over the protocol variables.
    pub fn otlp_protocol(mut self, protocol: OtlpProtocol) -> Self {
        self.otlp_protocol = Some(protocol);
        self
    }

    /// The bound on flushing and shutting down (default 5 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Text (default) or JSON console lines.
    pub fn console_format(mut self, format: subscriber::ConsoleFormat) -> Self {
        self.console_format = format;
        self
    }

    /// Do not install a global `tracing` subscriber: for applications that compose their
    /// own with [`crate::subscriber`]'s layers.
    pub fn without_tracing_subscriber(mut self) -> Self {
        self.install_subscriber = false;
        self
    }

    /// Do not set the OpenTelemetry globals (providers, propagator) nor a `tracing`
    /// subscriber: the guard's providers are all there is. For libraries and tests.
    pub fn without_globals(mut self) -> Self {
        self.set_globals = false;
        self.install_subscriber = false;
        self
    }

    /// Reads configuration from `lookup` instead of the process environment (tests).
    pub fn environment(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.lookup = Arc::new(lookup);
        self
    }

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
        if self.shutdown_timeout.is_zero() {
            return Err(InitError::InvalidValue {
                what: "shutdown_timeout",
                why: "it is zero; nothing could be flushed. Use e.g. 5 seconds".into(),
            });
        }
        if let Some(s) = &self.sampling {
            s.validate()?;
        }
        if let Some(Some(r)) = &self.redaction {
            r.validate()?;
        }
        Ok(())
    }

    /// The environment with code overrides laid over it as if they were variables, so
    /// that they go through the same resolution rules (defaults, `/v1/<signal>`, ports).
    fn effective_lookup(&self) -> impl Fn(&str) -> Option<String> + use<> {
        let env = Arc::clone(&self.lookup);
        let endpoint = self.otlp_endpoint.clone();
        let protocol = self.otlp_protocol.map(|p| p.as_str().to_owned());
        move |key: &str| {
            let per_signal = |suffix: &str| {
                ["TRACES", "METRICS", "LOGS"]
                    .iter()
                    .any(|s| key == format!("OTEL_EXPORTER_OTLP_{s}_{suffix}"))
            };
            match key {
                "OTEL_EXPORTER_OTLP_ENDPOINT" if endpoint.is_some() => endpoint.clone(),
                _ if endpoint.is_some() && per_signal("ENDPOINT") => None,
                "OTEL_EXPORTER_OTLP_PROTOCOL" if protocol.is_some() => protocol.clone(),
                _ if protocol.is_some() && per_signal("PROTOCOL") => None,
                _ => env(key),
            }
        }
    }

    /// Builds and installs everything. Never blocks on the network: exporters connect
    /// lazily, and a collector that is down costs nothing until the first export.
    pub fn init(self) -> Result<Telemetry, InitError> {
        self.validate()?;
        let (mut config, config_warnings) = Config::from_lookup(self.effective_lookup());
        let mut warnings = Warnings(config_warnings);
        let kinds = |e: Exporter| match e {
            Exporter::Otlp => vec![ExporterKind::Otlp],
            Exporter::Console => vec![ExporterKind::Console],
            Exporter::None => Vec::new(),
        };
        if let Some(fallback) = self.fallback {
            let lookup = self.effective_lookup();
            let unset = |signal: &str| {
                lookup(&format!("OTEL_{signal}_EXPORTER")).is_none_or(|v| v.trim().is_empty())
                    && [
                        format!("OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"),
                        "OTEL_EXPORTER_OTLP_ENDPOINT".to_owned(),
                    ]
                    .iter()
                    .all(|k| lookup(k).is_none_or(|v| v.trim().is_empty()))
            };
            if unset("TRACES") {
                config.traces_exporters = kinds(fallback);
            }
            if unset("METRICS") {
                config.metrics_exporters = kinds(fallback);
            }
            if unset("LOGS") {
                config.logs_exporters = if fallback == Exporter::Console {
                    Vec::new()
                } else {
                    kinds(fallback)
                };
            }
        }
        if let Some(e) = self.traces {
            config.traces_exporters = kinds(e);
        }
        if let Some(e) = self.metrics {
            config.metrics_exporters = kinds(e);
        }
        if let Some(e) = self.logs {
            config.logs_exporters = kinds(e);
        }

        let (sampling, sampler_warnings) = match &self.sampling {
            Some(s) => (s.clone(), Vec::new()),
            None => {
                let (s, w) = sampling::from_env_values(
                    config.traces_sampler.as_deref(),
                    config.traces_sampler_arg.as_deref(),
                );
                (with_env_route_exclusion(s, &config.sampler_excluded_routes), w)
            }
        };
        let (propagators, propagator_warnings) = match &self.propagators {
            Some(p) => (p.clone(), Vec::new()),
            None => propagation::from_names(config.propagators.iter().map(String::as_str)),
        };
        let rules = match &self.redaction {
            Some(code) => code.clone(),
            None => config.redaction.to_redaction(),
        };
        let redactor = rules
            .as_ref()
            .map(Redaction::build)
            .transpose()?
            .filter(|r| !r.is_empty());
        config.redaction = RedactionSettings::from_rules(rules.as_ref());
        let propagators = match &redactor {
            Some(r) => propagators.with_redaction(r.clone()),
            None => propagators,
        };
        let mut text_warnings: Vec<String> = sampler_warnings;
        text_warnings.extend(propagator_warnings);

        let resource = self.resource(&config, &mut text_warnings);
        // The effective configuration shows the service name actually used.
        config.service_name = resource
            .get(&opentelemetry::Key::from_static_str(SERVICE_NAME))
            .map(|v| v.to_string());

        let needs_runtime = !config.sdk_disabled
            && [
                (&config.traces_exporters, &config.otlp.traces),
                (&config.metrics_exporters, &config.otlp.metrics),
                (&config.logs_exporters, &config.otlp.logs),
            ]
            .iter()
            .any(|(kinds, otlp)| kinds.contains(&ExporterKind::Otlp) && otlp.protocol == OtlpProtocol::Grpc);
        let runtime = if needs_runtime {
            Some(ExportRuntime::start()?)
        } else {
            None
        };

        let pipelines = build_pipelines(
            &config,
            &sampling,
            &resource,
            runtime,
            redactor.as_ref(),
            &mut warnings,
        )?;
        if self.set_globals {
            opentelemetry::global::set_tracer_provider(pipelines.tracer.clone());
            opentelemetry::global::set_meter_provider(pipelines.meter.clone());
            propagators.clone().install_global();
        }
        if self.install_subscriber {
            self.install_subscriber(&config, &pipelines, &mut text_warnings);
        }
        text_warnings.extend(warnings.0.iter().map(ToString::to_string));
        for w in &text_warnings {
            tracing::warn!(target: "otel_kit_init", "{w}");
        }
        // The read-back shows what is in effect, code overrides and fallbacks included.
        config.propagators = propagators
            .names()
            .iter()
            .map(|n| n.as_str().to_owned())
            .collect();
        config.traces_sampler = Some(sampling.to_string());
        config.traces_sampler_arg = None;
        tracing::info!(target: "otel_kit_init", "telemetry: {config}");
        Ok(Telemetry::new(
            pipelines,
            config,
            sampling,
            propagators,
            resource,
            self.shutdown_timeout,
            text_warnings,
        ))
    }

    /// The shared resource: code values, the env values from `config`, and what is
    /// detected (through the same lookup, so an injected environment is used throughout).
    fn resource(&self, config: &Config, warnings: &mut Vec<String>) -> opentelemetry_sdk::Resource {
        let options = self
            .resource
            .clone()
            .env_service_name(config.service_name.clone())
            .env_resource_attributes(config.resource_attributes.clone());
        let lookup = Arc::clone(&self.lookup);
        let (resource, w) = build_resource(&options, &Detection::new(move |k| lookup(k), "/"));
        warnings.extend(w);
        resource
    }

    /// `RUST_LOG` for the application's lines, `OTEL_LOG_LEVEL` for the OpenTelemetry
    /// crates' own diagnostics and ours; installed as the global `tracing` subscriber.
    fn install_subscriber(&self, config: &Config, pipelines: &Pipelines, warnings: &mut Vec<String>) {
        let (app_filter, warning) = LogFilter::from_rust_log((self.lookup)("RUST_LOG").as_deref());
        if let Some(w) = warning {
            warnings.push(w.to_string());
        }
        let level = match config.log_level {
            LogLevel::None => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        };
        // Later directives for a target win in an EnvFilter; `opentelemetry` prefixes
        // every OpenTelemetry crate's target.
        let directives = format!(
            "{},opentelemetry={level},otel_kit_init={level}",
            app_filter.directives()
        );
        let filter = LogFilter::parse(&directives).unwrap_or(app_filter);
        let subscriber = subscriber::subscriber(
            pipelines.tracer.tracer("otel-kit-init"),
            &pipelines.logger,
            Console::stdout(self.console_format),
            &filter,
        );
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            warnings.push(
                "a global `tracing` subscriber was already installed, so otel-kit-init did not install its own; \
                 call `.without_tracing_subscriber()` and add `otel_kit_init::subscriber::layers(..)` to yours"
                    .to_owned(),
            );
        }
    }
}

/// Applies `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`, where `default` means the health checks.
fn with_env_route_exclusion(sampling: Sampling, routes: &[String]) -> Sampling {
    let mut sampling = sampling;
    if routes.iter().any(|r| r.eq_ignore_ascii_case("default")) {
        sampling = sampling.excluding_health_checks();
    }
    let explicit: Vec<String> = routes
        .iter()
        .filter(|r| !r.eq_ignore_ascii_case("default"))
        .cloned()
        .collect();
    if explicit.is_empty() {
        sampling
    } else {
        sampling.excluding_routes(explicit)
    }
}
