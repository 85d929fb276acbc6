//! What can go wrong when telemetry is set up or shut down.

use std::time::Duration;

use crate::Signal;
use crate::redaction::RedactionError;
use crate::sampling::SamplingError;

/// An invalid value given in code to the [`Builder`](crate::Builder), or a pipeline the
/// SDK refused to build. Bad environment values never produce this: they are warned
/// about and replaced by their defaults.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The sampling preset is out of range.
    #[error("invalid sampling: {0}")]
    Sampling(#[from] SamplingError),
    /// The redaction rules given in code are invalid (an empty pattern or secret).
    #[error("invalid redaction: {0}")]
    Redaction(#[from] RedactionError),
    /// A builder value is invalid; the message says which and how to fix it.
    #[error("invalid {what}: {why}")]
    InvalidValue {
        /// The builder method.
        what: &'static str,
        /// What is wrong and what is expected.
        why: String,
    },
    /// The OTLP exporter could not be built.
    #[error("the OTLP {signal} exporter could not be built: {source}")]
    Exporter {
        /// The signal whose exporter it is.
        signal: Signal,
        /// The exporter's error.
        #[source]
        source: opentelemetry_otlp::ExporterBuildError,
    },
    /// The configuration file (`OTEL_CONFIG_FILE`, `Builder::config_file`,
    /// `Builder::config_yaml`) is invalid: the error names the YAML path, the line and
    /// what was expected. (The `config-file` feature.)
    #[cfg(feature = "config-file")]
    #[cfg_attr(docsrs, doc(cfg(feature = "config-file")))]
    #[error("invalid configuration file: {0}")]
    ConfigFile(#[from] otel_kit_config::ConfigFileError),
    /// The background thread that drives gRPC exports could not start.
    #[error("the telemetry export thread could not start: {0}")]
    ExportThread(#[source] std::io::Error),
}

/// Telemetry did not shut down cleanly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShutdownError {
    /// Flushing and shutting down took longer than the timeout; what was still queued
    /// may be lost. The work goes on in the background.
    #[error("telemetry shutdown did not finish within {0:?}")]
    Timeout(Duration),
    /// A provider reported an error while flushing or shutting down.
    #[error("telemetry shutdown reported errors: {0}")]
    Failed(String),
}
