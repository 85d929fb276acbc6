//! `init()` and the [`Builder`]: values set in code win over the environment (except
//! `service.name`, where the environment wins, as the resource spec says), the rest
//! comes from the `OTEL_*` variables. The builder only collects; `start.rs` runs the
//! start-up sequence.
//!
//! The struct is here; its methods are in a file per thing they configure:
//!
//! - `resource.rs`: `service.name`, `service.version`, the detectors, other attributes.
//! - `sampling.rs`: the sampler preset.
//! - `propagation.rs`: the propagators, and the baggage members copied onto spans and
//!   log records.
//! - `redaction.rs`: the redaction rules, or none.
//! - `export.rs`: the exporter of each signal, the fallback, the OTLP endpoint, protocol
//!   and proxy.
//! - `prometheus.rs`: the Prometheus exporter's listener.
//! - `metrics.rs`: exemplars, the cardinality limit, the runtime metrics.
//! - `console.rs`: the console lines, the console span format, span events.
//! - `install.rs`: the globals and the `tracing` subscriber `init()` installs, and the
//!   shutdown bound.
//! - `environment.rs`: the variables read from a lookup or a list instead of the process.
//! - `config_file.rs`: an OpenTelemetry configuration file in place of the variables.
//! - `processors.rs`: SDK pieces added to the pipelines (span and log processors, metric
//!   readers, views, the id generator, more propagators).
//! - `start.rs`: `init()`: the values checked, then the start-up sequence.

mod config_file;
mod console;
mod database;
mod environment;
mod export;
mod install;
mod metrics;
mod processors;
mod prometheus;
mod propagation;
mod redaction;
mod resource;
mod sampling;
mod start;

use std::sync::Arc;
use std::time::Duration;

use crate::additions::Additions;
use crate::config::CodeValues;
use crate::subscriber;
use crate::telemetry::DEFAULT_SHUTDOWN_TIMEOUT;
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
    /// The application's layers for that subscriber (`Builder::tracing_layer`).
    tracing_layers: Vec<subscriber::ApplicationLayer>,
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
            tracing_layers: Vec::new(),
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
            .field("tracing_layers", &self.tracing_layers.len())
            .finish_non_exhaustive()
    }
}
