//! [`ExportSettings`]: everything one signal's OTLP exporter is built from, as typed
//! values.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use otel_kit_core::otlp::{Compression, DynamicHeaders, Pem, Protocol, Signal};

/// The shortest interval at which the credential files are read again: each check reads
/// every file (up to 1 MiB each) on a blocking thread, so a shorter one would only
/// spend CPU; rotations take minutes. The exporter builder refuses less, and
/// otel-kit-init raises a shorter `OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL` to it.
///
/// ```
/// assert_eq!(otel_kit_otlp::MIN_CREDENTIALS_CHECK_INTERVAL, std::time::Duration::from_millis(100));
/// ```
pub const MIN_CREDENTIALS_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// One signal's OTLP export settings: protocol, endpoint, headers, timeout,
/// compression, TLS material, credential checks and proxy. The one declaration of each:
/// an [`ExporterBuilder`](crate::ExporterBuilder) holds this value and its setters set it;
/// otel-kit-init maps the `OTEL_EXPORTER_OTLP_*` variables onto it and lays the settings
/// given in code over it; a plain `opentelemetry_sdk` user fills it in code. Nothing is
/// read from the environment here. Header values are secrets: `Debug` prints their names
/// only.
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_otlp::{Compression, ExportSettings, Protocol};
///
/// let settings = ExportSettings {
///     timeout: Duration::from_secs(5),
///     compression: Some(Compression::Gzip),
///     ..ExportSettings::new(Protocol::Grpc, "http://collector:4317")
/// };
/// assert!(!format!("{settings:?}").contains("secret"));
/// ```
#[derive(Clone, PartialEq)]
pub struct ExportSettings {
    /// Transport and encoding. [`Protocol::HttpJson`] is sent by opentelemetry-otlp's
    /// exporter (the `http-json` cargo feature), the others by this crate's.
    pub protocol: Protocol,
    /// The full endpoint: a URL with `/v1/<signal>` for OTLP/HTTP, the server URL for
    /// gRPC; `None`, the protocol's default on localhost
    /// ([`endpoint_or_default`](Self::endpoint_or_default)).
    pub endpoint: Option<String>,
    /// Extra request headers; one that gRPC or HTTP cannot carry is left out.
    pub headers: Vec<(String, String)>,
    /// Headers whose values are read from files (a bearer token), again when they change.
    pub header_files: Vec<(String, PathBuf)>,
    /// Headers the application makes before each export request (a rotating token);
    /// see [`ExporterBuilder::with_dynamic_headers`](crate::ExporterBuilder::with_dynamic_headers).
    pub dynamic_headers: Option<DynamicHeaders>,
    /// Export timeout.
    pub timeout: Duration,
    /// Request compression; `None` sends uncompressed.
    pub compression: Option<Compression>,
    /// The CA that signs the collector's certificate (`https://` only): a PEM file, read
    /// again when it changes, or bytes.
    pub ca_certificate: Option<Pem>,
    /// The client's certificate chain and private key, for mTLS: PEM files or bytes.
    pub client_identity: Option<(Pem, Pem)>,
    /// How often the PEM and header files are read again.
    pub credentials_check_interval: Duration,
    /// The HTTP proxy the exports go through when it applies to the endpoint.
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub proxy: Option<crate::Proxy>,
}

impl ExportSettings {
    /// The export timeout by default: 10 s, the specification's.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// How often the PEM and header files are read again by default: 10 s.
    pub const DEFAULT_CREDENTIALS_CHECK_INTERVAL: Duration = Duration::from_secs(10);

    /// `protocol` to `endpoint`, with no headers, no compression, no TLS files, no proxy,
    /// and the [default timeout](Self::DEFAULT_TIMEOUT) and check interval.
    ///
    /// ```
    /// use otel_kit_otlp::{ExportSettings, Protocol};
    ///
    /// let settings = ExportSettings::new(Protocol::HttpProtobuf, "http://localhost:4318/v1/traces");
    /// assert_eq!(settings.timeout, ExportSettings::DEFAULT_TIMEOUT);
    /// ```
    pub fn new(protocol: Protocol, endpoint: impl Into<String>) -> Self {
        ExportSettings {
            protocol,
            endpoint: Some(endpoint.into()),
            headers: Vec::new(),
            header_files: Vec::new(),
            dynamic_headers: None,
            timeout: Self::DEFAULT_TIMEOUT,
            compression: None,
            ca_certificate: None,
            client_identity: None,
            credentials_check_interval: Self::DEFAULT_CREDENTIALS_CHECK_INTERVAL,
            #[cfg(feature = "proxy")]
            proxy: None,
        }
    }

    /// Whether the endpoint's scheme is `https` (in any case, as `http::Uri` reads it):
    /// only then are the PEM files used.
    ///
    /// ```
    /// use otel_kit_otlp::{ExportSettings, Protocol};
    ///
    /// assert!(ExportSettings::new(Protocol::Grpc, "HTTPS://collector:4317").is_https());
    /// ```
    pub fn is_https(&self) -> bool {
        self.endpoint
            .as_deref()
            .is_some_and(otel_kit_core::otlp::is_https)
    }

    /// The endpoint `signal` is sent to: the one given, else the protocol's default on
    /// localhost (`http://localhost:4317` for gRPC, `http://localhost:4318/v1/<signal>`
    /// for OTLP/HTTP).
    ///
    /// ```
    /// use otel_kit_otlp::{ExportSettings, Protocol, Signal};
    ///
    /// let settings = ExportSettings { endpoint: None, ..ExportSettings::new(Protocol::HttpProtobuf, "") };
    /// assert_eq!(settings.endpoint_or_default(Signal::Logs), "http://localhost:4318/v1/logs");
    /// ```
    pub fn endpoint_or_default(&self, signal: Signal) -> Cow<'_, str> {
        match (&self.endpoint, self.protocol) {
            (Some(endpoint), _) => Cow::Borrowed(endpoint),
            (None, Protocol::Grpc) => Cow::Borrowed("http://localhost:4317"),
            (None, Protocol::HttpProtobuf | Protocol::HttpJson) => {
                Cow::Owned(format!("http://localhost:4318/{}", signal.http_path()))
            }
        }
    }
}

impl fmt::Debug for ExportSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ExportSettings");
        d.field("protocol", &self.protocol)
            .field(
                "endpoint",
                &self.endpoint.as_deref().map(crate::printable_endpoint),
            )
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| format!("{k}=<redacted>"))
                    .collect::<Vec<_>>(),
            )
            .field(
                "header_files",
                &self.header_files.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("dynamic_headers", &self.dynamic_headers)
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("ca_certificate", &self.ca_certificate)
            .field("client_identity", &self.client_identity)
            .field("credentials_check_interval", &self.credentials_check_interval);
        #[cfg(feature = "proxy")]
        d.field("proxy", &self.proxy.as_ref().map(ToString::to_string));
        d.finish()
    }
}
