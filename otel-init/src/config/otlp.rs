//! `OTEL_EXPORTER_OTLP_*`: per-signal values win over the generic ones, which win over
//! the defaults; the generic endpoint gets `/v1/<signal>` appended for HTTP, a
//! per-signal endpoint is used as is.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::env::Env;

/// The three OTLP signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Metrics.
    Metrics,
    /// Log records.
    Logs,
}

impl Signal {
    /// `TRACES`, `METRICS` or `LOGS`, as in the per-signal variable names.
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
}

/// The OTLP transport and encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpProtocol {
    /// OTLP/gRPC, default port 4317.
    Grpc,
    /// OTLP/HTTP with protobuf bodies, default port 4318: the spec default.
    HttpProtobuf,
    /// OTLP/HTTP with JSON bodies, default port 4318.
    HttpJson,
}

impl OtlpProtocol {
    /// The spec's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            OtlpProtocol::Grpc => "grpc",
            OtlpProtocol::HttpProtobuf => "http/protobuf",
            OtlpProtocol::HttpJson => "http/json",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            OtlpProtocol::Grpc => 4317,
            _ => 4318,
        }
    }
}

/// Request compression (`OTEL_EXPORTER_OTLP_COMPRESSION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip.
    Gzip,
}

/// The OTLP exporter settings of one signal.
#[derive(Clone, PartialEq)]
pub struct OtlpSignalConfig {
    /// The full endpoint: a URL with `/v1/<signal>` for HTTP, the server URL for gRPC.
    pub endpoint: String,
    /// Transport and encoding.
    pub protocol: OtlpProtocol,
    /// Extra request headers (values are secrets: never printed).
    pub headers: Vec<(String, String)>,
    /// Export timeout (default 10 s).
    pub timeout: Duration,
    /// Compression, `None` for none.
    pub compression: Option<Compression>,
    /// gRPC without TLS for an endpoint given without a scheme.
    pub insecure: bool,
    /// PEM file of the CA that signs the collector's certificate.
    pub certificate: Option<PathBuf>,
    /// PEM file of the client's private key, for mTLS.
    pub client_key: Option<PathBuf>,
    /// PEM file of the client's certificate chain, for mTLS.
    pub client_certificate: Option<PathBuf>,
}

impl fmt::Debug for OtlpSignalConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpSignalConfig")
            .field("endpoint", &self.endpoint)
            .field("protocol", &self.protocol)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("insecure", &self.insecure)
            .field("certificate", &self.certificate)
            .field("client_key", &self.client_key)
            .field("client_certificate", &self.client_certificate)
            .finish()
    }
}

/// Header names with their values replaced, for every printout.
struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| format!("{k}=<redacted>")))
            .finish()
    }
}

impl fmt::Display for OtlpSignalConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} headers={:?} timeout={}ms",
            self.protocol.as_str(),
            self.endpoint,
            RedactedHeaders(&self.headers),
            self.timeout.as_millis()
        )?;
        if self.compression.is_some() {
            f.write_str(" gzip")?;
        }
        if self.certificate.is_some() || self.client_certificate.is_some() {
            f.write_str(" tls")?;
        }
        Ok(())
    }
}

/// The OTLP settings of the three signals.
#[derive(Debug, Clone, PartialEq)]
pub struct OtlpConfig {
    /// Spans.
    pub traces: OtlpSignalConfig,
    /// Metrics.
    pub metrics: OtlpSignalConfig,
    /// Log records.
    pub logs: OtlpSignalConfig,
}

impl fmt::Display for OtlpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "otlp.traces=[{}] otlp.metrics=[{}] otlp.logs=[{}]",
            self.traces, self.metrics, self.logs
        )
    }
}

impl OtlpConfig {
    pub(crate) fn read(env: &mut Env<'_>) -> Self {
        OtlpConfig {
            traces: OtlpSignalConfig::read(env, Signal::Traces),
            metrics: OtlpSignalConfig::read(env, Signal::Metrics),
            logs: OtlpSignalConfig::read(env, Signal::Logs),
        }
    }

    /// The settings of one signal.
    pub fn signal(&self, signal: Signal) -> &OtlpSignalConfig {
        match signal {
            Signal::Traces => &self.traces,
            Signal::Metrics => &self.metrics,
            Signal::Logs => &self.logs,
        }
    }
}

impl OtlpSignalConfig {
    fn read(env: &mut Env<'_>, signal: Signal) -> Self {
        let s = signal.env_name();
        let vars = |suffix: &str| {
            [
                format!("OTEL_EXPORTER_OTLP_{s}_{suffix}"),
                format!("OTEL_EXPORTER_OTLP_{suffix}"),
            ]
        };
        // The first variable of the pair that is set decides; it is also the one named
        // in a warning.
        let pick = |env: &Env<'_>, suffix: &str| {
            let [specific, generic] = vars(suffix);
            env.first(&[&specific, &generic]).map(|(name, _)| name)
        };

        let protocol = match pick(env, "PROTOCOL") {
            Some(var) => env.choice(
                &var,
                &[
                    ("http/protobuf", OtlpProtocol::HttpProtobuf),
                    ("grpc", OtlpProtocol::Grpc),
                    ("http/json", OtlpProtocol::HttpJson),
                ],
                OtlpProtocol::HttpProtobuf,
            ),
            None => OtlpProtocol::HttpProtobuf,
        };
        let insecure = match pick(env, "INSECURE") {
            Some(var) => env.bool(&var, false),
            None => false,
        };
        let endpoint = resolve_endpoint(env, signal, protocol, insecure);
        let headers = match pick(env, "HEADERS") {
            Some(var) => env.key_values(&var).unwrap_or_default(),
            None => Vec::new(),
        };
        let timeout = match pick(env, "TIMEOUT") {
            Some(var) => env.millis(&var, Duration::from_secs(10)),
            None => Duration::from_secs(10),
        };
        let compression = match pick(env, "COMPRESSION") {
            Some(var) => env.choice(&var, &[("none", None), ("gzip", Some(Compression::Gzip))], None),
            None => None,
        };
        let path =
            |env: &Env<'_>, suffix: &str| pick(env, suffix).and_then(|var| env.get(&var)).map(PathBuf::from);
        let certificate = path(env, "CERTIFICATE");
        let client_key = path(env, "CLIENT_KEY");
        let client_certificate = path(env, "CLIENT_CERTIFICATE");
        if client_key.is_some() != client_certificate.is_some() {
            let suffix = if client_key.is_some() {
                "CLIENT_KEY"
            } else {
                "CLIENT_CERTIFICATE"
            };
            // The variable actually set: the signal's own, or the generic one.
            let var = pick(env, suffix).unwrap_or_else(|| {
                let [own, _] = vars(suffix);
                own
            });
            let shown = client_key
                .as_ref()
                .or(client_certificate.as_ref())
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            env.warn(&var, &shown, "is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented");
        }
        let (client_key, client_certificate) = match (client_key, client_certificate) {
            (Some(k), Some(c)) => (Some(k), Some(c)),
            _ => (None, None),
        };
        OtlpSignalConfig {
            endpoint,
            protocol,
            headers,
            timeout,
            compression,
            insecure,
            certificate,
            client_key,
            client_certificate,
        }
    }
}

/// The per-signal endpoint as is; else the generic one (plus `/v1/<signal>` for HTTP);
/// else the default for the protocol. A value that is not an absolute http(s) URL is
/// warned about and skipped.
fn resolve_endpoint(env: &mut Env<'_>, signal: Signal, protocol: OtlpProtocol, insecure: bool) -> String {
    let specific = format!("OTEL_EXPORTER_OTLP_{}_ENDPOINT", signal.env_name());
    let generic = "OTEL_EXPORTER_OTLP_ENDPOINT";
    let is_http = protocol != OtlpProtocol::Grpc;
    // The OTLP exporter spec: a gRPC endpoint may come without a scheme, and then
    // OTEL_EXPORTER_OTLP_INSECURE decides between plaintext and TLS.
    let with_scheme = |value: String| {
        if !is_http && !value.contains("://") {
            format!("{}://{value}", if insecure { "http" } else { "https" })
        } else {
            value
        }
    };
    let mut chosen = None;
    if let Some(value) = env.get(&specific).map(with_scheme) {
        match check_url(&value) {
            Ok(_) => chosen = Some((specific.clone(), value)),
            Err(why) => env.warn(&specific, &value, format!("{why}; ignoring it")),
        }
    }
    if chosen.is_none()
        && let Some(value) = env.get(generic).map(with_scheme)
    {
        match check_url(&value) {
            Ok(_) if is_http => {
                let joined = format!("{}/{}", value.trim_end_matches('/'), signal.http_path());
                chosen = Some((generic.to_owned(), joined));
            }
            Ok(_) => chosen = Some((generic.to_owned(), value)),
            Err(why) => env.warn(generic, &value, format!("{why}; ignoring it")),
        }
    }
    let Some((var, endpoint)) = chosen else {
        return match protocol {
            OtlpProtocol::Grpc => "http://localhost:4317".to_owned(),
            _ => format!("http://localhost:4318/{}", signal.http_path()),
        };
    };
    // The most common cause of "no traces": the gRPC port with an HTTP protocol or the
    // other way round.
    if let Ok(Some(port)) = check_url(&endpoint) {
        let (expected, other) = (protocol.default_port(), if is_http { 4317 } else { 4318 });
        if port == other {
            env.warn(
                &var,
                &endpoint,
                format!(
                    "uses port {other}, the OTLP/{} port, but the protocol is {} (default port {expected}); check OTEL_EXPORTER_OTLP_PROTOCOL",
                    if other == 4317 { "gRPC" } else { "HTTP" },
                    protocol.as_str()
                ),
            );
        }
    }
    endpoint
}

/// `Ok(port)` for an absolute http/https URL with a host.
fn check_url(value: &str) -> Result<Option<u16>, String> {
    let uri: http::Uri = value.parse().map_err(|e| format!("is not a URL ({e})"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err("is not an http:// or https:// URL".to_owned()),
    }
    let authority = uri.authority().ok_or_else(|| "has no host".to_owned())?;
    Ok(authority.port_u16())
}
