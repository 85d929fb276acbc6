//! `init()` and the [`Builder`]: values set in code win over the environment (except
//! `service.name`, where the environment wins, as the resource spec says), the rest
//! comes from the `OTEL_*` variables. The builder only collects; `start.rs` runs the
//! start-up sequence.

mod config_file;
mod processors;
mod start;

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::DEPLOYMENT_ENVIRONMENT_NAME;

use crate::InitError;
use crate::additions::Additions;
use crate::config::{CodeValues, ExemplarFilter, Exporter, Protocol};
use crate::redaction::Redaction;
use crate::sampling::Sampling;
use crate::subscriber;
use crate::telemetry::{DEFAULT_SHUTDOWN_TIMEOUT, Telemetry};
use otel_kit_propagators::Propagators;
use otel_kit_resource::ResourceOptions;

type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Overrides for what the environment says. Start with [`builder()`](fn@crate::builder).
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
pub struct Builder {
    /// Resource values set in code; the environment's are added in `init`.
    resource: ResourceOptions,
    /// The configuration values set in code, laid over the environment's in `init`.
    code: CodeValues,
    shutdown_timeout: Duration,
    console_format: subscriber::ConsoleFormat,
    /// `None`: `OTEL_KIT_SPAN_EVENTS`, else by whether logs are exported over OTLP.
    span_events: Option<subscriber::SpanEvents>,
    install_subscriber: bool,
    set_globals: bool,
    lookup: Lookup,
    /// Propagators added in code after the named ones (`Builder::propagator`).
    extra_propagators: Vec<Arc<dyn opentelemetry::propagation::TextMapPropagator + Send + Sync>>,
    /// The names of the variables set, for the unknown-variable warnings: the process's,
    /// or those of [`Builder::environment_variables`]; `None` after
    /// [`Builder::environment`], which can only be asked by name.
    variable_names: Option<Arc<dyn Fn() -> Vec<String> + Send + Sync>>,
    /// Span processors, log processors, metric readers and views added in code.
    additions: Additions,
    /// The configuration file given in code (else `OTEL_CONFIG_FILE`'s).
    config_file: Option<crate::config_file::FileRequest>,
    /// The file's `distribution.otel_kit.export_thread_nice`, once a file was read.
    file_export_thread_nice: Option<String>,
    /// `None`: the environment decides (on unless
    /// `OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED=false`).
    #[cfg(feature = "runtime-metrics")]
    runtime_metrics: Option<bool>,
    /// Runtimes named in code; empty: the one current at `init()`.
    #[cfg(feature = "runtime-metrics")]
    tokio_runtimes: Vec<(String, tokio::runtime::Handle)>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            resource: ResourceOptions::new(),
            code: CodeValues::default(),
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            console_format: subscriber::ConsoleFormat::default(),
            span_events: None,
            install_subscriber: true,
            set_globals: true,
            lookup: Arc::new(|k| std::env::var(k).ok()),
            extra_propagators: Vec::new(),
            variable_names: Some(Arc::new(|| {
                std::env::vars_os()
                    .filter_map(|(name, _)| name.into_string().ok())
                    .collect()
            })),
            additions: Additions::default(),
            config_file: None,
            file_export_thread_nice: None,
            #[cfg(feature = "runtime-metrics")]
            runtime_metrics: None,
            #[cfg(feature = "runtime-metrics")]
            tokio_runtimes: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("resource", &self.resource)
            .field("code", &self.code)
            .field("additions", &self.additions)
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

    /// `service.version` unless `OTEL_RESOURCE_ATTRIBUTES` gives one: the application's
    /// own Cargo version, as [`builder!`](crate::builder!) and [`init!`](crate::init!)
    /// give it. [`service_version`](Self::service_version) wins over both.
    pub fn default_service_version(mut self, version: impl Into<String>) -> Self {
        self.resource = self.resource.default_service_version(version);
        self
    }

    /// The cloud detectors to run, instead of those `OTEL_RESOURCE_DETECTORS` names (by
    /// default all but `gcp_gke`); an empty list turns cloud detection off.
    ///
    /// ```
    /// use otel_kit_resource::CloudDetector;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .environment(|k| (k == "AWS_LAMBDA_FUNCTION_NAME").then(|| "checkout".to_owned()))
    ///     .cloud_detectors([CloudDetector::AwsLambda])
    ///     .init()?;
    /// let platform = telemetry.resource().get(&opentelemetry::Key::from_static_str("cloud.platform"));
    /// assert_eq!(platform, Some(opentelemetry::Value::from("aws_lambda")));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn cloud_detectors(
        mut self,
        detectors: impl IntoIterator<Item = otel_kit_resource::CloudDetector>,
    ) -> Self {
        self.resource = self.resource.cloud_detectors(detectors);
        self
    }

    /// Adds a resource detector (any `opentelemetry_sdk::resource::ResourceDetector`),
    /// run after the kit's own; code values and `OTEL_RESOURCE_ATTRIBUTES` win over it.
    pub fn resource_detector(
        mut self,
        detector: impl opentelemetry_sdk::resource::ResourceDetector + Send + Sync + 'static,
    ) -> Self {
        self.resource = self.resource.detector(detector);
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
        self.code.sampling = Some(sampling);
        self
    }

    /// Which measurements become exemplars (wins over
    /// `OTEL_METRICS_EXEMPLAR_FILTER`; default [`ExemplarFilter::TraceBased`]: those
    /// recorded while a sampled span is current).
    ///
    /// ```
    /// use otel_kit_init::config::ExemplarFilter;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .exemplar_filter(ExemplarFilter::AlwaysOff)
    ///     .init()?;
    /// assert_eq!(telemetry.effective_config().metrics_exemplar_filter, ExemplarFilter::AlwaysOff);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn exemplar_filter(mut self, filter: ExemplarFilter) -> Self {
        self.code.exemplar_filter = Some(filter);
        self
    }

    /// How many attribute sets each metric keeps (default
    /// [`DEFAULT_CARDINALITY_LIMIT`](crate::DEFAULT_CARDINALITY_LIMIT), the SDK's 2000).
    /// Beyond it, measurements with a new attribute set are added to the metric's one
    /// series with `otel.metric.overflow=true`, and the kit warns once, naming the
    /// metric and its attribute keys. It applies to every instrument, the
    /// instrumentations' too, except those a view added with
    /// [`with_view`](Self::with_view) matches: that view's stream has its own limit
    /// (`Stream::builder().with_cardinality_limit`). No `OTEL_*` variable sets it (the
    /// specification defines none). `0` is an [`InitError::InvalidValue`] from `init()`.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .metric_cardinality_limit(500)
    ///     .init()?;
    /// assert_eq!(telemetry.effective_config().metric_cardinality_limit, 500);
    ///
    /// let refused = otel_kit_init::builder().metric_cardinality_limit(0).init();
    /// assert!(matches!(refused, Err(otel_kit_init::InitError::InvalidValue { what: "metric_cardinality_limit", .. })));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn metric_cardinality_limit(mut self, limit: usize) -> Self {
        self.code.cardinality_limit = Some(limit);
        self
    }

    /// The propagators (win over `OTEL_PROPAGATORS`).
    pub fn propagators(mut self, propagators: Propagators) -> Self {
        self.code.propagators = Some(propagators);
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
    /// assert!(telemetry.effective_config().redaction.drop_keys.iter().any(|k| k == "app.ssn"));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn redaction(mut self, rules: Redaction) -> Self {
        self.code.redaction = Some(Some(rules));
        self
    }

    /// The baggage members copied onto every span (at start, from its parent context)
    /// and log record (from the current context), in front of redaction (wins over
    /// `OTEL_KIT_BAGGAGE_ATTRIBUTES` and `OTEL_KIT_BAGGAGE_EMAILS`). E-mail addresses in
    /// the copied values are scrubbed unless the list [keeps them](crate::baggage::BaggageAllowList::keep_emails).
    ///
    /// ```
    /// use otel_kit_init::baggage::BaggageAllowList;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .baggage_attributes(BaggageAllowList::new(["tenant.id", "user.tier"])?)
    ///     .init()?;
    /// assert!(telemetry.effective_config().to_string().contains(" baggage_attributes=tenant.id,user.tier"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn baggage_attributes(mut self, list: crate::baggage::BaggageAllowList) -> Self {
        self.code.baggage_attributes = Some(list);
        self
    }

    /// No redaction at all, whatever `OTEL_KIT_REDACT*` say.
    pub fn without_redaction(mut self) -> Self {
        self.code.redaction = Some(None);
        self
    }

    /// Where spans go (wins over `OTEL_TRACES_EXPORTER`).
    pub fn traces_exporter(mut self, exporter: Exporter) -> Self {
        self.code.traces = Some(exporter);
        self
    }

    /// Where metrics go (wins over `OTEL_METRICS_EXPORTER`).
    pub fn metrics_exporter(mut self, exporter: Exporter) -> Self {
        self.code.metrics = Some(exporter);
        self
    }

    /// Where log records go (wins over `OTEL_LOGS_EXPORTER`).
    pub fn logs_exporter(mut self, exporter: Exporter) -> Self {
        self.code.logs = Some(exporter);
        self
    }

    /// The Prometheus exporter (`metrics_exporter(Exporter::Prometheus)` or
    /// `OTEL_METRICS_EXPORTER=prometheus`) opens no listener of its own: the
    /// application mounts `Telemetry::prometheus_handler` (the `prometheus` feature)
    /// on its router instead.
    ///
    /// ```no_run
    /// # #[cfg(feature = "prometheus")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use otel_kit_init::Exporter;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .metrics_exporter(Exporter::OtlpAndPrometheus)
    ///     .without_prometheus_listener()
    ///     .init()?;
    /// let metrics = telemetry.prometheus_handler().expect("the Prometheus exporter is on");
    /// // axum: Router::new().route_service("/metrics", metrics)
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "prometheus"))]
    /// # fn main() {}
    /// ```
    pub fn without_prometheus_listener(mut self) -> Self {
        self.code.prometheus_listener = Some(false);
        self
    }

    /// Where the Prometheus exporter's own listener serves `/metrics`: `host` and
    /// `port` as `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`
    /// would give them (port 0 takes any free port); wins over both variables. A blank
    /// host, or one with whitespace inside, makes `init` fail with
    /// [`InitError::InvalidValue`].
    ///
    /// ```
    /// # #[cfg(feature = "prometheus")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use otel_kit_init::Exporter;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .traces_exporter(Exporter::None)
    ///     .logs_exporter(Exporter::None)
    ///     .metrics_exporter(Exporter::Prometheus)
    ///     .prometheus_address("127.0.0.1", 0)
    ///     .init()?;
    /// let address = telemetry.prometheus_address().expect("the listener is up");
    /// assert!(address.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "prometheus"))]
    /// # fn main() {}
    /// ```
    pub fn prometheus_address(mut self, host: impl Into<String>, port: u16) -> Self {
        self.code.prometheus_address = Some((host.into(), port));
        self
    }

    /// The Prometheus exporter's own listener's connection cap and timeouts (the table
    /// of [`PrometheusListenerLimits`](crate::config::PrometheusListenerLimits)); a
    /// zero one makes `init` fail with [`InitError::InvalidValue`].
    ///
    /// ```
    /// # #[cfg(feature = "prometheus")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use std::time::Duration;
    ///
    /// use otel_kit_init::Exporter;
    /// use otel_kit_init::config::PrometheusListenerLimits;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .traces_exporter(Exporter::None)
    ///     .logs_exporter(Exporter::None)
    ///     .metrics_exporter(Exporter::Prometheus)
    ///     .prometheus_address("127.0.0.1", 0)
    ///     .prometheus_listener_limits(PrometheusListenerLimits {
    ///         max_connections: 4,
    ///         idle_timeout: Duration::from_secs(2),
    ///         ..PrometheusListenerLimits::DEFAULT
    ///     })
    ///     .init()?;
    /// assert_eq!(telemetry.effective_config().prometheus.limits.max_connections, 4);
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "prometheus"))]
    /// # fn main() {}
    /// ```
    pub fn prometheus_listener_limits(mut self, limits: crate::config::PrometheusListenerLimits) -> Self {
        self.code.prometheus_limits = Some(limits);
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
        self.code.fallback = Some(exporter);
        self
    }

    /// The OTLP base endpoint for every signal, as `OTEL_EXPORTER_OTLP_ENDPOINT` would
    /// give it (`/v1/<signal>` is appended for HTTP); wins over all endpoint variables.
    pub fn otlp_endpoint(mut self, url: impl Into<String>) -> Self {
        self.code.otlp_endpoint = Some(url.into());
        self
    }

    /// Sends every signal's OTLP exports through `proxy` (the `proxy` cargo feature);
    /// wins over `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`.
    ///
    /// ```no_run
    /// use otel_kit_init::Proxy;
    ///
    /// let proxy = Proxy::new("http://user:password@proxy.corp:3128")?.no_proxy("localhost,.internal");
    /// let telemetry = otel_kit_init::builder().proxy(proxy).init()?;
    /// # drop(telemetry);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn proxy(mut self, proxy: crate::Proxy) -> Self {
        self.code.proxy = Some(Some(proxy));
        self
    }

    /// Sends every signal's OTLP exports directly, whatever the proxy variables say (the
    /// `proxy` cargo feature).
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn without_proxy(mut self) -> Self {
        self.code.proxy = Some(None);
        self
    }

    /// The OTLP protocol for every signal; wins over the protocol variables.
    pub fn otlp_protocol(mut self, protocol: Protocol) -> Self {
        self.code.otlp_protocol = Some(protocol);
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

    /// How `OTEL_TRACES_EXPORTER=console` prints spans: a line per span (the default) or
    /// a waterfall per trace; wins over `OTEL_KIT_CONSOLE_SPAN_FORMAT`
    /// ([`ConsoleSpanFormat`](crate::config::ConsoleSpanFormat)).
    ///
    /// ```no_run
    /// use otel_kit_init::Exporter;
    /// use otel_kit_init::config::ConsoleSpanFormat;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .traces_exporter(Exporter::Console)
    ///     .console_span_format(ConsoleSpanFormat::Waterfall)
    ///     .init()?;
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn console_span_format(mut self, format: crate::config::ConsoleSpanFormat) -> Self {
        self.code.console_span_format = Some(format);
        self
    }

    /// Whether `tracing` events inside a span are also span events on it; wins over
    /// `OTEL_KIT_SPAN_EVENTS`. Unset, they are log records only when logs are exported
    /// over OTLP, and span events too otherwise ([`SpanEvents`](subscriber::SpanEvents)).
    ///
    /// ```no_run
    /// use otel_kit_init::subscriber::SpanEvents;
    ///
    /// // A backend that stores traces only: keep the log lines on the spans.
    /// let telemetry = otel_kit_init::builder().span_events(SpanEvents::Recorded).init()?;
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn span_events(mut self, span_events: subscriber::SpanEvents) -> Self {
        self.span_events = Some(span_events);
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

    /// No process and tokio runtime metrics (the `runtime-metrics` cargo feature), whatever
    /// `OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED` says.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .without_runtime_metrics()
    ///     .init()?;
    /// assert!(!telemetry.runtime_metrics_enabled());
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    #[cfg(feature = "runtime-metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
    pub fn without_runtime_metrics(mut self) -> Self {
        self.runtime_metrics = Some(false);
        self
    }

    /// Observe this tokio runtime, its points named `tokio.runtime.name = name`. Once
    /// one is given, the runtime current at `init()` is not observed unless given too;
    /// a runtime built later goes to
    /// [`Telemetry::observe_tokio_runtime`](crate::Telemetry::observe_tokio_runtime).
    ///
    /// ```
    /// let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .tokio_runtime("io", runtime.handle().clone())
    ///     .init()?;
    /// assert!(telemetry.runtime_metrics_enabled());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "runtime-metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "runtime-metrics")))]
    pub fn tokio_runtime(mut self, name: impl Into<String>, handle: tokio::runtime::Handle) -> Self {
        self.tokio_runtimes.push((name.into(), handle));
        self
    }

    /// Reads configuration from `lookup` instead of the process environment (tests).
    /// An unknown `OTEL_*` variable cannot be found through a lookup: use
    /// [`environment_variables`](Self::environment_variables) to have them warned about.
    pub fn environment(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.lookup = Arc::new(lookup);
        self.variable_names = None;
        self
    }

    /// Reads configuration from these variables instead of the process environment, as
    /// if they were all the process had: an `OTEL_*` one the kit does not read is warned
    /// about, naming the one meant.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .environment_variables([("OTEL_EXPORTER_OTLP_ENDPIONT", "http://collector:4318"), ("OTEL_TRACES_EXPORTER", "none")])
    ///     .init()?;
    /// assert!(telemetry.warnings().iter().any(|w| w.contains("did you mean OTEL_EXPORTER_OTLP_ENDPOINT?")));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn environment_variables<K: Into<String>, V: Into<String>>(
        mut self,
        variables: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map: std::collections::HashMap<String, String> =
            variables.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let names: Vec<String> = map.keys().cloned().collect();
        self.lookup = Arc::new(move |k| map.get(k).cloned());
        self.variable_names = Some(Arc::new(move || names.clone()));
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
}
