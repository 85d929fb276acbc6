//! One signal's OTLP settings (`Transport`), applied to the upstream HTTP/JSON builder or
//! to our own exporter's transport (`ours.rs`): the endpoint's reachability, the
//! compression this build has, the PEM files, gRPC metadata and TLS, the HTTP client.

use opentelemetry_otlp::ExporterBuildError;
#[cfg(feature = "http-json")]
use opentelemetry_otlp::WithExportConfig;
#[cfg(feature = "http-json")]
use opentelemetry_otlp::{Protocol, WithHttpConfig};

use crate::InitError;
use crate::config::{Compression, OtlpSignalConfig};
use crate::env::Warnings;
#[cfg(feature = "__http")]
use crate::export_runtime::ExportRuntime;
#[cfg(feature = "__http")]
use crate::http_client::ClientTls;
#[cfg(feature = "__http")]
use crate::http_client::ExplainingClient;
#[cfg(feature = "__http")]
pub(crate) use crate::http_client::HttpClients;
use crate::signal::Signal;

/// Without OTLP/HTTP there are no clients to share: the exporters' signatures stay the
/// same in every build.
#[cfg(not(feature = "__http"))]
#[derive(Default)]
pub(crate) struct HttpClients(());

/// One signal's OTLP settings.
pub(super) struct Transport<'a> {
    pub(super) config: &'a OtlpSignalConfig,
    pub(super) signal: Signal,
}

impl Transport<'_> {
    pub(super) fn error(&self, source: ExporterBuildError) -> InitError {
        InitError::Exporter {
            signal: self.signal,
            source,
        }
    }

    /// Whether the endpoint's scheme is `https` (in any case, as `http::Uri` reads it).
    pub(super) fn is_https(&self) -> bool {
        self.config
            .endpoint
            .parse::<http::Uri>()
            .is_ok_and(|u| u.scheme() == Some(&http::uri::Scheme::HTTPS))
    }

    /// `false`, with a warning, when this build cannot reach the endpoint: `https://`
    /// needs a TLS feature (without one, the upstream exporter would fail to build, or
    /// the gRPC one panic looking for a crypto provider).
    pub(super) fn reachable(&self, warnings: &mut Warnings) -> bool {
        if self.is_https() && !cfg!(feature = "__tls") {
            warnings.push(
                self.signal_var("ENDPOINT"),
                self.config.endpoint.clone(),
                format!(
                    "is https, and this build of otel-kit-init has no TLS (cargo feature `tls-ring` or `tls-aws-lc`); {} are not exported",
                    self.signal.as_str()
                ),
            );
            return false;
        }
        true
    }

    /// The configured compression, if this build has it for the transport in use.
    pub(super) fn compression(&self, warnings: &mut Warnings) -> Option<opentelemetry_otlp::Compression> {
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

    pub(super) fn signal_var(&self, suffix: &str) -> String {
        format!(
            "OTEL_EXPORTER_OTLP_{}_{suffix} (or OTEL_EXPORTER_OTLP_{suffix})",
            self.signal.env_name()
        )
    }

    /// Reads the PEM files; an unreadable file is warned about and left out, so the
    /// application starts and the export fails visibly instead.
    #[cfg_attr(not(feature = "__tls"), allow(dead_code))]
    pub(super) fn read_tls(&self, warnings: &mut Warnings) -> (Option<Pem>, Option<(Pem, Pem)>) {
        let mut read = |path: &std::path::Path, suffix: &str| match read_capped(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                warnings.push(
                    self.signal_var(suffix),
                    path.display().to_string(),
                    format!("cannot be read ({e}); it is ignored"),
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

/// OTLP/gRPC.
#[cfg(feature = "grpc")]
impl Transport<'_> {
    /// The configured headers as gRPC metadata (a name or value gRPC cannot carry is
    /// left out).
    pub(super) fn metadata(&self) -> tonic::metadata::MetadataMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in &self.config.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(k.as_bytes()),
                http::HeaderValue::from_str(v),
            ) {
                map.insert(name, value);
            }
        }
        tonic::metadata::MetadataMap::from_headers(map)
    }

    /// For an `https://` endpoint: the system roots, plus the configured CA and the
    /// client identity when their PEM files are readable. (Left to itself, the upstream
    /// exporter would verify an `https://` endpoint against no roots at all.)
    #[cfg(feature = "__tls")]
    pub(super) fn tonic_tls(&self, warnings: &mut Warnings) -> Option<tonic::transport::ClientTlsConfig> {
        let (ca, identity) = self.read_tls(warnings);
        if !self.is_https() && ca.is_none() && identity.is_none() {
            return None;
        }
        let mut tls = tonic::transport::ClientTlsConfig::new().with_enabled_roots();
        if let Some(ca) = ca {
            tls = tls.ca_certificate(tonic::transport::Certificate::from_pem(ca));
        }
        if let Some((cert, key)) = identity {
            tls = tls.identity(tonic::transport::Identity::from_pem(cert, key));
        }
        Some(tls)
    }
}

/// OTLP/HTTP with JSON bodies: opentelemetry-otlp's exporter.
#[cfg(feature = "http-json")]
impl Transport<'_> {
    /// Encoding, endpoint, timeout, headers, compression and the client; `None`, with a
    /// warning, when there is no client to send with.
    pub(super) fn http<B: WithHttpConfig + WithExportConfig>(
        &self,
        builder: B,
        runtime: Option<&ExportRuntime>,
        clients: &mut HttpClients,
        warnings: &mut Warnings,
    ) -> Option<B> {
        let client = self.http_client(runtime, clients, warnings)?;
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

/// OTLP/HTTP, protobuf or JSON: the client.
#[cfg(feature = "__http")]
impl Transport<'_> {
    /// The client for this signal's endpoint and TLS, its requests run on the export
    /// runtime; `None`, with a warning, when there is none to send with.
    pub(super) fn http_client(
        &self,
        runtime: Option<&ExportRuntime>,
        clients: &mut HttpClients,
        warnings: &mut Warnings,
    ) -> Option<ExplainingClient> {
        // Started for every OTLP exporter (`builder::start`), so a last guard only.
        let Some(runtime) = runtime else {
            warnings.push(
                self.signal_var("ENDPOINT"),
                self.config.endpoint.clone(),
                format!(
                    "has no export runtime to send from; {} are not exported",
                    self.signal.as_str()
                ),
            );
            return None;
        };
        let (ca, identity) = self.read_tls(warnings);
        let tls = if self.is_https() {
            ClientTls::Https {
                ca: ca.as_deref(),
                identity: identity.as_ref().map(|(c, k)| (c.as_slice(), k.as_slice())),
            }
        } else {
            ClientTls::PlainHttp
        };
        // Always ours: this build has no client of opentelemetry-otlp's own to fall back to.
        match clients.get(self.config.timeout, tls, runtime.handle().clone()) {
            Ok((client, problems)) => {
                for (suffix, why) in problems {
                    warnings.push(self.signal_var(suffix), String::new(), why);
                }
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
type Pem = Vec<u8>;

/// PEM files are small; a huge file is a mistake, not a certificate.
fn read_capped(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::new();
    std::fs::File::open(path)?
        .take(1024 * 1024)
        .read_to_end(&mut out)?;
    Ok(out)
}

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
