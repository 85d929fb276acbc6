//! [`TlsConnection`]: the per-connection answer to "was this request received over
//! TLS?", which an HTTP/1.1 request cannot give by itself.

/// Marks a request as received on a TLS connection this process terminated: put it in
/// the request's extensions (where the TLS acceptor hands the connection to the app)
/// and [`ServerLayer`](super::ServerLayer) records `url.scheme = "https"` for it, on
/// the span and on the duration metric, whatever
/// [`served_over_tls`](super::ServerLayer::served_over_tls) says. A server with a
/// plain and a TLS listener marks the TLS listener's requests only and leaves
/// `served_over_tls` off: each request then gets its own connection's scheme.
///
/// Needed because no common TLS stack for axum or hyper says so itself: hyper gives an
/// HTTP/1.1 request no scheme, and neither axum-server's `RustlsAcceptor` /
/// `OpenSSLAcceptor`, tokio-rustls, nor hyper-util's connection builders add anything
/// to the request's extensions. (HTTP/2 requests, tonic's included, carry their
/// `:scheme`, which the layer reads.) A trusted proxy's `Forwarded` /
/// `X-Forwarded-Proto` still wins: it names the original client's scheme.
///
/// The marker must be inserted before the layer runs, that is outside it: with axum,
/// `.layer(Extension(TlsConnection))` added after (outside) `.layer(ServerLayer::new())`.
///
/// One line on the TLS listener's app, for axum-server (`bind_rustls(addr,
/// config).serve(https_app.into_make_service())`), a hyper-util accept loop over
/// tokio-rustls (`serve_connection(TokioIo::new(tls), TowerToHyperService::new(https_app))`),
/// or inside a custom axum-server `Accept` (`Extension(TlsConnection).layer(service)`):
///
/// ```
/// use axum::{Extension, Router, routing::get};
/// use otel_kit_http::ServerLayer;
/// use otel_kit_http::server::TlsConnection;
///
/// let app: Router = Router::new()
///     .route("/orders", get(|| async { "orders" }))
///     .layer(ServerLayer::new());
/// // Served on the plain listener: `url.scheme = "http"`.
/// let http_app = app.clone();
/// // Served on the TLS listener: `url.scheme = "https"`.
/// let https_app = app.layer(Extension(TlsConnection));
/// # let _ = (http_app, https_app);
/// ```
///
/// Without axum, any service in front of the layer can insert it:
/// `request.extensions_mut().insert(TlsConnection)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TlsConnection;
