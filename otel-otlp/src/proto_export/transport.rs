//! From an [`ExporterBuilder`](crate::ExporterBuilder)'s settings to the `Sender` of
//! one signal: every value checked (a typed error naming what to fix, never a panic),
//! then gRPC through a tonic channel of our own or HTTP/protobuf through the export
//! runtime's shared client, with opentelemetry-otlp's metadata, timeout, compression
//! and TLS.

use std::sync::Arc;

use otel_kit_core::otlp::{Compression, Protocol};

use crate::error::{BuildError, BuildWarning};
use crate::transport::credentials::HeaderFiles;
use crate::transport::export_runtime::{ExportRuntime, RuntimeRef};
use crate::transport::made_headers::{ExportHeaders, MadeHeaders};

use super::sender::{Sender, Via};
use super::services::SignalInfo;
use crate::ExportSettings;
use crate::printable_endpoint;

/// The sender of one signal's exporter, and what a lenient build left out.
pub(crate) fn sender(
    settings: ExportSettings,
    shared_runtime: Option<RuntimeRef>,
    signal: &SignalInfo,
) -> Result<(Arc<Sender>, Vec<BuildWarning>), BuildError> {
    if settings.timeout.is_zero() {
        return Err(BuildError::ZeroTimeout);
    }
    if settings.credentials_check_interval < crate::export_settings::settings::MIN_CREDENTIALS_CHECK_INTERVAL
    {
        return Err(BuildError::CredentialsCheckIntervalTooShort(
            settings.credentials_check_interval,
        ));
    }
    let endpoint = settings.endpoint_or_default(signal.signal).into_owned();
    let uri = parse_endpoint(&endpoint)?;
    let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
    if https && !cfg!(feature = "__tls") {
        return Err(BuildError::NotBuiltIn {
            what: "an https:// endpoint",
            feature: "`tls-ring` or `tls-aws-lc`",
        });
    }
    let headers = header_map(&settings.headers)?;
    // Every credential file read at once from here: the loads below join these reads.
    let tls_files = settings
        .ca_certificate
        .iter()
        .chain(settings.client_identity.iter().flat_map(|(c, k)| [c, k]));
    let _reads_under_way = crate::transport::credentials::begin_start_reads(
        tls_files.filter(|_| https),
        settings.header_files.iter().map(|(_, path)| path),
    );
    let mut warnings = plaintext_certificates(&settings, https);
    let compression = match settings.compression {
        Some(Compression::Gzip) if !cfg!(feature = "gzip") => {
            return Err(BuildError::NotBuiltIn {
                what: "gzip compression",
                feature: "`gzip`",
            });
        }
        Some(Compression::Zstd) if !cfg!(feature = "zstd") => {
            return Err(BuildError::NotBuiltIn {
                what: "zstd compression",
                feature: "`zstd`",
            });
        }
        built_in => built_in,
    };
    // An exporter without a shared runtime owns one, which lives as long as its sender.
    let (runtime, owned) = match shared_runtime {
        Some(shared) => (shared, None),
        None => {
            let own = ExportRuntime::start().map_err(BuildError::ExportThread)?;
            (own.shared().clone(), Some(own))
        }
    };
    let extra_headers = extra_headers(&settings, &runtime, &mut warnings)?;
    let via = match settings.protocol {
        #[cfg(feature = "grpc")]
        Protocol::Grpc => grpc(
            &settings,
            &endpoint,
            &uri,
            https,
            headers,
            extra_headers,
            compression,
            &runtime,
            signal,
            &mut warnings,
        )?,
        #[cfg(feature = "http-proto")]
        Protocol::HttpProtobuf => http(
            &settings,
            &endpoint,
            uri,
            https,
            headers,
            extra_headers,
            compression,
            &runtime,
            &mut warnings,
        )?,
        Protocol::HttpJson => {
            return Err(BuildError::NotBuiltIn {
                what: "OTLP/HTTP with JSON (sent by the exporters `ExportSettings` builds, not by this protobuf exporter)",
                feature: "`http-json`",
            });
        }
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

/// The scheme decides whether the exporter uses TLS, as the OTLP exporter specification
/// says: a CA or client certificate given for an `http://` endpoint is not used (and a
/// warning says so), rather than sending in plaintext while the settings suggest TLS.
fn plaintext_certificates(settings: &ExportSettings, https: bool) -> Vec<BuildWarning> {
    use crate::error::CertificateSetting;
    if https {
        return Vec::new();
    }
    let why =
        "is ignored: the endpoint is http://, which sends in plaintext (use an https:// endpoint for TLS)";
    let ca = settings
        .ca_certificate
        .as_ref()
        .map(|_| CertificateSetting::CaCertificate);
    let identity = settings
        .client_identity
        .as_ref()
        .map(|_| CertificateSetting::ClientIdentity);
    ca.into_iter()
        .chain(identity)
        .map(|setting| BuildWarning {
            setting,
            why: why.to_owned(),
        })
        .collect()
}

/// The headers read from files (read again every check interval) and those the
/// application makes at each export.
fn extra_headers(
    settings: &ExportSettings,
    runtime: &RuntimeRef,
    warnings: &mut Vec<BuildWarning>,
) -> Result<ExportHeaders, BuildError> {
    Ok(ExportHeaders {
        files: header_files(settings, runtime, warnings)?,
        made: settings.dynamic_headers.clone().map(MadeHeaders::new),
    })
}

/// The headers read from files, read again every check interval; `None` without any.
fn header_files(
    settings: &ExportSettings,
    runtime: &RuntimeRef,
    warnings: &mut Vec<BuildWarning>,
) -> Result<Option<Arc<HeaderFiles>>, BuildError> {
    if settings.header_files.is_empty() {
        return Ok(None);
    }
    let mut files = Vec::new();
    for (name, path) in &settings.header_files {
        let key = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| BuildError::InvalidHeader {
            name: name.clone(),
            why: e.to_string(),
        })?;
        files.push((key, path.clone()));
    }
    let (files, problems) = HeaderFiles::load(files);
    warnings.extend(problems.into_iter().map(|why| BuildWarning {
        setting: crate::error::CertificateSetting::HeaderFile,
        why,
    }));
    crate::transport::credentials::watch(
        &files,
        runtime.handle(),
        settings.credentials_check_interval,
        HeaderFiles::check,
    );
    Ok(Some(files))
}

/// An absolute `http://` or `https://` URL with a host.
fn parse_endpoint(endpoint: &str) -> Result<http::Uri, BuildError> {
    let invalid = |why: String| BuildError::InvalidEndpoint {
        endpoint: printable_endpoint(endpoint),
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
/// metadata; for an `https://` endpoint, our TLS connector with the system roots plus
/// the CA and the client identity (read again when they are files).
#[cfg(feature = "grpc")]
#[allow(clippy::too_many_arguments)]
fn grpc(
    settings: &ExportSettings,
    endpoint: &str,
    uri: &http::Uri,
    https: bool,
    headers: http::HeaderMap,
    extra_headers: ExportHeaders,
    compression: Option<Compression>,
    runtime: &RuntimeRef,
    signal: &SignalInfo,
    warnings: &mut Vec<BuildWarning>,
) -> Result<Via, BuildError> {
    use super::grpc::GrpcSender;
    use crate::error_chain::chain;
    use crate::transport::liveness;

    // Every wait of a connection has a deadline (the export timeout: no attempt may
    // wait longer; tonic applies it around any connector, so it also bounds our TLS
    // handshake and a proxy's `CONNECT` reply), and a connection that went quiet is
    // probed (see `liveness`; our own connectors set the same TCP keep-alive). The call
    // itself is bounded by the sender, which gives each attempt the time left.
    let with_liveness = |endpoint: tonic::transport::Endpoint| {
        endpoint
            .connect_timeout(liveness::connect_deadline(settings.timeout))
            .tcp_keepalive(Some(liveness::TCP_KEEPALIVE_IDLE))
            .tcp_keepalive_interval(Some(liveness::TCP_KEEPALIVE_INTERVAL))
            .tcp_keepalive_retries(Some(liveness::TCP_KEEPALIVE_RETRIES))
            .http2_keep_alive_interval(liveness::HTTP2_PING_INTERVAL)
            .keep_alive_timeout(liveness::HTTP2_PING_TIMEOUT)
            .keep_alive_while_idle(false)
    };
    let channel = tonic::transport::Endpoint::from_shared(endpoint.to_owned()).map_err(|e| {
        BuildError::InvalidEndpoint {
            endpoint: printable_endpoint(endpoint),
            why: chain(&e),
        }
    })?;
    // The TLS is our connector's, not tonic's: tonic's refuses to build on a system
    // without CA certificates, even with a CA given, and cannot take new certificates.
    // tonic is given the endpoint as `http://` (so that it adds no TLS of its own), and
    // the requests keep the `https://` origin.
    #[cfg(feature = "__tls")]
    let (channel, tls) = if https {
        use crate::transport::credentials::TlsMaterial;
        let (material, problems) = TlsMaterial::load(
            settings.ca_certificate.clone(),
            settings.client_identity.clone(),
            b"h2",
        )
        .map_err(|why| BuildError::Tls {
            endpoint: printable_endpoint(endpoint),
            why,
        })?;
        warnings.extend(problems);
        if material.has_files() {
            crate::transport::credentials::watch(
                &material,
                runtime.handle(),
                settings.credentials_check_interval,
                TlsMaterial::check,
            );
        }
        let plain = tonic::transport::Endpoint::from_shared(plain_authority(uri)).map_err(|e| {
            BuildError::InvalidEndpoint {
                endpoint: printable_endpoint(endpoint),
                why: chain(&e),
            }
        })?;
        (plain.origin(uri.clone()), Some(material))
    } else {
        (channel, None)
    };
    // Without TLS, `sender` has refused an `https://` endpoint already.
    #[cfg(not(feature = "__tls"))]
    let (_, _, tls) = (https, uri, None::<std::convert::Infallible>);
    let _ = &warnings;
    let channel = with_liveness(channel);
    // Through a proxy, HTTP/2 needs a `CONNECT` tunnel (our TLS goes inside it).
    #[cfg(feature = "proxy")]
    let intercept = settings
        .proxy
        .as_ref()
        .and_then(|proxy| proxy.intercept(&endpoint.parse().unwrap_or_default()));
    #[cfg(not(feature = "proxy"))]
    let intercept: Option<std::convert::Infallible> = None;
    // tonic spawns the channel's connection tasks on the current runtime. A timed-out
    // attempt makes the channel again.
    #[cfg(feature = "__tls")]
    let material = tls.clone();
    let runtime = runtime.clone();
    let connect = move || {
        runtime.enter(|| match (&intercept, &tls) {
            #[cfg(feature = "proxy")]
            #[cfg(feature = "__tls")]
            (Some(intercept), Some(tls)) => channel.connect_with_connector_lazy(
                crate::transport::tls::HttpsConnector::through(
                    Arc::clone(tls),
                    crate::transport::proxy::tunnel(intercept),
                )
                .without_retirement(),
            ),
            #[cfg(feature = "proxy")]
            (Some(intercept), _) => {
                channel.connect_with_connector_lazy(crate::transport::proxy::tunnel(intercept))
            }
            #[cfg(not(feature = "proxy"))]
            (Some(never), _) => match *never {},
            #[cfg(feature = "__tls")]
            (None, Some(tls)) => channel.connect_with_connector_lazy(
                crate::transport::tls::HttpsConnector::new(Arc::clone(tls))
                    .with_tcp_of(&channel)
                    .without_retirement(),
            ),
            #[cfg(not(feature = "__tls"))]
            (None, Some(never)) => match *never {},
            (None, None) => channel.connect_lazy(),
        })
    };
    let mut metadata = http::HeaderMap::new();
    metadata.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static(super::services::USER_AGENT),
    );
    metadata.extend(headers);
    let metadata = tonic::metadata::MetadataMap::from_headers(metadata);
    let sender = GrpcSender::new(Box::new(connect), signal.grpc, metadata, compression);
    #[cfg(feature = "__tls")]
    let sender = match material {
        Some(material) => sender.with_tls_material(material),
        None => sender,
    };
    Ok(Via::Grpc(sender.with_extra_headers(extra_headers)))
}

/// `uri`'s host and port as an `http://` URL, the port made explicit (443 when
/// `https://` left it out), for tonic to connect to with our TLS connector.
#[cfg(all(feature = "grpc", feature = "__tls"))]
fn plain_authority(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().unwrap_or(443);
    format!("http://{host}:{port}")
}

/// OTLP/HTTP with protobuf bodies, through the runtime's client for this timeout and
/// TLS; the PEM settings the client could not use are the lenient build's warnings.
#[cfg(feature = "http-proto")]
#[allow(clippy::too_many_arguments)]
fn http(
    settings: &ExportSettings,
    endpoint: &str,
    uri: http::Uri,
    https: bool,
    headers: http::HeaderMap,
    extra_headers: ExportHeaders,
    compression: Option<Compression>,
    runtime: &RuntimeRef,
    warnings: &mut Vec<BuildWarning>,
) -> Result<Via, BuildError> {
    use super::http::HttpSender;
    use crate::transport::http_client::TlsSources;

    let tls = if https {
        TlsSources::Https {
            ca: settings.ca_certificate.clone(),
            identity: settings.client_identity.clone(),
            check_every: settings.credentials_check_interval,
        }
    } else {
        TlsSources::PlainHttp
    };
    #[cfg(feature = "proxy")]
    let route = settings
        .proxy
        .as_ref()
        .and_then(|proxy| proxy.intercept(&uri))
        .map_or(
            crate::transport::http_client::Route::Direct,
            crate::transport::http_client::Route::Proxied,
        );
    #[cfg(not(feature = "proxy"))]
    let route = crate::transport::http_client::Route::Direct;
    let (client, problems) =
        runtime
            .http_client(settings.timeout, tls, route)
            .map_err(|why| BuildError::Tls {
                endpoint: printable_endpoint(endpoint),
                why,
            })?;
    warnings.extend(problems);
    let client = client.with_extra_headers(extra_headers);
    Ok(Via::Http(HttpSender::new(client, uri, headers, compression)))
}
