//! One signal's OTLP settings (`Transport`), applied to otel-kit-otlp's builders or to the
//! upstream HTTP/JSON builder: the endpoint's reachability, the compression this build
//! has, the PEM files, the HTTP client, and the builders' warnings and errors in terms of
//! the `OTEL_EXPORTER_OTLP_*` variables.

use opentelemetry_otlp::ExporterBuildError;
#[cfg(feature = "http-json")]
use opentelemetry_otlp::WithExportConfig;
#[cfg(feature = "http-json")]
use opentelemetry_otlp::{Protocol, WithHttpConfig};
#[cfg(any(feature = "grpc", feature = "http-proto"))]
use otel_kit_otlp::{BuildError, ExporterBuilder};
use otel_kit_otlp::{BuildWarning, CertificateSetting, ExportRuntime};

use crate::InitError;
use crate::Signal;
use crate::config::{Compression, OtlpSignalConfig};
use crate::env::Warnings;

/// One signal's OTLP settings.
pub(crate) struct Transport<'a> {
    pub(super) config: &'a OtlpSignalConfig,
    pub(super) signal: Signal,
    /// The proxy of every signal, when one is configured.
    #[cfg(feature = "proxy")]
    pub(super) proxy: Option<&'a otel_kit_otlp::Proxy>,
}

impl Transport<'_> {
    pub(super) fn error(&self, source: ExporterBuildError) -> InitError {
        InitError::Exporter {
            signal: self.signal,
            source,
        }
    }

    /// Whether the endpoint's scheme is `https` (in any case, as `http::Uri` reads it).
    fn is_https(&self) -> bool {
        self.config.is_https()
    }

    /// The endpoint as warnings show it: without user info or query.
    fn shown_endpoint(&self) -> String {
        otel_kit_otlp::printable_endpoint(&self.config.endpoint)
    }

    /// The export runtime, or `None` with a warning when this build cannot reach the
    /// endpoint or there is no runtime to send from (it is started for every OTLP
    /// exporter, `builder::start`, so that is a last guard).
    pub(super) fn usable<'r>(
        &self,
        runtime: Option<&'r ExportRuntime>,
        warnings: &mut Warnings,
    ) -> Option<&'r ExportRuntime> {
        if !self.reachable(warnings) {
            return None;
        }
        if runtime.is_none() {
            warnings.push(
                self.signal_var("ENDPOINT"),
                self.shown_endpoint(),
                format!(
                    "has no export runtime to send from; {} are not exported",
                    self.signal.as_str()
                ),
            );
        }
        runtime
    }

    /// `false`, with a warning, when this build cannot reach the endpoint: `https://`
    /// needs a TLS feature (without one, the upstream exporter would fail to build, and
    /// ours refuses it).
    fn reachable(&self, warnings: &mut Warnings) -> bool {
        if self.is_https() && !cfg!(feature = "__tls") {
            warnings.push(
                self.signal_var("ENDPOINT"),
                self.shown_endpoint(),
                format!(
                    "is https, and this build of otel-kit-init has no TLS (cargo feature `tls-ring` or `tls-aws-lc`); {} are not exported",
                    self.signal.as_str()
                ),
            );
            return false;
        }
        true
    }

    /// The configured compression, if this build has it.
    fn compression(&self, warnings: &mut Warnings) -> Option<opentelemetry_otlp::Compression> {
        let Compression::Gzip = self.config.compression?;
        if !cfg!(feature = "gzip") {
            warnings.push(
                format!(
                    "OTEL_EXPORTER_OTLP_{}_COMPRESSION (or OTEL_EXPORTER_OTLP_COMPRESSION)",
                    self.signal.env_name()
                ),
                "gzip".to_owned(),
                "needs otel-kit-init's `gzip` cargo feature, which this build lacks; sending uncompressed",
            );
            return None;
        }
        Some(opentelemetry_otlp::Compression::Gzip)
    }

    fn signal_var(&self, suffix: &str) -> String {
        format!(
            "OTEL_EXPORTER_OTLP_{}_{suffix} (or OTEL_EXPORTER_OTLP_{suffix})",
            self.signal.env_name()
        )
    }

    /// A warning for each file the exporter or client was built without (or could
    /// not use), naming the variable that set it and the file. The signals that share a
    /// variable share its warning: it is said once.
    fn left_out(&self, left_out: Vec<BuildWarning>, warnings: &mut Warnings) {
        let vars = &self.config.tls_vars;
        for w in left_out {
            let (variable, value) = match w.setting {
                CertificateSetting::CaCertificate => {
                    (vars.certificate.clone(), self.config.certificate.as_deref())
                }
                CertificateSetting::ClientIdentity => (
                    vars.client_certificate.clone(),
                    self.config.client_certificate.as_deref(),
                ),
                CertificateSetting::ClientKey => (vars.client_key.clone(), self.config.client_key.as_deref()),
                _ => (None, None),
            };
            let (variable, value) = match (variable, w.setting) {
                (Some(variable), _) => (variable, value.map(|p| p.display().to_string())),
                (None, CertificateSetting::CaCertificate) => (self.signal_var("CERTIFICATE"), None),
                (None, CertificateSetting::ClientIdentity) => (self.signal_var("CLIENT_CERTIFICATE"), None),
                (None, CertificateSetting::ClientKey) => (self.signal_var("CLIENT_KEY"), None),
                (None, _) => (self.header_files_var(), None),
            };
            let warning = crate::env::ConfigWarning::new(variable, value.unwrap_or_default(), w.why);
            if !warnings.0.contains(&warning) {
                warnings.0.push(warning);
            }
        }
    }

    fn header_files_var(&self) -> String {
        format!(
            "OTEL_KIT_EXPORTER_OTLP_{}_HEADERS_FILE (or OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE)",
            self.signal.env_name()
        )
    }

    /// Reads the PEM files (for the upstream HTTP/JSON exporter, whose client takes
    /// bytes); an unreadable file is warned about and left out, so the application
    /// starts and the export fails visibly instead.
    #[cfg(feature = "http-json")]
    fn read_tls(&self, warnings: &mut Warnings) -> (Option<Pem>, Option<(Pem, Pem)>) {
        // The exporters' own reader: a regular file only, opened without blocking (a FIFO
        // would hold `init()`), at most 1 MiB.
        let mut read = |path: &std::path::Path, suffix: &str| match otel_kit_otlp::read_credential_file(path)
        {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                warnings.push(
                    self.signal_var(suffix),
                    path.display().to_string(),
                    format!("{e}; it is ignored"),
                );
                None
            }
        };
        let ca = self
            .config
            .certificate
            .as_deref()
            .and_then(|p| read(p, "CERTIFICATE"));
        let identity = match (&self.config.client_certificate, &self.config.client_key) {
            (Some(c), Some(k)) => match (read(c, "CLIENT_CERTIFICATE"), read(k, "CLIENT_KEY")) {
                (Some(c), Some(k)) => Some((c, k)),
                _ => None,
            },
            _ => None,
        };
        (ca, identity)
    }
}

/// OTLP/gRPC and OTLP/HTTP with protobuf bodies: otel-kit-otlp's exporters.
#[cfg(any(feature = "grpc", feature = "http-proto"))]
impl Transport<'_> {
    /// `builder` with this signal's settings, sending from `runtime`. A header gRPC or
    /// HTTP cannot carry is left out (as opentelemetry-otlp does), and an unreadable PEM
    /// file with a warning; the builder refuses nothing else the configuration lets by.
    pub(super) fn ours<S>(
        &self,
        builder: ExporterBuilder<S>,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> ExporterBuilder<S> {
        let protocol = match self.config.protocol {
            crate::config::OtlpProtocol::Grpc => otel_kit_otlp::Protocol::Grpc,
            _ => otel_kit_otlp::Protocol::HttpProtobuf,
        };
        let headers = self.config.headers.iter().filter(|(k, v)| {
            http::HeaderName::from_bytes(k.as_bytes()).is_ok() && http::HeaderValue::from_str(v).is_ok()
        });
        let mut b = builder
            .with_protocol(protocol)
            .with_endpoint(self.config.endpoint.clone())
            .with_headers(headers.cloned())
            .with_timeout(self.config.timeout)
            .with_credentials_check_interval(self.config.credentials_check_interval)
            .with_export_runtime(runtime);
        for (name, path) in &self.config.header_files {
            b = b.with_header_file(name.clone(), path.clone());
        }
        if self.compression(warnings).is_some() {
            b = b.with_compression(otel_kit_otlp::Compression::Gzip);
        }
        // The files themselves, read (and read again when they change) by the exporter.
        if let Some(ca) = &self.config.certificate {
            b = b.with_ca_certificate_file(ca.clone());
        }
        #[cfg(feature = "proxy")]
        if let Some(proxy) = self.proxy {
            b = b.with_proxy(proxy.clone());
        }
        if let (Some(cert), Some(key)) = (&self.config.client_certificate, &self.config.client_key) {
            b = b.with_client_identity_files(cert.clone(), key.clone());
        }
        b
    }

    /// The exporter, with a warning for each certificate it was built without; `None`,
    /// with a warning, when OTLP/HTTP has no client to send with.
    pub(super) fn built<E>(
        &self,
        result: Result<(E, Vec<BuildWarning>), BuildError>,
        warnings: &mut Warnings,
    ) -> Result<Option<E>, InitError> {
        match result {
            Ok((exporter, left_out)) => {
                self.left_out(left_out, warnings);
                Ok(Some(exporter))
            }
            Err(BuildError::Tls { why, .. })
                if self.config.protocol == crate::config::OtlpProtocol::HttpProtobuf =>
            {
                warnings.push(
                    self.signal_var("CERTIFICATE"),
                    String::new(),
                    format!(
                        "could not be used to build the HTTP client ({why}); {} are not exported",
                        self.signal.as_str()
                    ),
                );
                Ok(None)
            }
            Err(BuildError::NotBuiltIn { .. }) => {
                self.not_built_in(warnings);
                Ok(None)
            }
            Err(BuildError::ExportThread(e)) => Err(InitError::ExportThread(e)),
            Err(e) => Err(self.error(ExporterBuildError::InvalidConfiguration(e.to_string()))),
        }
    }
}

/// OTLP/HTTP with JSON bodies: opentelemetry-otlp's exporter.
#[cfg(feature = "http-json")]
impl Transport<'_> {
    /// The upstream exporter `built` (`None` when [`Self::http`] had no client), as the
    /// signal's exporter `wrap` makes of it, or the build's error.
    pub(super) fn upstream_built<X, E>(
        &self,
        built: Option<Result<X, ExporterBuildError>>,
        wrap: fn(X) -> E,
    ) -> Result<Option<E>, InitError> {
        built
            .transpose()
            .map(|exporter| exporter.map(wrap))
            .map_err(|e| self.error(e))
    }

    /// Encoding, endpoint, timeout, headers, compression and the client; `None`, with a
    /// warning, when there is no client to send with.
    pub(super) fn http<B: WithHttpConfig + WithExportConfig>(
        &self,
        builder: B,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> Option<B> {
        let client = self.http_client(runtime, warnings)?;
        let mut b = builder
            .with_protocol(Protocol::HttpJson)
            .with_endpoint(self.config.endpoint.clone())
            .with_timeout(self.config.timeout)
            .with_headers(self.config.headers.iter().cloned().collect());
        if let Some(c) = self.compression(warnings) {
            b = b.with_compression(c);
        }
        Some(b.with_http_client(client))
    }
}

/// OTLP/HTTP with JSON bodies: the client.
#[cfg(feature = "http-json")]
impl Transport<'_> {
    /// otel-kit-otlp's client for this signal's endpoint and TLS, its requests run on
    /// the export runtime; `None`, with a warning, when there is none to send with.
    fn http_client(
        &self,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> Option<otel_kit_otlp::ExplainingClient> {
        use otel_kit_otlp::ClientTls;

        if !self.config.header_files.is_empty() {
            warnings.push(
                self.header_files_var(),
                String::new(),
                "is not supported with OTEL_EXPORTER_OTLP_PROTOCOL=http/json; those headers are not sent (use http/protobuf or grpc)",
            );
        }
        // The scheme decides: the PEM files of an http:// endpoint are not used.
        if !self.is_https() {
            let unused = [
                self.config
                    .certificate
                    .as_ref()
                    .map(|_| CertificateSetting::CaCertificate),
                self.config
                    .client_certificate
                    .as_ref()
                    .map(|_| CertificateSetting::ClientIdentity),
            ];
            let unused = unused.into_iter().flatten().map(|setting| BuildWarning {
                setting,
                why: "is ignored: the endpoint is http://, which sends in plaintext (use an https:// endpoint for TLS)".to_owned(),
            });
            self.left_out(unused.collect(), warnings);
        }
        let (ca, identity) = if self.is_https() {
            self.read_tls(warnings)
        } else {
            (None, None)
        };
        let tls = if self.is_https() {
            ClientTls::Https {
                ca: ca.as_deref(),
                identity: identity.as_ref().map(|(c, k)| (c.as_slice(), k.as_slice())),
            }
        } else {
            ClientTls::PlainHttp
        };
        // Always otel-kit-otlp's: this build has no client of opentelemetry-otlp's own.
        #[cfg(feature = "proxy")]
        let client = match (self.proxy, self.config.endpoint.parse::<http::Uri>()) {
            (Some(proxy), Ok(endpoint)) => {
                runtime.http_client_via(self.config.timeout, tls, proxy, &endpoint)
            }
            _ => runtime.http_client(self.config.timeout, tls),
        };
        #[cfg(not(feature = "proxy"))]
        let client = runtime.http_client(self.config.timeout, tls);
        match client {
            Ok((client, left_out)) => {
                self.left_out(left_out, warnings);
                Some(client)
            }
            Err(e) => {
                warnings.push(
                    self.signal_var("CERTIFICATE"),
                    String::new(),
                    format!(
                        "could not be used to build the HTTP client ({e}); {} are not exported",
                        self.signal.as_str()
                    ),
                );
                None
            }
        }
    }
}

/// The bytes of a PEM file.
#[cfg(feature = "http-json")]
type Pem = Vec<u8>;

impl Transport<'_> {
    /// The protocol is not in this build. The configuration replaces such a protocol
    /// (`config::otlp`) or, in a build without any transport, drops the OTLP exporter
    /// (`config::exporters`), so this is a last guard, not a path taken.
    #[cfg_attr(
        all(feature = "grpc", feature = "http-proto", feature = "http-json"),
        allow(dead_code)
    )]
    pub(super) fn not_built_in(&self, warnings: &mut Warnings) {
        warnings.push(
            format!(
                "OTEL_EXPORTER_OTLP_{}_PROTOCOL (or OTEL_EXPORTER_OTLP_PROTOCOL)",
                self.signal.env_name()
            ),
            self.config.protocol.as_str(),
            format!(
                "needs otel-kit-init's `{}` cargo feature, which this build lacks; {} are not exported",
                self.config.protocol.cargo_feature(),
                self.signal.as_str()
            ),
        );
    }
}
