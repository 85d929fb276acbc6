//! TLS for the OTLP exporters, gRPC and HTTP: the connector that uses the rustls
//! configuration (`tls_config.rs`) the credentials hold.
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
use rustls::pki_types::ServerName;

use crate::transport::credentials::{Retirement, TlsMaterial};

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
        crate::transport::liveness::keep_alive(&mut tcp);
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
