//! The OTLP vocabulary every crate of the kit speaks: the [`Signal`]s, the [`Protocol`]s,
//! the request [`Compression`], the TLS material ([`Pem`]) and the headers made at each
//! export ([`DynamicHeaders`]), defined once for the exporters (otel-kit-otlp), their
//! configuration (otel-kit-init) and the test collector (otel-kit-testing).

use std::fmt;

/// Traces, metrics or logs.
///
/// ```
/// use otel_kit_core::otlp::Signal;
///
/// assert_eq!(Signal::Traces.to_string(), "traces");
/// assert_eq!(Signal::Metrics.env_name(), "METRICS");
/// assert_eq!(Signal::Logs.http_path(), "v1/logs");
/// assert_eq!(Signal::ALL, [Signal::Traces, Signal::Metrics, Signal::Logs]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Spans: `/v1/traces`, `TraceService/Export`.
    Traces,
    /// Metrics: `/v1/metrics`, `MetricsService/Export`.
    Metrics,
    /// Log records: `/v1/logs`, `LogsService/Export`.
    Logs,
}

impl Signal {
    /// The three, in the order the specification lists them.
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// `traces`, `metrics` or `logs`: how warnings and errors name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        }
    }

    /// `TRACES`, `METRICS` or `LOGS`, as in the per-signal variable names
    /// (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
    pub fn env_name(self) -> &'static str {
        match self {
            Signal::Traces => "TRACES",
            Signal::Metrics => "METRICS",
            Signal::Logs => "LOGS",
        }
    }

    /// The OTLP/HTTP path, `v1/traces` and so on.
    pub fn http_path(self) -> &'static str {
        match self {
            Signal::Traces => "v1/traces",
            Signal::Metrics => "v1/metrics",
            Signal::Logs => "v1/logs",
        }
    }

    /// One item of the signal: `span`, `metric` or `log`.
    ///
    /// ```
    /// assert_eq!(otel_kit_core::otlp::Signal::Traces.item(), "span");
    /// ```
    pub fn item(self) -> &'static str {
        match self {
            Signal::Traces => "span",
            Signal::Metrics => "metric",
            Signal::Logs => "log",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The OTLP transport and encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`).
///
/// ```
/// use otel_kit_core::otlp::Protocol;
///
/// assert_eq!(Protocol::HttpProtobuf.as_str(), "http/protobuf");
/// assert_eq!(Protocol::Grpc.default_port(), 4317);
/// assert_eq!(Protocol::HttpJson.to_string(), "http/json");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// OTLP/gRPC; default endpoint `http://localhost:4317`.
    Grpc,
    /// OTLP/HTTP with protobuf bodies (`application/x-protobuf`), the specification's
    /// default; default endpoint `http://localhost:4318/v1/<signal>`.
    HttpProtobuf,
    /// OTLP/HTTP with JSON bodies (`application/json`); default endpoint
    /// `http://localhost:4318/v1/<signal>`.
    HttpJson,
}

impl Protocol {
    /// The specification's name for it: `grpc`, `http/protobuf` or `http/json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::HttpJson => "http/json",
        }
    }

    /// The port of its default endpoint: 4317 for gRPC, 4318 for OTLP/HTTP.
    pub fn default_port(self) -> u16 {
        match self {
            Protocol::Grpc => 4317,
            Protocol::HttpProtobuf | Protocol::HttpJson => 4318,
        }
    }

    /// Whether it is OTLP/HTTP (an endpoint with a `/v1/<signal>` path).
    ///
    /// ```
    /// assert!(!otel_kit_core::otlp::Protocol::Grpc.is_http());
    /// ```
    pub fn is_http(self) -> bool {
        !matches!(self, Protocol::Grpc)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The compression of export requests (`OTEL_EXPORTER_OTLP_COMPRESSION`); no
/// compression is `None` where one is optional.
///
/// ```
/// use otel_kit_core::otlp::Compression;
///
/// assert_eq!(Compression::Gzip.as_str(), "gzip");
/// assert_eq!(Compression::Zstd.as_str(), "zstd");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// gzip.
    Gzip,
    /// Zstandard (RFC 8878). Not every collector accepts it (the OpenTelemetry
    /// Collector does).
    Zstd,
}

impl Compression {
    /// Its name in `content-encoding`, `grpc-encoding` and the variable: `gzip` or `zstd`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an OTLP endpoint's scheme is `https` (in any case, as `http::Uri` reads it):
/// only then are the TLS settings (CA and client certificate files) used.
///
/// ```
/// assert!(otel_kit_core::otlp::is_https("HTTPS://collector:4317"));
/// assert!(!otel_kit_core::otlp::is_https("http://collector:4318"));
/// assert!(!otel_kit_core::otlp::is_https("not a url"));
/// ```
pub fn is_https(endpoint: &str) -> bool {
    endpoint
        .parse::<http::Uri>()
        .is_ok_and(|u| u.scheme() == Some(&http::uri::Scheme::HTTPS))
}

/// PEM material for the exporters' TLS (a CA certificate, a client certificate chain or
/// its private key): a file, read again when it changes, or bytes given once (from a
/// secret store). `Debug` and `Display` never show the bytes.
///
/// ```
/// use otel_kit_core::otlp::Pem;
///
/// let key = Pem::from(b"-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n".to_vec());
/// assert_eq!(key.to_string(), "61 bytes of PEM");
/// assert!(!format!("{key:?}").contains("secret"));
/// assert_eq!(Pem::file("/etc/otel/ca.pem").to_string(), "/etc/otel/ca.pem");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Pem {
    /// A file, read again when it changes.
    File(std::path::PathBuf),
    /// Bytes given once.
    Bytes(Vec<u8>),
}

impl Pem {
    /// The PEM file at `path`.
    ///
    /// ```
    /// let ca = otel_kit_core::otlp::Pem::file("/etc/otel/ca.pem");
    /// # drop(ca);
    /// ```
    pub fn file(path: impl Into<std::path::PathBuf>) -> Self {
        Pem::File(path.into())
    }

    /// Whether it is a file (read again when it changes).
    ///
    /// ```
    /// use otel_kit_core::otlp::Pem;
    ///
    /// assert!(Pem::file("/etc/otel/ca.pem").is_file());
    /// assert!(!Pem::from(b"PEM".as_slice()).is_file());
    /// ```
    pub fn is_file(&self) -> bool {
        matches!(self, Pem::File(_))
    }
}

impl From<Vec<u8>> for Pem {
    fn from(bytes: Vec<u8>) -> Self {
        Pem::Bytes(bytes)
    }
}

impl From<&[u8]> for Pem {
    fn from(bytes: &[u8]) -> Self {
        Pem::Bytes(bytes.to_vec())
    }
}

impl fmt::Display for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::File(path) => write!(f, "{}", path.display()),
            Pem::Bytes(bytes) => write!(f, "{} bytes of PEM", bytes.len()),
        }
    }
}

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::File(path) => f.debug_tuple("File").field(path).finish(),
            Pem::Bytes(bytes) => write!(f, "Bytes(<{} bytes>)", bytes.len()),
        }
    }
}

/// Export request headers made by the application at each export: a token that rotates,
/// read from a secret store's cache. The function runs on the export runtime, never on
/// a request's thread, and at most one call at a time; a call that has not returned
/// within its deadline, or panicked, leaves the previous headers in use. Two sources are
/// equal only when they are clones of one another. `Debug` shows no header.
///
/// ```
/// use otel_kit_core::otlp::DynamicHeaders;
///
/// let source = DynamicHeaders::new(|| vec![("authorization".to_owned(), "Bearer t0ken".to_owned())]);
/// assert_eq!(source.call(), vec![("authorization".to_owned(), "Bearer t0ken".to_owned())]);
/// assert_eq!(source, source.clone());
/// assert!(!format!("{source:?}").contains("t0ken"));
/// ```
#[derive(Clone)]
pub struct DynamicHeaders(std::sync::Arc<dyn Fn() -> Vec<(String, String)> + Send + Sync>);

impl DynamicHeaders {
    /// Headers made by `make`, called before each export request.
    pub fn new(make: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static) -> Self {
        DynamicHeaders(std::sync::Arc::new(make))
    }

    /// The headers, made now (on the caller's thread).
    pub fn call(&self) -> Vec<(String, String)> {
        (self.0)()
    }
}

impl PartialEq for DynamicHeaders {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for DynamicHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DynamicHeaders(<fn>)")
    }
}
