//! TLS for the OTLP exporters, gRPC and HTTP: the rustls client configuration, built here
//! so that the crypto provider is the one the cargo features chose, and the connector
//! that uses it.
//!
//! The server is verified against the system's roots (read by rustls-native-certs) and
//! the configured CA, as the OTLP exporter specification asks of
//! `OTEL_EXPORTER_OTLP_CERTIFICATE`; the client identity is presented when configured.
//!
//! The connector is ours rather than hyper-rustls's: cargo features cannot say "TLS and
//! HTTP", so a dependency of the HTTPS connector comes with TLS alone, gRPC-only builds
//! included. tokio-rustls, hyper and tower-service are in those builds already (tonic
//! uses them); hyper-rustls would be one crate more, for a few lines.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::credentials::{Retirement, TlsMaterial};
use crate::error::{BuildWarning, CertificateSetting};

/// The provider the features chose: ring when `tls-ring` is on (as tonic, which prefers
/// it too, so that both transports agree), else aws-lc-rs.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    #[cfg(feature = "tls-ring")]
    let provider = rustls::crypto::ring::default_provider();
    #[cfg(all(feature = "tls-aws-lc", not(feature = "tls-ring")))]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    Arc::new(provider)
}

/// A client configuration that verifies the server with `system_roots` (the system's,
/// read by rustls-native-certs) plus `ca` (PEM, any number of certificates) and presents
/// `identity` (certificate chain and key, PEM). A PEM that cannot be used is returned as
/// a warning next to a configuration without it, so the exporter still starts (when
/// built leniently) and its failure is explained. No root at all is not an error here:
/// every handshake then fails, and is counted, where tonic's own TLS would refuse to
/// build (`with_enabled_roots` with an empty system store).
pub(crate) fn client_config(
    system_roots: &[CertificateDer<'static>],
    ca: Option<&[u8]>,
    identity: Option<(&[u8], &[u8])>,
) -> (Result<ClientConfig, rustls::Error>, Vec<BuildWarning>) {
    let mut problems = Vec::new();
    let extra_roots: Vec<CertificateDer<'static>> = match ca {
        Some(pem) => match CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>() {
            Ok(certs) if !certs.is_empty() => certs,
            Ok(_) => {
                problems.push(BuildWarning {
                    setting: CertificateSetting::CaCertificate,
                    why: "holds no PEM certificate; using the system roots".to_owned(),
                });
                Vec::new()
            }
            Err(e) => {
                problems.push(BuildWarning {
                    setting: CertificateSetting::CaCertificate,
                    why: format!(
                        "is not a PEM certificate ({}); using the system roots",
                        pem_problem(&e)
                    ),
                });
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let identity = identity.and_then(|(cert, key)| {
        let chain = CertificateDer::pem_slice_iter(cert).collect::<Result<Vec<_>, _>>();
        let key = PrivateKeyDer::from_pem_slice(key);
        match (chain, key) {
            (Ok(chain), Ok(key)) if !chain.is_empty() => Some((chain, key)),
            (chain, key) => {
                let (setting, why) = match (chain, key) {
                    (Err(e), _) => (
                        CertificateSetting::ClientIdentity,
                        format!("is not a PEM certificate chain ({})", pem_problem(&e)),
                    ),
                    (Ok(_), Err(e)) => (
                        CertificateSetting::ClientKey,
                        format!("is not a PEM private key ({})", pem_problem(&e)),
                    ),
                    (Ok(_), Ok(_)) => (
                        CertificateSetting::ClientIdentity,
                        "holds no PEM certificate".to_owned(),
                    ),
                };
                problems.push(BuildWarning {
                    setting,
                    why: format!("{why}; no client certificate is presented"),
                });
                None
            }
        }
    });
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable or unparsable system certificates are skipped, as tonic does: the
    // export then fails with the server's name in the error, and the service runs on.
    roots.add_parsable_certificates(system_roots.iter().cloned());
    roots.add_parsable_certificates(extra_roots);
    let config = match identity {
        // A key rustls cannot use, or one that does not match the certificate, is
        // refused here: the client goes on without an identity, as for an unreadable one.
        Some(identity) => build(roots.clone(), Some(identity)).or_else(|e| {
            // A pair that does not match is the certificate's and the key's problem; any
            // other refusal is the key's (rustls parses it here: RSA, ECDSA or EdDSA).
            let (setting, why) = match e {
                rustls::Error::InconsistentKeys(_) => (
                    CertificateSetting::ClientIdentity,
                    format!("cannot be used with its key ({e})"),
                ),
                _ => (CertificateSetting::ClientKey, format!("cannot be used ({e})")),
            };
            problems.push(BuildWarning {
                setting,
                why: format!("{why}; no client certificate is presented"),
            });
            build(roots, None)
        }),
        None => build(roots, None),
    };
    (config, problems)
}

/// What is wrong with a PEM file, in fixed words: the parser's own errors carry the
/// file's lines (a key's base64 among them), which must never reach a warning.
fn pem_problem(e: &rustls::pki_types::pem::Error) -> &'static str {
    use rustls::pki_types::pem::Error;
    match e {
        Error::MissingSectionEnd { .. } => "a PEM section has no END line",
        Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed",
        Error::Base64Decode(_) => "a PEM section is not valid base64",
        Error::Io(_) => "it cannot be read",
        Error::NoItemsFound => "no PEM item was found",
        Error::SectionTooLarge => "a PEM section is over 10 MB",
        _ => "it cannot be parsed",
    }
}

fn build(
    roots: rustls::RootCertStore,
    identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<ClientConfig, rustls::Error> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots);
    match identity {
        Some((chain, key)) => builder.with_client_auth_cert(chain, key),
        None => Ok(builder.with_no_client_auth()),
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connects to a collector over TLS: TCP with hyper-util's connector (or a proxy's
/// `CONNECT` tunnel), then TLS with the material's configuration as it is when the
/// connection is made. Plain `http://` endpoints get a client without it. OTLP/HTTP and
/// gRPC both use it, so both verify the collector the same way, and both pick up
/// rotated certificates (`credentials`).
#[derive(Clone)]
pub(crate) struct HttpsConnector {
    tcp: Tcp,
    material: Arc<TlsMaterial>,
    /// Whether a connection closes once new material is in use (OTLP/HTTP). gRPC's do
    /// not: its sender replaces the whole channel instead, so that the calls open on
    /// the old connection finish there (h2 would fail them as `Unknown`).
    retire: bool,
}

/// What the TLS runs over: a TCP connection to the collector, or a `CONNECT` tunnel to
/// it through a proxy (the `proxy` feature). Both give the same stream.
#[derive(Clone)]
enum Tcp {
    Direct(HttpConnector),
    #[cfg(feature = "proxy")]
    Tunnel(hyper_util::client::legacy::connect::proxy::Tunnel<HttpConnector>),
}

impl HttpsConnector {
    pub(crate) fn new(material: Arc<TlsMaterial>) -> Self {
        let mut tcp = HttpConnector::new();
        // It refuses any scheme but `http` unless told otherwise; the TLS is ours.
        tcp.enforce_http(false);
        // As reqwest did: a request is written at once, without waiting for ACKs.
        tcp.set_nodelay(true);
        crate::liveness::keep_alive(&mut tcp);
        HttpsConnector {
            tcp: Tcp::Direct(tcp),
            material,
            retire: true,
        }
    }

    /// Connections that stay open when new material is in use (gRPC: see `retire`).
    #[cfg(feature = "grpc")]
    pub(crate) fn without_retirement(mut self) -> Self {
        self.retire = false;
        self
    }

    /// The TCP settings of tonic's `endpoint` (keep-alive, `TCP_NODELAY`), which tonic
    /// applies only to the connector it makes itself: a gRPC channel over TLS has ours.
    #[cfg(feature = "grpc")]
    #[allow(irrefutable_let_patterns)]
    pub(crate) fn with_tcp_of(mut self, endpoint: &tonic::transport::Endpoint) -> Self {
        if let Tcp::Direct(tcp) = &mut self.tcp {
            tcp.set_nodelay(endpoint.get_tcp_nodelay());
            tcp.set_keepalive(endpoint.get_tcp_keepalive());
            tcp.set_keepalive_interval(endpoint.get_tcp_keepalive_interval());
            tcp.set_keepalive_retries(endpoint.get_tcp_keepalive_retries());
        }
        self
    }

    /// TLS inside `tunnel`, a `CONNECT` tunnel through a proxy.
    #[cfg(feature = "proxy")]
    pub(crate) fn through(
        material: Arc<TlsMaterial>,
        tunnel: hyper_util::client::legacy::connect::proxy::Tunnel<HttpConnector>,
    ) -> Self {
        HttpsConnector {
            tcp: Tcp::Tunnel(tunnel),
            material,
            retire: true,
        }
    }
}

impl std::fmt::Debug for HttpsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsConnector").finish_non_exhaustive()
    }
}

impl tower_service::Service<http::Uri> for HttpsConnector {
    type Response = TlsStream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<TlsStream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match &mut self.tcp {
            Tcp::Direct(tcp) => tcp.poll_ready(cx).map_err(Into::into),
            #[cfg(feature = "proxy")]
            Tcp::Tunnel(tunnel) => tunnel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let server_name = server_name(&uri);
        let tcp: Pin<Box<dyn Future<Output = Result<TokioIo<tokio::net::TcpStream>, BoxError>> + Send>> =
            match &mut self.tcp {
                Tcp::Direct(tcp) => {
                    let connecting = tcp.call(uri);
                    Box::pin(async move { connecting.await.map_err(Into::into) })
                }
                #[cfg(feature = "proxy")]
                Tcp::Tunnel(tunnel) => {
                    let connecting = tunnel.call(uri);
                    Box::pin(async move { connecting.await.map_err(Into::into) })
                }
            };
        let (config, retirement) = self.material.current();
        let retirement = self.retire.then_some(retirement);
        let tls = tokio_rustls::TlsConnector::from(config);
        Box::pin(async move {
            let server_name = server_name?;
            let tcp = tcp.await?;
            let stream = tls.connect(server_name, TokioIo::new(tcp)).await?;
            Ok(TlsStream {
                io: TokioIo::new(stream),
                retirement,
                retired: false,
            })
        })
    }
}

/// The name the server's certificate must carry: the URI's host, an IPv6 address
/// without its brackets. The scheme is not looked at: tonic is given the endpoint as
/// `http://` (its own TLS would refuse a missing system store), and this connector
/// adds the TLS.
fn server_name(uri: &http::Uri) -> Result<ServerName<'static>, BoxError> {
    let host = uri.host().unwrap_or_default();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Ok(ServerName::try_from(host.to_owned())?)
}

/// A TLS connection as hyper reads and writes it (tokio-rustls speaks tokio's I/O
/// traits, hyper its own: `TokioIo` adapts each way). Once the TLS material it was made
/// with is replaced, it reads as closed and refuses writes: hyper drops it, and the next
/// request connects with the new material (a request caught in between fails as a
/// transport error, which the exporter retries).
pub(crate) struct TlsStream {
    io: TokioIo<tokio_rustls::client::TlsStream<TokioIo<TokioIo<tokio::net::TcpStream>>>>,
    /// `None`: the connection is never retired (gRPC's).
    retirement: Option<Retirement>,
    retired: bool,
}

impl TlsStream {
    fn is_retired(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.retired
            && let Some(retirement) = &mut self.retirement
            && retirement.poll(cx).is_ready()
        {
            self.retired = true;
        }
        self.retired
    }
}

fn retired() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the TLS credentials changed; reconnecting with the new ones",
    )
}

impl Connection for TlsStream {
    fn connected(&self) -> Connected {
        let (tcp, _) = self.io.inner().get_ref();
        tcp.inner().connected()
    }
}

impl hyper::rt::Read for TlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.is_retired(cx) {
            // End of stream: the connection is closed and not used again.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for TlsStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.is_retired(cx) {
            return Poll::Ready(Err(retired()));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.is_retired(cx) {
            return Poll::Ready(Err(retired()));
        }
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_that_does_not_match_its_certificate_leaves_the_client_without_an_identity() {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["client".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let other_key = rcgen::KeyPair::generate().expect("key").serialize_pem();
        let (config, problems) =
            client_config(&[], None, Some((cert.pem().as_bytes(), other_key.as_bytes())));
        let config = config.expect("a configuration without the identity");
        assert!(!config.client_auth_cert_resolver.has_certs());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].setting, CertificateSetting::ClientIdentity);
        assert!(
            problems[0].why.ends_with("no client certificate is presented"),
            "{}",
            problems[0].why
        );
    }

    /// A key written on one line (its newlines turned into spaces) or cut short makes
    /// the PEM parser return the file's lines in its error: none of the key may reach
    /// the warning, as text or as the decimal bytes of a `Vec<u8>`'s `Debug`.
    #[test]
    fn a_key_that_cannot_be_parsed_is_not_printed_in_the_warning() {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["client".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let key_pem = key.serialize_pem();
        let base64: String = key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let one_line = key_pem.replace('\n', " ");
        let truncated = &key_pem[..key_pem.len() - 40];
        let broken_ca = one_line.replace("PRIVATE KEY", "CERTIFICATE");
        for (what, cert_pem, key_pem, ca) in [
            ("one-line key", cert.pem(), one_line.clone(), None),
            ("truncated key", cert.pem(), truncated.to_owned(), None),
            (
                "one-line certificate",
                one_line.replace("PRIVATE KEY", "CERTIFICATE"),
                key_pem.clone(),
                None,
            ),
            (
                "one-line CA",
                cert.pem(),
                key_pem.clone(),
                Some(broken_ca.as_bytes()),
            ),
        ] {
            let (_, problems) = client_config(&[], ca, Some((cert_pem.as_bytes(), key_pem.as_bytes())));
            assert!(!problems.is_empty(), "{what}: no warning");
            for problem in &problems {
                let why = &problem.why;
                let bytes = base64.as_bytes();
                for window in bytes.windows(16) {
                    let text = std::str::from_utf8(window).expect("ascii");
                    let decimal = window.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
                    assert!(!why.contains(text), "{what}: the key's text is in: {why}");
                    assert!(!why.contains(&decimal), "{what}: the key's bytes are in: {why}");
                }
            }
        }
    }

    #[test]
    fn the_server_name_is_the_host_without_ipv6_brackets() {
        let name = |uri: &str| server_name(&uri.parse().expect("uri")).map(|n| n.to_str().into_owned());
        assert_eq!(
            name("https://collector:4318/v1/traces").expect("name"),
            "collector"
        );
        assert_eq!(name("https://[::1]:4318/v1/traces").expect("name"), "::1");
        // gRPC's endpoint is given to tonic as http://; the TLS is this connector's.
        assert_eq!(name("http://collector:4317").expect("name"), "collector");
    }
}
