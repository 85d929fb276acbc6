//! What can go wrong when telemetry is set up or shut down.
//!
//! Both errors convert into [`std::io::Error`] (kind [`Other`](std::io::ErrorKind::Other),
//! the message and the source kept), so `init()?` works in a `main` that returns
//! `std::io::Result<()>`, as actix-web's does.

use std::error::Error;
use std::fmt;
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
        /// What went wrong; its [`source`](Error::source) chain reaches the
        /// underlying error.
        #[source]
        source: ExporterError,
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

/// Why an OTLP exporter could not be built: the message of the error behind it, and
/// that error's [`source`](Error::source) chain. The kit's own type, so that no
/// exporter crate's error type is part of [`InitError`].
///
/// ```
/// use std::error::Error as _;
///
/// let error = otel_kit_init::ExporterError::new("no TLS provider for https");
/// assert_eq!(error.to_string(), "no TLS provider for https");
/// assert!(error.source().is_none());
/// ```
#[derive(Debug)]
pub struct ExporterError(Box<dyn Error + Send + Sync + 'static>);

impl ExporterError {
    /// An error that is only its message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into().into())
    }

    /// An error that says what `error` says, with `error`'s
    /// [`source`](Error::source) chain as its own.
    pub fn from_error(error: impl Error + Send + Sync + 'static) -> Self {
        Self(Box::new(error))
    }
}

impl fmt::Display for ExporterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Error for ExporterError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.source()
    }
}

/// `init()?` in a `main` that returns `std::io::Result<()>`: kind
/// [`Other`](std::io::ErrorKind::Other), the same message, and the [`InitError`] inside
/// ([`get_ref`](std::io::Error::get_ref) and a downcast reach it).
///
/// ```
/// fn main() -> std::io::Result<()> {
///     let _telemetry = otel_kit_init::builder()
///         .without_globals()
///         .exporter(otel_kit_init::Exporter::None)
///         .init()?;
///     Ok(())
/// }
/// ```
impl From<InitError> for std::io::Error {
    fn from(error: InitError) -> Self {
        std::io::Error::other(error)
    }
}

/// `telemetry.shutdown()?` in a `main` that returns `std::io::Result<()>`: kind
/// [`Other`](std::io::ErrorKind::Other), the same message, and the [`ShutdownError`]
/// inside.
///
/// ```
/// fn main() -> std::io::Result<()> {
///     let telemetry = otel_kit_init::builder()
///         .without_globals()
///         .exporter(otel_kit_init::Exporter::None)
///         .init()?;
///     telemetry.shutdown()?;
///     Ok(())
/// }
/// ```
impl From<ShutdownError> for std::io::Error {
    fn from(error: ShutdownError) -> Self {
        std::io::Error::other(error)
    }
}
