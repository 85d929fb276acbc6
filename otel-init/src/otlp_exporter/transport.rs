//! Building the upstream OTLP exporters from a resolved [`OtlpSignalConfig`]: the
//! transport comes from the protocol (the upstream builders only pick the encoding), and
//! TLS from the PEM files. One function per signal; the transport settings they share are
//! applied by `Transport::grpc` and `Transport::http`, generic over the upstream
//! builders. Each transport is a cargo feature; the configuration has already replaced a
//! protocol this build lacks (`config::otlp`), and an endpoint this build cannot reach
//! (`https://` without a TLS feature) leaves the signal unexported with a warning.

#[cfg(feature = "grpc")]
use opentelemetry_otlp::WithTonicConfig;
use opentelemetry_otlp::{ExporterBuildError, WithExportConfig};
#[cfg(feature = "__http")]
use opentelemetry_otlp::{Protocol, WithHttpConfig};

use crate::InitError;
use crate::config::{Compression, OtlpProtocol, OtlpSignalConfig};
use crate::env::Warnings;
use crate::export_runtime::ExportRuntime;
#[cfg(feature = "__http")]
use crate::http_client::ClientTls;
#[cfg(feature = "__http")]
pub(crate) use crate::http_client::HttpClients;
use crate::signal::Signal;

/// Without OTLP/HTTP there are no clients to share: the exporters' signatures stay the
/// same in every build.
#[cfg(not(feature = "__http"))]
#[derive(Default)]
pub(crate) struct HttpClients(());

/// One signal's OTLP settings, applied to an upstream exporter builder.
struct Transport<'a> {
    config: &'a OtlpSignalConfig,
    signal: Signal,
}

impl Transport<'_> {
    fn error(&self, source: ExporterBuildError) -> InitError {
        InitError::Exporter {
            signal: self.signal,
            source,
        }
    }

    /// Whether the endpoint's scheme is `https` (in any case, as `http::Uri` reads it).
    fn is_https(&self) -> bool {
        self.config
            .endpoint
            .parse::<http::Uri>()
            .is_ok_and(|u| u.scheme() == Some(&http::uri::Scheme::HTTPS))
    }

    /// `false`, with a warning, when this build cannot reach the endpoint: `https://`
    /// needs a TLS feature (without one, the upstream exporter would fail to build, or
    /// the gRPC one panic looking for a crypto provider).
    fn reachable(&self, warnings: &mut Warnings) -> bool {
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

    /// Reads the PEM files; an unreadable file is warned about and left out, so the
    /// application starts and the export fails visibly instead.
    #[cfg_attr(not(feature = "__tls"), allow(dead_code))]
    fn read_tls(&self, warnings: &mut Warnings) -> (Option<Pem>, Option<(Pem, Pem)>) {
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
    /// Endpoint, timeout, metadata, compression and TLS.
    fn grpc<B: WithTonicConfig + WithExportConfig>(&self, builder: B, warnings: &mut Warnings) -> B {
        let mut b = builder
            .with_endpoint(self.config.endpoint.clone())
            .with_timeout(self.config.timeout)
            .with_metadata(self.metadata());
        if let Some(c) = self.compression(warnings) {
            b = b.with_compression(c);
        }
        #[cfg(feature = "__tls")]
        if let Some(tls) = self.tonic_tls(warnings) {
            b = b.with_tls_config(tls);
        }
        b
    }

    fn metadata(&self) -> tonic::metadata::MetadataMap {
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
    fn tonic_tls(&self, warnings: &mut Warnings) -> Option<tonic::transport::ClientTlsConfig> {
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

/// OTLP/HTTP, protobuf or JSON.
#[cfg(feature = "__http")]
impl Transport<'_> {
    /// The encoding: the configuration only names one this build has.
    fn http_protocol(&self) -> Protocol {
        #[cfg(feature = "http-json")]
        if self.config.protocol == OtlpProtocol::HttpJson {
            return Protocol::HttpJson;
        }
        #[cfg(feature = "http-proto")]
        return Protocol::HttpBinary;
        #[cfg(not(feature = "http-proto"))]
        Protocol::HttpJson
    }

    /// Encoding, endpoint, timeout, headers, compression and the client; `None`, with a
    /// warning, when there is no client to send with.
    fn http<B: WithHttpConfig + WithExportConfig>(
        &self,
        builder: B,
        runtime: Option<&ExportRuntime>,
        clients: &mut HttpClients,
        warnings: &mut Warnings,
    ) -> Option<B> {
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
        let mut b = builder
            .with_protocol(self.http_protocol())
            .with_endpoint(self.config.endpoint.clone())
            .with_timeout(self.config.timeout)
            .with_headers(self.config.headers.iter().cloned().collect());
        if let Some(c) = self.compression(warnings) {
            b = b.with_compression(c);
        }
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
                Some(b.with_http_client(client))
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

/// Builds on the export runtime when there is one: tonic spawns its connection tasks on
/// the current runtime, and they must not run on the application's.
#[cfg(feature = "grpc")]
fn on_runtime<T>(runtime: Option<&ExportRuntime>, build: impl FnOnce() -> T) -> T {
    match runtime {
        Some(rt) => rt.enter(build),
        None => build(),
    }
}

impl Transport<'_> {
    /// The protocol is not in this build. The configuration replaces such a protocol
    /// (`config::otlp`) or, in a build without any transport, drops the OTLP exporter
    /// (`config::exporters`), so this is a last guard, not a path taken.
    #[cfg_attr(
        all(feature = "grpc", feature = "http-proto", feature = "http-json"),
        allow(dead_code)
    )]
    fn not_built_in(&self, warnings: &mut Warnings) {
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

/// The OTLP span exporter, or `None` (with a warning) when this build cannot reach the
/// endpoint.
#[cfg_attr(not(feature = "__http"), allow(unused_variables))]
pub(crate) fn span_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<opentelemetry_otlp::SpanExporter>, InitError> {
    use opentelemetry_otlp::SpanExporter;
    let t = Transport {
        config,
        signal: Signal::Traces,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    let built = match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => {
            let builder = t.grpc(SpanExporter::builder().with_tonic(), warnings);
            on_runtime(runtime, || builder.build())
        }
        #[cfg(feature = "__http")]
        OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson => {
            match t.http(SpanExporter::builder().with_http(), runtime, clients, warnings) {
                Some(builder) => builder.build(),
                None => return Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            return Ok(None);
        }
    };
    built.map(Some).map_err(|e| t.error(e))
}

/// The OTLP metric exporter, or `None` (with a warning) when this build cannot reach
/// the endpoint.
#[cfg(feature = "metrics")]
#[cfg_attr(not(feature = "__http"), allow(unused_variables))]
pub(crate) fn metric_exporter(
    config: &OtlpSignalConfig,
    temporality: opentelemetry_sdk::metrics::Temporality,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<opentelemetry_otlp::MetricExporter>, InitError> {
    use opentelemetry_otlp::MetricExporter;
    let t = Transport {
        config,
        signal: Signal::Metrics,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    let builder = MetricExporter::builder().with_temporality(temporality);
    let built = match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => {
            let builder = t.grpc(builder.with_tonic(), warnings);
            on_runtime(runtime, || builder.build())
        }
        #[cfg(feature = "__http")]
        OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson => {
            match t.http(builder.with_http(), runtime, clients, warnings) {
                Some(builder) => builder.build(),
                None => return Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            return Ok(None);
        }
    };
    built.map(Some).map_err(|e| t.error(e))
}

/// The OTLP log exporter, or `None` (with a warning) when this build cannot reach the
/// endpoint.
#[cfg(feature = "logs")]
#[cfg_attr(not(feature = "__http"), allow(unused_variables))]
pub(crate) fn log_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<opentelemetry_otlp::LogExporter>, InitError> {
    use opentelemetry_otlp::LogExporter;
    let t = Transport {
        config,
        signal: Signal::Logs,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    let built = match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => {
            let builder = t.grpc(LogExporter::builder().with_tonic(), warnings);
            on_runtime(runtime, || builder.build())
        }
        #[cfg(feature = "__http")]
        OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson => {
            match t.http(LogExporter::builder().with_http(), runtime, clients, warnings) {
                Some(builder) => builder.build(),
                None => return Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            return Ok(None);
        }
    };
    built.map(Some).map_err(|e| t.error(e))
}
