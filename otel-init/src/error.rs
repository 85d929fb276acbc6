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

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a cause, as an exporter's build error has.
    #[derive(Debug, thiserror::Error)]
    #[error("no TLS provider for https://collector:4317")]
    struct Refused(#[source] std::io::Error);

    fn chain(error: &(dyn Error + 'static)) -> Vec<String> {
        let mut messages = vec![error.to_string()];
        let mut next = error.source();
        while let Some(e) = next {
            messages.push(e.to_string());
            next = e.source();
        }
        messages
    }

    #[test]
    fn an_exporter_error_keeps_the_message_and_the_chain_but_not_the_type() {
        let cause = std::io::Error::new(std::io::ErrorKind::NotFound, "ca.pem: no such file");
        let error = InitError::Exporter {
            signal: Signal::Traces,
            source: ExporterError::from_error(Refused(cause)),
        };
        assert_eq!(
            chain(&error),
            [
                "the OTLP traces exporter could not be built: no TLS provider for https://collector:4317",
                "no TLS provider for https://collector:4317",
                "ca.pem: no such file",
            ]
        );
    }

    #[test]
    fn init_and_shutdown_errors_become_io_errors_that_keep_them() {
        let init = InitError::InvalidValue {
            what: "otlp_endpoint",
            why: "\"collector:4317\" is not an absolute URL".to_owned(),
        };
        let message = init.to_string();
        let io: std::io::Error = init.into();
        assert_eq!(io.kind(), std::io::ErrorKind::Other);
        assert_eq!(io.to_string(), message);
        assert!(matches!(
            io.get_ref().and_then(|e| e.downcast_ref::<InitError>()),
            Some(InitError::InvalidValue {
                what: "otlp_endpoint",
                ..
            })
        ));

        let io: std::io::Error = ShutdownError::Timeout(Duration::from_secs(5)).into();
        assert_eq!(io.kind(), std::io::ErrorKind::Other);
        assert_eq!(io.to_string(), "telemetry shutdown did not finish within 5s");
        assert!(io.into_inner().is_some_and(|e| e.is::<ShutdownError>()));
    }

    #[test]
    fn the_io_error_keeps_the_source_chain() {
        let cause = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "no threads left");
        let io: std::io::Error = InitError::ExportThread(cause).into();
        // `io::Error` shows the wrapped error and hands out its source.
        assert_eq!(
            chain(&io),
            [
                "the telemetry export thread could not start: no threads left",
                "no threads left"
            ]
        );
    }
}
