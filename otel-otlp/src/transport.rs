//! From an [`ExporterBuilder`](crate::ExporterBuilder)'s settings to the `Sender` of
//! one signal: every value checked (a typed error naming what to fix, never a panic),
//! then gRPC through a tonic channel of our own or HTTP/protobuf through the export
//! runtime's shared client, with opentelemetry-otlp's metadata, timeout, compression
//! and TLS.

use std::sync::Arc;

use crate::error::{BuildError, BuildWarning};
use crate::export_runtime::{ExportRuntime, RuntimeRef};
use crate::exporter_builder::{Compression, Protocol, Settings};
#[cfg(feature = "grpc")]
use crate::proto_export::GrpcService;
use crate::proto_export::{Sender, Via};

/// What differs between the signals' transports.
pub(crate) struct SignalInfo {
    /// The path of the default OTLP/HTTP endpoint: `/v1/traces`, ...
    pub(crate) http_path: &'static str,
    #[cfg(feature = "grpc")]
    pub(crate) grpc: GrpcService,
    /// What the requests carry, for the partial-success warning: "spans", ...
    pub(crate) items: &'static str,
}

/// The sender of one signal's exporter, and what a lenient build left out.
pub(crate) fn sender(
    settings: Settings,
    signal: &SignalInfo,
) -> Result<(Arc<Sender>, Vec<BuildWarning>), BuildError> {
    if settings.timeout.is_zero() {
        return Err(BuildError::ZeroTimeout);
    }
    let endpoint = match &settings.endpoint {
        Some(endpoint) => endpoint.clone(),
        None => match settings.protocol {
            Protocol::Grpc => "http://localhost:4317".to_owned(),
            Protocol::HttpProtobuf => format!("http://localhost:4318{}", signal.http_path),
        },
    };
    let uri = parse_endpoint(&endpoint)?;
    let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
    if https && !cfg!(feature = "__tls") {
        return Err(BuildError::NotBuiltIn {
            what: "an https:// endpoint",
            feature: "`tls-ring` or `tls-aws-lc`",
        });
    }
    let headers = header_map(&settings.headers)?;
    let gzip = match settings.compression {
        Some(Compression::Gzip) if !cfg!(feature = "gzip") => {
            return Err(BuildError::NotBuiltIn {
                what: "gzip compression",
                feature: "`gzip`",
            });
        }
        Some(Compression::Gzip) => true,
        None => false,
    };
    // An exporter without a shared runtime owns one, which lives as long as its sender.
    let (runtime, owned) = match settings.runtime.clone() {
        Some(shared) => (shared, None),
        None => {
            let own = ExportRuntime::start().map_err(BuildError::ExportThread)?;
            (own.shared().clone(), Some(own))
        }
    };
    let (via, warnings) = match settings.protocol {
        #[cfg(feature = "grpc")]
        Protocol::Grpc => (
            grpc(&settings, &endpoint, https, headers, gzip, &runtime, signal)?,
            Vec::new(),
        ),
        #[cfg(feature = "http-proto")]
        Protocol::HttpProtobuf => http(&settings, &endpoint, uri, https, headers, gzip, &runtime)?,
        #[allow(unreachable_patterns)]
        other => {
            return Err(BuildError::NotBuiltIn {
                what: if other == Protocol::Grpc {
                    "OTLP/gRPC"
                } else {
                    "OTLP/HTTP with protobuf"
                },
                feature: if other == Protocol::Grpc {
                    "`grpc`"
                } else {
                    "`http-proto`"
                },
            });
        }
    };
    let sender = Sender::new(
        via,
        settings.timeout,
        runtime.handle().clone(),
        signal.items,
        owned,
    );
    Ok((sender, warnings))
}

/// An absolute `http://` or `https://` URL with a host.
fn parse_endpoint(endpoint: &str) -> Result<http::Uri, BuildError> {
    let invalid = |why: String| BuildError::InvalidEndpoint {
        endpoint: endpoint.to_owned(),
        why,
    };
    let uri = endpoint
        .parse::<http::Uri>()
        .map_err(|e| invalid(e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => return Err(invalid(format!("the scheme is '{other}', not http or https"))),
        None => return Err(invalid("it has no scheme".to_owned())),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("it has no host".to_owned()));
    }
    Ok(uri)
}

/// The headers, each checked: a name or value HTTP and gRPC cannot carry is refused.
fn header_map(headers: &[(String, String)]) -> Result<http::HeaderMap, BuildError> {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        let invalid = |why: String| BuildError::InvalidHeader {
            name: name.clone(),
            why,
        };
        let key = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        let value = http::HeaderValue::from_str(value)
            .map_err(|_| invalid("its value holds a character a header cannot carry".to_owned()))?;
        map.insert(key, value);
    }
    Ok(map)
}

/// OTLP/gRPC: our `User-Agent`, then the headers (a configured one replaces it) as
/// metadata; for an `https://` endpoint or a given certificate, the system roots plus
/// the CA and the client identity.
#[cfg(feature = "grpc")]
fn grpc(
    settings: &Settings,
    endpoint: &str,
    https: bool,
    headers: http::HeaderMap,
    gzip: bool,
    runtime: &RuntimeRef,
    signal: &SignalInfo,
) -> Result<Via, BuildError> {
    use crate::error_chain::chain;
    use crate::proto_export::GrpcSender;

    use crate::liveness;

    // Every wait of a connection has a deadline (the export timeout: no attempt may
    // wait longer), and a connection that went quiet is probed (see `liveness`). The
    // call itself is bounded by the sender, which gives each attempt the time left.
    let channel = tonic::transport::Endpoint::from_shared(endpoint.to_owned())
        .map_err(|e| BuildError::InvalidEndpoint {
            endpoint: endpoint.to_owned(),
            why: chain(&e),
        })?
        .connect_timeout(settings.timeout)
        .tcp_keepalive(Some(liveness::TCP_KEEPALIVE_IDLE))
        .tcp_keepalive_interval(Some(liveness::TCP_KEEPALIVE_INTERVAL))
        .tcp_keepalive_retries(Some(liveness::TCP_KEEPALIVE_RETRIES))
        .http2_keep_alive_interval(liveness::HTTP2_PING_INTERVAL)
        .keep_alive_timeout(liveness::HTTP2_PING_TIMEOUT)
        .keep_alive_while_idle(false);
    #[cfg(feature = "__tls")]
    let channel = if https || settings.ca.is_some() || settings.identity.is_some() {
        // Left to itself, tonic would verify an `https://` endpoint against no roots.
        let mut tls = tonic::transport::ClientTlsConfig::new()
            .with_enabled_roots()
            .timeout(settings.timeout);
        if let Some(ca) = &settings.ca {
            tls = tls.ca_certificate(tonic::transport::Certificate::from_pem(ca));
        }
        if let Some((cert, key)) = &settings.identity {
            tls = tls.identity(tonic::transport::Identity::from_pem(cert, key));
        }
        channel.tls_config(tls).map_err(|e| BuildError::Tls {
            endpoint: endpoint.to_owned(),
            why: chain(&e),
        })?
    } else {
        channel
    };
    // Without TLS, `sender` has refused an `https://` endpoint already.
    #[cfg(not(feature = "__tls"))]
    let _ = https;
    // Through a proxy, HTTP/2 needs a `CONNECT` tunnel (tonic adds the TLS inside it,
    // and bounds the tunnel and the TLS together by the connect timeout).
    #[cfg(feature = "proxy")]
    let intercept = settings
        .proxy
        .as_ref()
        .and_then(|proxy| proxy.intercept(&endpoint.parse().unwrap_or_default()));
    #[cfg(not(feature = "proxy"))]
    let intercept: Option<std::convert::Infallible> = None;
    // tonic spawns the channel's connection tasks on the current runtime. A timed-out
    // attempt makes the channel again.
    let runtime = runtime.clone();
    let connect = move || {
        runtime.enter(|| match &intercept {
            #[cfg(feature = "proxy")]
            Some(intercept) => channel.connect_with_connector_lazy(crate::proxy::tunnel(intercept)),
            #[cfg(not(feature = "proxy"))]
            Some(never) => match *never {},
            None => channel.connect_lazy(),
        })
    };
    let mut metadata = http::HeaderMap::new();
    metadata.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static(crate::proto_export::USER_AGENT),
    );
    metadata.extend(headers);
    let metadata = tonic::metadata::MetadataMap::from_headers(metadata);
    #[cfg(feature = "gzip")]
    let compression = gzip.then_some(tonic::codec::CompressionEncoding::Gzip);
    // Without the feature, `sender` has refused gzip already.
    #[cfg(not(feature = "gzip"))]
    let compression = gzip.then_some(()).and(None);
    Ok(Via::Grpc(GrpcSender::new(
        Box::new(connect),
        signal.grpc,
        metadata,
        compression,
    )))
}

/// OTLP/HTTP with protobuf bodies, through the runtime's client for this timeout and
/// TLS; the PEM settings the client could not use are the lenient build's warnings.
#[cfg(feature = "http-proto")]
fn http(
    settings: &Settings,
    endpoint: &str,
    uri: http::Uri,
    https: bool,
    headers: http::HeaderMap,
    gzip: bool,
    runtime: &RuntimeRef,
) -> Result<(Via, Vec<BuildWarning>), BuildError> {
    use crate::http_client::ClientTls;
    use crate::proto_export::HttpSender;

    let tls = if https {
        ClientTls::Https {
            ca: settings.ca.as_deref(),
            identity: settings
                .identity
                .as_ref()
                .map(|(c, k)| (c.as_slice(), k.as_slice())),
        }
    } else {
        ClientTls::PlainHttp
    };
    #[cfg(feature = "proxy")]
    let route = settings
        .proxy
        .as_ref()
        .and_then(|proxy| proxy.intercept(&uri))
        .map_or(
            crate::http_client::Route::Direct,
            crate::http_client::Route::Proxied,
        );
    #[cfg(not(feature = "proxy"))]
    let route = crate::http_client::Route::Direct;
    let (client, warnings) =
        runtime
            .http_client(settings.timeout, tls, route)
            .map_err(|why| BuildError::Tls {
                endpoint: endpoint.to_owned(),
                why,
            })?;
    Ok((Via::Http(HttpSender::new(client, uri, headers, gzip)), warnings))
}
