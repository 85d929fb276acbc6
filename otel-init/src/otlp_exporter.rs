//! Building the upstream OTLP exporters from a resolved [`OtlpSignalConfig`]: the
//! transport comes from the protocol (the upstream builders only pick the encoding), and
//! TLS from the PEM files. One function per signal; the transport settings they share are
//! applied by [`Transport::grpc`] and [`Transport::http`], generic over the upstream
//! builders.

use std::collections::HashMap;

use opentelemetry_otlp::{
    LogExporter, MetricExporter, Protocol, SpanExporter, WithExportConfig, WithHttpConfig, WithTonicConfig,
};
use opentelemetry_sdk::metrics::Temporality;

use crate::InitError;
use crate::config::{Compression, OtlpProtocol, OtlpSignalConfig};
use crate::env::Warnings;
use crate::export_runtime::ExportRuntime;
use crate::http_client::ExplainingClient;
use crate::signal::Signal;

/// One signal's OTLP settings, applied to an upstream exporter builder.
struct Transport<'a> {
    config: &'a OtlpSignalConfig,
    signal: Signal,
}

impl Transport<'_> {
    fn is_grpc(&self) -> bool {
        self.config.protocol == OtlpProtocol::Grpc
    }

    /// OTLP/gRPC: endpoint, timeout, metadata, compression and TLS.
    fn grpc<B: WithTonicConfig + WithExportConfig>(&self, builder: B, warnings: &mut Warnings) -> B {
        let mut b = builder
            .with_endpoint(self.config.endpoint.clone())
            .with_timeout(self.config.timeout)
            .with_metadata(self.metadata());
        if let Some(c) = self.compression() {
            b = b.with_compression(c);
        }
        if let Some(tls) = self.tonic_tls(warnings) {
            b = b.with_tls_config(tls);
        }
        b
    }

    /// OTLP/HTTP: encoding, endpoint, timeout, headers, compression and the client.
    fn http<B: WithHttpConfig + WithExportConfig>(
        &self,
        builder: B,
        clients: &mut HttpClients,
        warnings: &mut Warnings,
    ) -> B {
        let mut b = builder
            .with_protocol(self.http_protocol())
            .with_endpoint(self.config.endpoint.clone())
            .with_timeout(self.config.timeout)
            .with_headers(self.headers());
        if let Some(c) = self.compression() {
            b = b.with_compression(c);
        }
        // One client per timeout for all signals: each blocking client starts a runtime
        // thread and sets up TLS, which dominates start-up over HTTP.
        let client = match self.reqwest_client(warnings) {
            Some(client) => Some(client),
            None => clients.get(self.config.timeout, self.config.endpoint.starts_with("http://")),
        };
        if let Some(client) = client {
            b = b.with_http_client(ExplainingClient::new(client));
        }
        b
    }

    fn error(&self, source: opentelemetry_otlp::ExporterBuildError) -> InitError {
        InitError::Exporter {
            signal: self.signal,
            source,
        }
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

    fn headers(&self) -> HashMap<String, String> {
        self.config.headers.iter().cloned().collect()
    }

    fn compression(&self) -> Option<opentelemetry_otlp::Compression> {
        self.config
            .compression
            .map(|Compression::Gzip| opentelemetry_otlp::Compression::Gzip)
    }

    fn http_protocol(&self) -> Protocol {
        match self.config.protocol {
            OtlpProtocol::HttpJson => Protocol::HttpJson,
            _ => Protocol::HttpBinary,
        }
    }

    /// The CA and client identity for gRPC, when PEM files are configured and readable.
    fn tonic_tls(&self, warnings: &mut Warnings) -> Option<tonic::transport::ClientTlsConfig> {
        let (ca, identity) = self.read_tls(warnings);
        if ca.is_none() && identity.is_none() {
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

    /// A blocking reqwest client with the CA and client identity, when configured.
    fn reqwest_client(&self, warnings: &mut Warnings) -> Option<reqwest::blocking::Client> {
        let (ca, identity) = self.read_tls(warnings);
        if ca.is_none() && identity.is_none() {
            return None;
        }
        let mut builder = reqwest::blocking::Client::builder().timeout(self.config.timeout);
        if let Some(ca) = ca {
            match reqwest::Certificate::from_pem(&ca) {
                Ok(cert) => builder = builder.add_root_certificate(cert),
                Err(e) => warnings.push(
                    self.tls_var("CERTIFICATE"),
                    String::new(),
                    format!("is not a PEM certificate ({e}); using the system roots"),
                ),
            }
        }
        if let Some((cert, key)) = identity {
            let mut pem = cert;
            pem.push(b'\n');
            pem.extend_from_slice(&key);
            match reqwest::Identity::from_pem(&pem) {
                Ok(id) => builder = builder.identity(id),
                Err(e) => warnings.push(
                    self.tls_var("CLIENT_CERTIFICATE"),
                    String::new(),
                    format!("with its key is not a PEM identity ({e}); no client certificate is presented"),
                ),
            }
        }
        match build_off_runtime(builder) {
            Ok(client) => Some(client),
            Err(e) => {
                warnings.push(
                    self.tls_var("CERTIFICATE"),
                    String::new(),
                    format!("could not be used to build the HTTP client ({e}); using the default client"),
                );
                None
            }
        }
    }

    fn tls_var(&self, suffix: &str) -> String {
        format!(
            "OTEL_EXPORTER_OTLP_{}_{suffix} (or OTEL_EXPORTER_OTLP_{suffix})",
            self.signal.env_name()
        )
    }

    /// Reads the PEM files; an unreadable file is warned about and left out, so the
    /// application starts and the export fails visibly instead.
    fn read_tls(&self, warnings: &mut Warnings) -> (Option<Pem>, Option<(Pem, Pem)>) {
        let mut read = |path: &std::path::Path, suffix: &str| match read_capped(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                warnings.push(
                    self.tls_var(suffix),
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
fn on_runtime<T>(runtime: Option<&ExportRuntime>, build: impl FnOnce() -> T) -> T {
    match runtime {
        Some(rt) => rt.enter(build),
        None => build(),
    }
}

pub(crate) fn span_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<SpanExporter, InitError> {
    let t = Transport {
        config,
        signal: Signal::Traces,
    };
    let built = if t.is_grpc() {
        let builder = t.grpc(SpanExporter::builder().with_tonic(), warnings);
        on_runtime(runtime, || builder.build())
    } else {
        t.http(SpanExporter::builder().with_http(), clients, warnings)
            .build()
    };
    built.map_err(|e| t.error(e))
}

pub(crate) fn metric_exporter(
    config: &OtlpSignalConfig,
    temporality: Temporality,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<MetricExporter, InitError> {
    let t = Transport {
        config,
        signal: Signal::Metrics,
    };
    let builder = MetricExporter::builder().with_temporality(temporality);
    let built = if t.is_grpc() {
        let builder = t.grpc(builder.with_tonic(), warnings);
        on_runtime(runtime, || builder.build())
    } else {
        t.http(builder.with_http(), clients, warnings).build()
    };
    built.map_err(|e| t.error(e))
}

pub(crate) fn log_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<LogExporter, InitError> {
    let t = Transport {
        config,
        signal: Signal::Logs,
    };
    let built = if t.is_grpc() {
        let builder = t.grpc(LogExporter::builder().with_tonic(), warnings);
        on_runtime(runtime, || builder.build())
    } else {
        t.http(LogExporter::builder().with_http(), clients, warnings)
            .build()
    };
    built.map_err(|e| t.error(e))
}

/// reqwest's blocking builder starts and drops a runtime, which tokio forbids on an
/// async thread (it panics): build every blocking client on a plain thread.
fn build_off_runtime(builder: reqwest::blocking::ClientBuilder) -> Result<reqwest::blocking::Client, String> {
    std::thread::spawn(move || builder.build().map_err(|e| e.to_string()))
        .join()
        .map_err(|_| "the HTTP client builder panicked".to_owned())?
}

/// Blocking HTTP clients shared by the signals, one per export timeout (the blocking
/// client has no per-request timeout, so the timeout lives in the client).
#[derive(Default)]
pub(crate) struct HttpClients(Vec<(std::time::Duration, bool, reqwest::blocking::Client)>);

impl HttpClients {
    /// A shared client for this timeout. For a plain `http://` endpoint no TLS root
    /// store is loaded: reading the system's certificates is most of a client's start-up
    /// cost, and plain HTTP never uses them.
    fn get(&mut self, timeout: std::time::Duration, plain_http: bool) -> Option<reqwest::blocking::Client> {
        if let Some((_, _, client)) = self.0.iter().find(|(t, p, _)| *t == timeout && *p == plain_http) {
            return Some(client.clone());
        }
        // On failure the exporter builds its own default client.
        let builder = reqwest::blocking::Client::builder().timeout(timeout);
        let builder = if plain_http {
            builder.tls_certs_only([])
        } else {
            builder
        };
        let client = build_off_runtime(builder).ok()?;
        self.0.push((timeout, plain_http, client.clone()));
        Some(client)
    }
}

impl Drop for HttpClients {
    fn drop(&mut self) {
        // If an error path leaves the last handle here, dropping it inside an async
        // runtime would panic; a plain thread is always allowed to.
        let clients = std::mem::take(&mut self.0);
        if !clients.is_empty() {
            let _ = std::thread::Builder::new()
                .name("otel-kit-http-drop".to_owned())
                .spawn(move || drop(clients));
        }
    }
}
