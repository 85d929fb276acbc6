//! The `OTEL_*` environment-variable specification, all of it, including the variables
//! the upstream Rust SDK ignores: [`Config`] is what the environment says, read once;
//! [`EffectiveConfig`] is what `init()` put in effect, the builder's values laid over it.
//!
//! [`Config`] composes the settings of the SDK plug-ins, each read by its own module
//! ([`BatchSettings`](crate::batch::BatchSettings), [`Sampling`](crate::sampling::Sampling), [`RedactionSettings`](crate::redaction::RedactionSettings), the propagators, the
//! resource's variables), with the setup's own: exporters, OTLP, metrics (the
//! [`ExportConfig`] both hold), limits.
//!
//! ```
//! use otel_kit_init::config::{Config, ExporterKind, Protocol};
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
//! assert_eq!(config.export.traces_exporters, vec![ExporterKind::Otlp]);
//! assert_eq!(config.export.otlp.traces.settings.protocol, Protocol::HttpProtobuf);
//! assert_eq!(config.export.otlp.traces.endpoint(), "http://collector:4318/v1/traces");
//! assert_eq!(config.export.bsp.max_queue_size, 2048);
//! assert_eq!(warnings.len(), 1);
//! assert!(warnings[0].to_string().starts_with("OTEL_BSP_MAX_QUEUE_SIZE=\"lots\""));
//! // Secrets never print.
//! assert!(!config.to_string().contains("s3cr3t"));
//! ```

mod baggage_env;
mod batch_env;
mod code;
mod console_spans;
mod effective;
mod endpoint;
pub(crate) mod environment;
mod export;
mod exporters;
pub(crate) mod instrumentation_switches;
pub(crate) mod known_variables;
pub use known_variables::known_variables;
mod otlp;
mod otlp_options;
mod peer_services;
mod prometheus;
mod propagators_env;
#[cfg(feature = "proxy")]
pub(crate) mod proxy;
mod redaction_env;
mod resource_env;
mod sampling_env;
pub(crate) mod source;
mod summary;
mod tuning;

pub(crate) use code::CodeValues;
pub use code::Exporter;
pub use console_spans::ConsoleSpanFormat;
pub use effective::EffectiveConfig;
pub use environment::{Config, LogLevel};
pub use export::ExportConfig;
pub use exporters::ExporterKind;
/// The Java agent's switches as `init()` read them ([`EffectiveConfig::instrumentation`]).
pub use otel_kit_core::instrumentation_switches::InstrumentationSwitches;
pub use otel_kit_core::otlp::{Compression, DynamicHeaders, Pem, Protocol};
pub use otel_kit_prometheus::PrometheusListenerLimits;
pub use otlp::{OtlpConfig, OtlpSignalConfig, ProtocolFeature};
pub use otlp_options::OtlpOptions;
pub use prometheus::PrometheusConfig;
pub use propagators_env::{PropagatorsFromEnv, from_names};
pub use resource_env::ResourceOptionsFromEnv;
pub use source::ConfigSource;
pub use tuning::{ExemplarFilter, LogRecordLimits, SpanLimitsConfig, TemporalityPreference};

/// Re-exported here, with the configuration it warns about.
pub use crate::env::ConfigWarning;
