//! Where one signal's OTLP data goes: the per-signal endpoint as is; else the base
//! endpoint, plus `/v1/<signal>` for HTTP; else the protocol's default. The base endpoint
//! is `OTEL_EXPORTER_OTLP_ENDPOINT`, or the one set in code, which replaces every
//! endpoint variable. Resolved by the same rules whichever gave it, so a protocol set in
//! code applies to an endpoint from the environment. A warning shows the endpoint without
//! its user info and query (`printable_endpoint`): they may hold credentials.

use otel_kit_otlp::printable_endpoint;

use crate::Signal;
use crate::env::{ConfigWarning, Env};
use otel_kit_core::otlp::Protocol;

/// How warnings name the endpoint set in code.
const CODE_ENDPOINT: &str = "Builder::otlp_endpoint";

const BASE_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// The endpoint values one signal may use, each with the name of where it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EndpointVars {
    /// `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT`: used as is.
    specific: Option<(String, String)>,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`, or the endpoint set in code.
    base: Option<(String, String)>,
}

impl EndpointVars {
    pub(super) fn read(env: &Env<'_>, signal: Signal) -> Self {
        let specific = format!("OTEL_EXPORTER_OTLP_{}_ENDPOINT", signal.env_name());
        EndpointVars {
            specific: env.get(&specific).map(|value| (specific, value)),
            base: env
                .get(BASE_ENDPOINT)
                .map(|value| (BASE_ENDPOINT.to_owned(), value)),
        }
    }

    /// The endpoint set in code, in place of every endpoint variable.
    pub(super) fn code(url: &str) -> Self {
        EndpointVars {
            specific: None,
            base: Some((CODE_ENDPOINT.to_owned(), url.to_owned())),
        }
    }

    /// Whether an endpoint was given at all (valid or not).
    pub(super) fn is_set(&self) -> bool {
        self.specific.is_some() || self.base.is_some()
    }
}

/// Whether a warning about `variable` can come from [`resolve`]: it names an endpoint.
pub(super) fn is_endpoint_variable(variable: &str) -> bool {
    variable == CODE_ENDPOINT
        || variable.starts_with("OTEL_EXPORTER_OTLP_") && variable.ends_with("_ENDPOINT")
}

/// The endpoint of `signal` (a value that is not an absolute http(s) URL is warned about
/// and skipped), and a warning when its port is the other protocol's.
pub(super) fn resolve(
    signal: Signal,
    protocol: Protocol,
    insecure: bool,
    vars: &EndpointVars,
    warnings: &mut Vec<ConfigWarning>,
) -> String {
    let is_http = protocol != Protocol::Grpc;
    // The OTLP exporter spec: a gRPC endpoint may come without a scheme, and then
    // OTEL_EXPORTER_OTLP_INSECURE decides between plaintext and TLS.
    let with_scheme = |value: &str| {
        if !is_http && !value.contains("://") {
            format!("{}://{value}", if insecure { "http" } else { "https" })
        } else {
            value.to_owned()
        }
    };
    // The value with its scheme when it is a URL; else a warning, and `None`.
    let mut usable = |(var, value): &(String, String)| {
        let value = with_scheme(value);
        match check_url(&value) {
            Ok(_) => Some(value),
            Err(why) => {
                warnings.push(ConfigWarning::new(
                    var,
                    printable_endpoint(&value),
                    format!("{why}; ignoring it"),
                ));
                None
            }
        }
    };
    let specific = vars.specific.as_ref().and_then(|v| Some((&v.0, usable(v)?)));
    let chosen = specific.or_else(|| {
        let base = vars.base.as_ref()?;
        let value = usable(base)?;
        // Over HTTP, the signal's path follows the base endpoint.
        let value = if is_http {
            format!("{}/{}", value.trim_end_matches('/'), signal.http_path())
        } else {
            value
        };
        Some((&base.0, value))
    });
    let Some((var, endpoint)) = chosen else {
        return match protocol {
            Protocol::Grpc => "http://localhost:4317".to_owned(),
            _ => format!("http://localhost:4318/{}", signal.http_path()),
        };
    };
    // The most common cause of "no traces": the gRPC port with an HTTP protocol or the
    // other way round.
    if let Ok(Some(port)) = check_url(&endpoint) {
        let (expected, other) = (protocol.default_port(), if is_http { 4317 } else { 4318 });
        if port == other {
            warnings.push(ConfigWarning::new(
                var,
                printable_endpoint(&endpoint),
                format!(
                    "uses port {other}, the OTLP/{} port, but the protocol is {} (default port {expected}); check OTEL_EXPORTER_OTLP_PROTOCOL",
                    if other == 4317 { "gRPC" } else { "HTTP" },
                    protocol.as_str()
                ),
            ));
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
