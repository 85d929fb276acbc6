//! `OTEL_EXPORTER_OTLP_*`: per-signal values win over the generic ones, which win over
//! the defaults; the generic endpoint gets `/v1/<signal>` appended for HTTP, a
//! per-signal endpoint is used as is.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::endpoint::{self, EndpointVars};
use crate::Signal;
use crate::build_features::BuildFeatures;
use crate::env::{ConfigWarning, Env};

use otel_kit_core::otlp::{Compression, Pem, Protocol};
use otel_kit_otlp::{ExportSettings, MIN_CREDENTIALS_CHECK_INTERVAL};

/// Which of otel-kit-init's cargo features brings a [`Protocol`], and whether this build
/// has it.
///
/// ```
/// use otel_kit_init::config::{Protocol, ProtocolFeature as _};
///
/// assert_eq!(Protocol::HttpJson.cargo_feature(), "http-json");
/// // The default features bring gRPC and HTTP/protobuf.
/// # #[cfg(all(feature = "grpc", feature = "http-proto"))]
/// assert!(Protocol::Grpc.is_built_in() && Protocol::HttpProtobuf.is_built_in());
/// ```
pub trait ProtocolFeature: Copy {
    /// The cargo feature of otel-kit-init that brings this protocol.
    fn cargo_feature(self) -> &'static str;

    /// Whether this build can export over this protocol: its
    /// [cargo feature](Self::cargo_feature) is on.
    fn is_built_in(self) -> bool;
}

impl ProtocolFeature for Protocol {
    fn cargo_feature(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http-proto",
            Protocol::HttpJson => "http-json",
        }
    }

    fn is_built_in(self) -> bool {
        protocol_is_in(self, BuildFeatures::THIS_BUILD)
    }
}

/// Whether a build with `features` has `protocol`.
pub(crate) fn protocol_is_in(protocol: Protocol, features: BuildFeatures) -> bool {
    match protocol {
        Protocol::Grpc => features.grpc,
        Protocol::HttpProtobuf => features.http_proto,
        Protocol::HttpJson => features.http_json,
    }
}

/// The protocol used when none is configured: http/protobuf, the specification's
/// default, when built in; else the first that is; `None` without any transport.
pub(crate) fn default_protocol_in(features: BuildFeatures) -> Option<Protocol> {
    [Protocol::HttpProtobuf, Protocol::Grpc, Protocol::HttpJson]
        .into_iter()
        .find(|p| protocol_is_in(*p, features))
}

/// The OTLP exporter settings of one signal: otel-kit-otlp's [`ExportSettings`], which
/// the exporter is built from, and what reading the environment adds.
#[derive(Clone, PartialEq)]
pub struct OtlpSignalConfig {
    /// Protocol, endpoint (always given: resolved from the variables, else the
    /// protocol's default), headers, timeout, compression, TLS material, header files,
    /// credential checks and proxy. Header values are secrets: never printed.
    pub settings: ExportSettings,
    /// gRPC without TLS for an endpoint given without a scheme
    /// (`OTEL_EXPORTER_OTLP_INSECURE`).
    pub insecure: bool,
    /// The variables that named the PEM files, for warnings about them.
    pub(crate) tls_vars: TlsVars,
    /// The endpoint variables as set, so that an endpoint or protocol set in code is
    /// resolved by the same rules.
    pub(super) endpoint_vars: EndpointVars,
}

/// The settings (whose `Debug` hides header values and the endpoint's user info and
/// query) and `insecure`; never the variables as set, which may hold both.
impl fmt::Debug for OtlpSignalConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpSignalConfig")
            .field("settings", &self.settings)
            .field("insecure", &self.insecure)
            .finish_non_exhaustive()
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
        let s = &self.settings;
        write!(
            f,
            "{} {} headers={:?} timeout={}ms",
            s.protocol.as_str(),
            otel_kit_otlp::printable_endpoint(self.endpoint()),
            RedactedHeaders(&s.headers),
            s.timeout.as_millis()
        )?;
        if !s.header_files.is_empty() {
            let names: Vec<&str> = s.header_files.iter().map(|(k, _)| k.as_str()).collect();
            write!(f, " header_files={names:?}")?;
        }
        if s.dynamic_headers.is_some() {
            f.write_str(" dynamic_headers")?;
        }
        if let Some(compression) = s.compression {
            write!(f, " {compression}")?;
        }
        // The scheme decides: certificates given for an http:// endpoint are not used.
        if s.is_https() {
            f.write_str(" tls")?;
            if s.client_identity.is_some() {
                f.write_str("+client_cert")?;
            }
        } else if s.ca_certificate.is_some() || s.client_identity.is_some() {
            f.write_str(" plaintext(certificates_ignored)")?;
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
        )?;
        // Every signal's proxy is the same; without credentials: `Proxy`'s `Display`
        // never shows them.
        #[cfg(feature = "proxy")]
        if let Some(proxy) = &self.traces.settings.proxy {
            write!(f, " otlp.proxy=[{proxy}]")?;
        }
        Ok(())
    }
}

impl OtlpConfig {
    pub(crate) fn read(env: &mut Env<'_>) -> Self {
        let config = OtlpConfig {
            traces: OtlpSignalConfig::read(env, Signal::Traces),
            metrics: OtlpSignalConfig::read(env, Signal::Metrics),
            logs: OtlpSignalConfig::read(env, Signal::Logs),
        };
        #[cfg(feature = "proxy")]
        let config = config.with_proxy(super::proxy::read(env));
        config
    }

    /// The HTTP proxy of every signal's exports (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY` as curl reads them, or `Builder::proxy`); `None` sends
    /// directly.
    #[cfg(feature = "proxy")]
    fn with_proxy(mut self, proxy: Option<otel_kit_otlp::Proxy>) -> Self {
        for signal in Signal::ALL {
            self.signal_mut(signal).settings.proxy = proxy.clone();
        }
        self
    }

    /// The settings of one signal.
    pub fn signal(&self, signal: Signal) -> &OtlpSignalConfig {
        match signal {
            Signal::Traces => &self.traces,
            Signal::Metrics => &self.metrics,
            Signal::Logs => &self.logs,
        }
    }

    /// Lays the endpoint and protocol set in code over these settings: a protocol
    /// replaces every protocol variable, an endpoint every endpoint variable (as the base
    /// endpoint: `/v1/<signal>` appended for HTTP). Warnings about the variables replaced
    /// are dropped; the endpoints' are made again for what is now in effect.
    pub(crate) fn apply_code(
        &mut self,
        endpoint: Option<&str>,
        protocol: Option<Protocol>,
        warnings: &mut Vec<ConfigWarning>,
    ) {
        if endpoint.is_none() && protocol.is_none() {
            return;
        }
        warnings.retain(|w| {
            let protocol_variable =
                w.variable.starts_with("OTEL_EXPORTER_OTLP_") && w.variable.ends_with("_PROTOCOL");
            !(endpoint::is_endpoint_variable(&w.variable) || protocol.is_some() && protocol_variable)
        });
        for signal in Signal::ALL {
            let config = self.signal_mut(signal);
            if let Some(protocol) = protocol {
                config.settings.protocol = protocol;
            }
            if let Some(url) = endpoint {
                config.endpoint_vars = EndpointVars::code(url);
            }
            let mut fresh = Vec::new();
            config.settings.endpoint = Some(endpoint::resolve(
                signal,
                config.settings.protocol,
                config.insecure,
                &config.endpoint_vars,
                &mut fresh,
            ));
            for warning in fresh {
                // A base endpoint is resolved once per signal; its problem is said once.
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
            }
        }
    }

    /// Whether the environment gives `signal` an endpoint (or code gave one).
    pub(crate) fn endpoint_set(&self, signal: Signal) -> bool {
        self.signal(signal).endpoint_vars.is_set()
    }

    pub(crate) fn signal_mut(&mut self, signal: Signal) -> &mut OtlpSignalConfig {
        match signal {
            Signal::Traces => &mut self.traces,
            Signal::Metrics => &mut self.metrics,
            Signal::Logs => &mut self.logs,
        }
    }
}

/// The variables that set the PEM files (the signal's own or the generic one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TlsVars {
    pub(crate) certificate: Option<String>,
    pub(crate) client_certificate: Option<String>,
    pub(crate) client_key: Option<String>,
}

impl OtlpSignalConfig {
    /// Where the signal is sent: the endpoint resolved from the variables (or code), else
    /// the protocol's default.
    ///
    /// ```
    /// use otel_kit_init::config::Config;
    ///
    /// let (config, _) = Config::from_lookup(|name| (name == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://collector:4318".to_owned()));
    /// assert_eq!(config.export.otlp.logs.endpoint(), "http://collector:4318/v1/logs");
    /// ```
    pub fn endpoint(&self) -> &str {
        self.settings.endpoint.as_deref().unwrap_or_default()
    }

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

        let built = env.features();
        let default_protocol = default_protocol_in(built).unwrap_or(Protocol::HttpProtobuf);
        let protocol = match pick(env, "PROTOCOL") {
            Some(var) => {
                let chosen = env.choice(
                    &var,
                    &[
                        ("http/protobuf", Protocol::HttpProtobuf),
                        ("grpc", Protocol::Grpc),
                        ("http/json", Protocol::HttpJson),
                    ],
                    default_protocol,
                );
                // Without any transport there is nothing to fall back to: the exporters
                // say so (`exporters::read`).
                if protocol_is_in(chosen, built) || default_protocol_in(built).is_none() {
                    chosen
                } else {
                    env.warn(
                        &var,
                        chosen.as_str(),
                        format!(
                            "needs otel-kit-init's `{}` cargo feature, which this build lacks; using {}",
                            chosen.cargo_feature(),
                            default_protocol.as_str()
                        ),
                    );
                    default_protocol
                }
            }
            None => default_protocol,
        };
        let insecure = match pick(env, "INSECURE") {
            Some(var) => env.bool(&var, false),
            None => false,
        };
        let endpoint_vars = EndpointVars::read(env, signal);
        let mut endpoint_warnings = Vec::new();
        let endpoint = endpoint::resolve(signal, protocol, insecure, &endpoint_vars, &mut endpoint_warnings);
        for warning in endpoint_warnings {
            env.push(warning);
        }
        let headers = match pick(env, "HEADERS") {
            Some(var) => env.key_values(&var).unwrap_or_default(),
            None => Vec::new(),
        };
        let timeout = match pick(env, "TIMEOUT") {
            Some(var) => env.timeout(&var, Duration::from_secs(10)),
            None => Duration::from_secs(10),
        };
        let compression = match pick(env, "COMPRESSION") {
            Some(var) => env.choice(
                &var,
                &[
                    ("none", None),
                    ("gzip", Some(Compression::Gzip)),
                    ("zstd", Some(Compression::Zstd)),
                ],
                None,
            ),
            None => None,
        };
        let path =
            |env: &Env<'_>, suffix: &str| pick(env, suffix).and_then(|var| env.get(&var)).map(Pem::file);
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
                .map(ToString::to_string)
                .unwrap_or_default();
            env.warn(&var, &shown, "is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented");
        }
        let (client_key, client_certificate) = match (client_key, client_certificate) {
            (Some(k), Some(c)) => (Some(k), Some(c)),
            _ => (None, None),
        };
        let tls_vars = TlsVars {
            certificate: pick(env, "CERTIFICATE"),
            client_certificate: client_certificate.as_ref().and(pick(env, "CLIENT_CERTIFICATE")),
            client_key: client_key.as_ref().and(pick(env, "CLIENT_KEY")),
        };
        let header_files = {
            let [specific, generic] = [
                format!("OTEL_KIT_EXPORTER_OTLP_{s}_HEADERS_FILE"),
                "OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE".to_owned(),
            ];
            match env.first(&[&specific, &generic]) {
                Some((var, _)) => env
                    .key_values(&var)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, path)| (name, PathBuf::from(path)))
                    .collect(),
                None => Vec::new(),
            }
        };
        let check_var = "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL";
        let credentials_check_interval = match env
            .millis(check_var, ExportSettings::DEFAULT_CREDENTIALS_CHECK_INTERVAL)
        {
            zero if zero.is_zero() => {
                let shown = env.get(check_var).unwrap_or_default();
                env.warn(
                    check_var,
                    &shown,
                    format!(
                        "is zero, which would read the files without pause; using the default {} ms",
                        ExportSettings::DEFAULT_CREDENTIALS_CHECK_INTERVAL.as_millis()
                    ),
                );
                ExportSettings::DEFAULT_CREDENTIALS_CHECK_INTERVAL
            }
            short if short < MIN_CREDENTIALS_CHECK_INTERVAL => {
                let shown = env.get(check_var).unwrap_or_default();
                env.warn(
                    check_var,
                    &shown,
                    format!(
                        "is shorter than {} ms, which would read the files again and again for nothing; using {} ms",
                        MIN_CREDENTIALS_CHECK_INTERVAL.as_millis(),
                        MIN_CREDENTIALS_CHECK_INTERVAL.as_millis()
                    ),
                );
                MIN_CREDENTIALS_CHECK_INTERVAL
            }
            every => every,
        };
        let mut settings = ExportSettings::new(protocol, endpoint);
        settings.headers = headers;
        settings.timeout = timeout;
        settings.compression = compression;
        settings.ca_certificate = certificate;
        settings.client_identity = client_certificate.zip(client_key);
        settings.header_files = header_files;
        settings.credentials_check_interval = credentials_check_interval;
        OtlpSignalConfig {
            settings,
            insecure,
            tls_vars,
            endpoint_vars,
        }
    }
}
