//! [`ExporterBuilder`]: one signal's exporter settings, given explicitly (no
//! environment is read), checked when the exporter is built. The settings every signal
//! shares are set here; what a signal adds (the metric temporality and exemplars) is set
//! on its own marker's builder, and each signal's `build` is beside its exporter
//! (`proto_export/`).

use std::path::PathBuf;
use std::time::Duration;

use otel_kit_core::otlp::{Compression, DynamicHeaders, Pem, Protocol};

use crate::export_settings::settings::ExportSettings;

use crate::transport::export_runtime::{ExportRuntime, RuntimeRef};

/// The settings of one signal's OTLP exporter: protocol, endpoint, headers, timeout,
/// compression and TLS. `S` is the signal ([`SpanExport`], [`LogExport`] or [`MetricExport`]); each
/// has its `build`. Nothing is checked until then, and nothing is read from the
/// environment: otel-kit-init does that, and gives what it read to this builder.
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_otlp::{Compression, Protocol, SpanExporter};
///
/// let exporter = SpanExporter::builder()
///     .with_protocol(Protocol::Grpc)
///     .with_endpoint("http://collector:4317")
///     .with_header("x-tenant", "acme")
///     .with_timeout(Duration::from_secs(5))
///     .with_compression(Compression::Gzip)
///     .build()?;
/// # drop(exporter);
/// # Ok::<(), otel_kit_otlp::BuildError>(())
/// ```
#[derive(Clone)]
pub struct ExporterBuilder<S> {
    pub(crate) settings: ExportSettings,
    /// The export runtime shared with other exporters; `None`, one of the exporter's own.
    pub(crate) runtime: Option<RuntimeRef>,
    pub(crate) signal: S,
}

/// The signal of an [`ExporterBuilder`] of [`SpanExporter`](crate::SpanExporter)s.
///
/// ```
/// use otel_kit_otlp::{ExporterBuilder, SpanExporter, SpanExport};
///
/// let builder: ExporterBuilder<SpanExport> = SpanExporter::builder();
/// # drop(builder);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SpanExport;

/// The signal of an [`ExporterBuilder`] of [`LogExporter`](crate::LogExporter)s.
///
/// ```
/// use otel_kit_otlp::{ExporterBuilder, LogExporter, LogExport};
///
/// let builder: ExporterBuilder<LogExport> = LogExporter::builder();
/// # drop(builder);
/// ```
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct LogExport;

/// The signal of an [`ExporterBuilder`] of [`MetricExporter`](crate::MetricExporter)s,
/// with what only metrics have: the temporality and the exemplar reservoirs.
///
/// ```
/// use otel_kit_otlp::{ExporterBuilder, MetricExporter, MetricExport};
///
/// let builder: ExporterBuilder<MetricExport> = MetricExporter::builder();
/// # drop(builder);
/// ```
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
#[derive(Debug, Clone, Default)]
pub struct MetricExport {
    pub(crate) temporality: opentelemetry_sdk::metrics::Temporality,
    pub(crate) exemplars: Option<std::sync::Arc<otel_kit_core::__private::exemplar::Reservoirs>>,
}

impl<S: Default> ExporterBuilder<S> {
    /// The defaults: http/protobuf when built in (else gRPC), the protocol's default
    /// endpoint on localhost, no headers, a 10 s timeout, no compression, the system's
    /// roots for `https://`, an export runtime of the exporter's own.
    pub(crate) fn new() -> Self {
        let protocol = if cfg!(feature = "http-proto") || !cfg!(feature = "grpc") {
            Protocol::HttpProtobuf
        } else {
            Protocol::Grpc
        };
        ExporterBuilder {
            settings: ExportSettings {
                endpoint: None,
                ..ExportSettings::new(protocol, "")
            },
            runtime: None,
            signal: S::default(),
        }
    }
}

impl<S> ExporterBuilder<S> {
    /// The transport and encoding.
    pub fn with_protocol(mut self, protocol: Protocol) -> Self {
        self.settings.protocol = protocol;
        self
    }

    /// Where to send: for gRPC the collector's URL (`http://collector:4317`), for
    /// HTTP/protobuf the full URL of the signal's export (`http://collector:4318/v1/traces`).
    /// `https://` needs the `tls-ring` or `tls-aws-lc` cargo feature.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.endpoint = Some(endpoint.into());
        self
    }

    /// A header (gRPC metadata) sent with every request; a `user-agent` replaces ours.
    /// Names and values are checked when the exporter is built.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.headers.push((name.into(), value.into()));
        self
    }

    /// Headers sent with every request, after those already given.
    pub fn with_headers<K: Into<String>, V: Into<String>>(
        mut self,
        headers: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.settings
            .headers
            .extend(headers.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The longest one export may take, retries included (default 10 s; zero is refused).
    /// It bounds everything the export waits for: the TCP connect, a proxy's `CONNECT`
    /// reply, the TLS handshake and the answer; each retry gets only the time left. A
    /// gRPC attempt cut off by it drops its connection, so that a collector that
    /// vanished without a reset is not asked again on the same one.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use otel_kit_otlp::SpanExporter;
    ///
    /// let exporter = SpanExporter::builder().with_timeout(Duration::from_secs(3)).build()?;
    /// # drop(exporter);
    /// # Ok::<(), otel_kit_otlp::BuildError>(())
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Compresses every request.
    pub fn with_compression(mut self, compression: Compression) -> Self {
        self.settings.compression = Some(compression);
        self
    }

    /// CA certificates (PEM, any number) trusted beside the system's roots to verify
    /// the collector.
    ///
    /// ```no_run
    /// use otel_kit_otlp::SpanExporter;
    ///
    /// let exporter = SpanExporter::builder()
    ///     .with_endpoint("https://collector:4318/v1/traces")
    ///     .with_ca_certificate(std::fs::read("/etc/otel/ca.pem")?)
    ///     .with_client_identity(std::fs::read("/etc/otel/client.pem")?, std::fs::read("/etc/otel/client.key")?)
    ///     .build()?;
    /// # drop(exporter);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_ca_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.settings.ca_certificate = Some(Pem::Bytes(pem.into()));
        self
    }

    /// The certificate chain and private key (PEM) the exporter presents to a
    /// collector that asks for one (mutual TLS).
    pub fn with_client_identity(
        mut self,
        certificate_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.settings.client_identity =
            Some((Pem::Bytes(certificate_pem.into()), Pem::Bytes(key_pem.into())));
        self
    }

    /// CA certificates (PEM) read from `path`, and read again when the file changes (see
    /// [`with_credentials_check_interval`](Self::with_credentials_check_interval)), so
    /// that a rotated CA is trusted without a restart. A file that cannot be read or
    /// used is a [`BuildWarning`](crate::BuildWarning) (the system's roots are used
    /// until it can be); a changed file that cannot be used is a warning, and the
    /// previous CA stays in use.
    ///
    /// ```no_run
    /// use otel_kit_otlp::SpanExporter;
    ///
    /// let exporter = SpanExporter::builder()
    ///     .with_endpoint("https://collector:4318/v1/traces")
    ///     .with_ca_certificate_file("/etc/otel/tls/ca.crt")
    ///     .with_client_identity_files("/etc/otel/tls/tls.crt", "/etc/otel/tls/tls.key")
    ///     .build()?;
    /// # drop(exporter);
    /// # Ok::<(), otel_kit_otlp::BuildError>(())
    /// ```
    pub fn with_ca_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.ca_certificate = Some(Pem::File(path.into()));
        self
    }

    /// The client's certificate chain and private key (PEM) read from these files, and
    /// read again when they change, as [`with_ca_certificate_file`](Self::with_ca_certificate_file).
    /// Until the pair can be used (a key that does not match its certificate half-way
    /// through a rotation), the previous pair stays in use.
    pub fn with_client_identity_files(
        mut self,
        certificate_path: impl Into<PathBuf>,
        key_path: impl Into<PathBuf>,
    ) -> Self {
        self.settings.client_identity =
            Some((Pem::File(certificate_path.into()), Pem::File(key_path.into())));
        self
    }

    /// A header (gRPC metadata) whose value is the content of the file at `path`
    /// (surrounding white space trimmed: a token file may end with a newline), read
    /// again when it changes: a bearer token that is renewed without a restart. The value
    /// is never printed. It replaces a header of the same name given otherwise. A file
    /// that cannot be read, is empty or holds a character a header cannot carry is a
    /// warning (the header is left out until it can be used, or keeps its last value).
    ///
    /// ```no_run
    /// use otel_kit_otlp::SpanExporter;
    ///
    /// let exporter = SpanExporter::builder()
    ///     .with_endpoint("https://otlp.vendor.io/v1/traces")
    ///     .with_header_file("authorization", "/var/run/secrets/otlp/authorization")
    ///     .build()?;
    /// # drop(exporter);
    /// # Ok::<(), otel_kit_otlp::BuildError>(())
    /// ```
    pub fn with_header_file(mut self, name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.settings.header_files.push((name.into(), path.into()));
        self
    }

    /// Headers made by `source` before each export request: a token the application
    /// rotates (read from a secret store's cache). The function runs on a blocking
    /// thread of the export runtime, never on a request's thread, one call at a time;
    /// an export waits for it at most 2 s, and until a call returns (or after one
    /// panics) the headers of the last call that returned are sent. A made header
    /// replaces one of the same name given otherwise; one that HTTP cannot carry is
    /// left out with a warning naming it. Values are never printed.
    ///
    /// ```no_run
    /// use otel_kit_otlp::{DynamicHeaders, SpanExporter};
    ///
    /// fn current_token() -> String {
    ///     "t0ken".to_owned() // from the application's secret cache
    /// }
    ///
    /// let exporter = SpanExporter::builder()
    ///     .with_endpoint("https://otlp.vendor.io/v1/traces")
    ///     .with_dynamic_headers(DynamicHeaders::new(|| vec![("authorization".to_owned(), format!("Bearer {}", current_token()))]))
    ///     .build()?;
    /// # drop(exporter);
    /// # Ok::<(), otel_kit_otlp::BuildError>(())
    /// ```
    pub fn with_dynamic_headers(mut self, source: DynamicHeaders) -> Self {
        self.settings.dynamic_headers = Some(source);
        self
    }

    /// How often the files of [`with_ca_certificate_file`](Self::with_ca_certificate_file),
    /// [`with_client_identity_files`](Self::with_client_identity_files) and
    /// [`with_header_file`](Self::with_header_file) are read again (default 10 s; less than
    /// [`MIN_CREDENTIALS_CHECK_INTERVAL`](crate::MIN_CREDENTIALS_CHECK_INTERVAL), 100 ms, is
    /// refused). A change is in use at most this long after it is written: new
    /// connections use the new TLS material and the older connections are closed; a new
    /// header value goes with the next request.
    pub fn with_credentials_check_interval(mut self, every: Duration) -> Self {
        self.settings.credentials_check_interval = every;
        self
    }

    /// Sends through `proxy` when it applies to the endpoint (the `proxy` cargo feature;
    /// without this, directly). The environment's `HTTPS_PROXY` and friends are
    /// otel-kit-init's to read: this crate reads no environment.
    ///
    /// ```
    /// use otel_kit_otlp::{Proxy, SpanExporter};
    ///
    /// let exporter = SpanExporter::builder()
    ///     .with_endpoint("https://otlp.vendor.io/v1/traces")
    ///     .with_proxy(Proxy::new("http://proxy.corp:3128")?.no_proxy("localhost"))
    ///     .build()?;
    /// # drop(exporter);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn with_proxy(mut self, proxy: crate::Proxy) -> Self {
        self.settings.proxy = Some(proxy);
        self
    }

    /// Sends from `runtime`'s thread, shared with the other exporters given it, instead
    /// of a thread of this exporter's own.
    pub fn with_export_runtime(mut self, runtime: &ExportRuntime) -> Self {
        self.runtime = Some(runtime.shared().clone());
        self
    }
}

#[cfg(feature = "metrics")]
impl ExporterBuilder<MetricExport> {
    /// The temporality the exporter asks of the SDK's aggregation (default cumulative).
    pub fn with_temporality(mut self, temporality: opentelemetry_sdk::metrics::Temporality) -> Self {
        self.signal.temporality = temporality;
        self
    }

    /// Writes the exemplars these reservoirs keep onto histogram, sum and gauge points:
    /// those of an [`ExemplarMeterProvider`](crate::exemplar::ExemplarMeterProvider)
    /// (`provider.reservoirs()`), since opentelemetry_sdk 0.33 records none.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
    /// use otel_kit_otlp::exemplar::{ExemplarFilter, ExemplarMeterProvider, Reservoirs};
    /// use otel_kit_otlp::MetricExporter;
    ///
    /// // The exporter holds the reservoirs before the provider that fills them exists.
    /// let reservoirs = Arc::new(Reservoirs::new(ExemplarFilter::TraceBased));
    /// let exporter = MetricExporter::builder().with_exemplars(Arc::clone(&reservoirs)).build()?;
    /// let sdk = SdkMeterProvider::builder()
    ///     .with_reader(PeriodicReader::builder(exporter).build())
    ///     .build();
    /// let provider = ExemplarMeterProvider::with_reservoirs(sdk, reservoirs);
    /// # drop(provider);
    /// # Ok::<(), otel_kit_otlp::BuildError>(())
    /// ```
    pub fn with_exemplars(
        mut self,
        reservoirs: std::sync::Arc<otel_kit_core::__private::exemplar::Reservoirs>,
    ) -> Self {
        self.signal.exemplars = Some(reservoirs);
        self
    }
}

/// [`ExportSettings`]' `Debug`: header names only, the endpoint without its user info
/// or query.
impl<S: std::fmt::Debug> std::fmt::Debug for ExporterBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExporterBuilder")
            .field("settings", &self.settings)
            .field("shared_runtime", &self.runtime.is_some())
            .field("signal", &self.signal)
            .finish()
    }
}
