//! What can be wrong with an exporter's settings: [`BuildError`] refuses them, each
//! variant saying what to fix; [`BuildWarning`] is what a lenient build left out.

/// An exporter's settings could not be used; the message says which and how to fix it.
///
/// ```
/// use otel_kit_otlp::{BuildError, SpanExporter};
///
/// let error = SpanExporter::builder()
///     .with_endpoint("localhost:4318")
///     .build()
///     .expect_err("no scheme");
/// assert!(matches!(error, BuildError::InvalidEndpoint { .. }));
/// assert!(error.to_string().contains("http://"), "{error}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The endpoint is not an absolute `http://` or `https://` URL.
    #[error(
        "invalid OTLP endpoint '{endpoint}': {why}; expected an absolute URL such as http://localhost:4318/v1/traces"
    )]
    InvalidEndpoint {
        /// The endpoint as given, its user info and query masked ([`printable_endpoint`](crate::printable_endpoint)).
        endpoint: String,
        /// What is wrong with it.
        why: String,
    },
    /// A header's name or value cannot be sent (HTTP and gRPC carry visible ASCII names
    /// and values without control characters).
    #[error("invalid OTLP header '{name}': {why}")]
    InvalidHeader {
        /// The header's name as given.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// The export timeout is zero: every export would fail at once.
    #[error(
        "invalid OTLP export timeout: it is zero; give a positive duration (the specification's default is 10 s)"
    )]
    ZeroTimeout,
    /// The interval at which credential files are read again is shorter than
    /// [`MIN_CREDENTIALS_CHECK_INTERVAL`](crate::MIN_CREDENTIALS_CHECK_INTERVAL) (zero included).
    #[error(
        "invalid interval for reading the credential files again: {0:?} is shorter than 100 ms; give at least 100 ms (default 10 s)"
    )]
    CredentialsCheckIntervalTooShort(std::time::Duration),
    /// What the settings ask for needs a cargo feature this build lacks.
    #[error("{what} needs otel-kit-otlp's `{feature}` cargo feature, which this build lacks")]
    NotBuiltIn {
        /// What was asked for: "OTLP/gRPC", "gzip compression", "an https:// endpoint".
        what: &'static str,
        /// The cargo feature that brings it.
        feature: &'static str,
    },
    /// A PEM certificate or key given for TLS cannot be used.
    #[error("the {setting} cannot be used: {why}")]
    Certificate {
        /// Which one.
        setting: CertificateSetting,
        /// What is wrong with it.
        why: String,
    },
    /// TLS could not be set up with these settings.
    #[error("TLS could not be set up for '{endpoint}': {why}")]
    Tls {
        /// The endpoint, its user info and query masked ([`printable_endpoint`](crate::printable_endpoint)).
        endpoint: String,
        /// Why, with its causes.
        why: String,
    },
    /// The export runtime's thread could not start.
    #[error("the telemetry export thread could not start: {0}")]
    ExportThread(#[source] std::io::Error),
}

/// A TLS setting given as PEM.
///
/// ```
/// use otel_kit_otlp::CertificateSetting;
///
/// assert_eq!(CertificateSetting::ClientIdentity.to_string(), "client certificate");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateSetting {
    /// The CA that verifies the collector, [`with_ca_certificate`](crate::ExporterBuilder::with_ca_certificate).
    CaCertificate,
    /// The client's certificate and key, [`with_client_identity`](crate::ExporterBuilder::with_client_identity).
    ClientIdentity,
    /// The client's key alone, when it is the key that cannot be read or parsed.
    ClientKey,
    /// A header read from a file, [`with_header_file`](crate::ExporterBuilder::with_header_file).
    HeaderFile,
}

impl std::fmt::Display for CertificateSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertificateSetting::CaCertificate => "CA certificate",
            CertificateSetting::ClientIdentity => "client certificate",
            CertificateSetting::ClientKey => "client key",
            CertificateSetting::HeaderFile => "header file",
        })
    }
}

/// A setting a [lenient build](crate::ExporterBuilder::build_lenient) left out, and
/// why: the exporter was built without it.
///
/// ```
/// use otel_kit_otlp::{CertificateSetting, SpanExporter};
///
/// let (_exporter, warnings) = SpanExporter::builder()
///     .with_endpoint("https://collector:4318/v1/traces")
///     .with_ca_certificate("not PEM")
///     .build_lenient()?;
/// assert_eq!(warnings[0].setting, CertificateSetting::CaCertificate);
/// assert!(warnings[0].to_string().starts_with("the CA certificate holds no PEM certificate"));
/// # Ok::<(), otel_kit_otlp::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildWarning {
    /// The setting left out.
    pub setting: CertificateSetting,
    /// What is wrong with it, and what is used instead.
    pub why: String,
}

impl std::fmt::Display for BuildWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the {} {}", self.setting, self.why)
    }
}
