//! Where a request came from: `url.scheme` for HTTPS served in process (a real TLS
//! round trip; per connection with the `TlsConnection` marker, or layer-wide) and
//! behind a proxy, `server.address` / `client.address` from trusted
//! forwarded headers only, and the connection's `network.peer.*`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::routing::get;
use axum::{Extension, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use otel_kit_http::ServerLayer;
use otel_kit_http::server::TlsConnection;
use otel_kit_testing::TestTelemetry;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::server::serve;

const WAIT: Duration = Duration::from_secs(5);

fn app(layer: ServerLayer) -> Router {
    Router::new()
        .route("/orders", get(|| async { "orders" }))
        .layer(layer)
}

/// A TLS server for `localhost` in this process (rustls with ring, a self-signed
/// certificate), serving `app` over HTTP/1.1; returns its address and the certificate.
async fn serve_tls(app: Router) -> (SocketAddr, CertificateDer<'static>) {
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .expect("params")
        .self_signed(&key)
        .expect("certificate");
    let der = cert.der().clone();
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![der.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, peer)) = listener.accept().await {
            let acceptor = acceptor.clone();
            // What `into_make_service_with_connect_info` gives a plain-TCP app.
            let app = app.clone().layer(axum::Extension(ConnectInfo(peer)));
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    (addr, der)
}

/// One HTTP/1.1 GET over TLS, trusting `cert`; returns the response's status line.
async fn get_over_tls(addr: SocketAddr, cert: CertificateDer<'static>) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).expect("root");
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut tls = connector
        .connect(ServerName::try_from("localhost").expect("name"), tcp)
        .await
        .expect("TLS handshake");
    tls.write_all(
        format!(
            "GET /orders HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            addr.port()
        )
        .as_bytes(),
    )
    .await
    .expect("write");
    let mut response = String::new();
    tls.read_to_string(&mut response).await.expect("read");
    response.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_served_in_process_is_https_on_the_span_and_the_metric() {
    let t = TestTelemetry::new();
    let (addr, cert) = serve_tls(app(ServerLayer::new()
        .providers(t.providers())
        .served_over_tls(true)))
    .await;
    assert_eq!(get_over_tls(addr, cert).await, "HTTP/1.1 200 OK");

    let spans = t.wait_for_spans(1, WAIT).await;
    spans
        .span("GET /orders")
        .has_attribute("url.scheme", "https")
        .has_attribute("server.address", "localhost")
        .has_attribute("server.port", i64::from(addr.port()))
        .has_attribute("client.address", "127.0.0.1")
        .has_attribute("network.peer.address", "127.0.0.1");
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[("url.scheme", "https".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_layer_on_a_tls_and_a_plain_listener_gives_each_request_its_connection_s_scheme() {
    // One app, one layer, two listeners in this process: the TLS one's requests are
    // marked by the one documented line, the plain one's are not.
    let t = TestTelemetry::new();
    let app = app(ServerLayer::new().providers(t.providers()));
    let (tls_addr, cert) = serve_tls(app.clone().layer(Extension(TlsConnection))).await;
    let plain = serve(app).await;
    assert_eq!(get_over_tls(tls_addr, cert).await, "HTTP/1.1 200 OK");
    let status = reqwest::get(format!("{plain}/orders"))
        .await
        .expect("plain request")
        .status();
    assert_eq!(status, 200);

    let spans = t.wait_for_spans(2, WAIT).await;
    let tls_port = otel_kit_testing::AttributeValue::Int(i64::from(tls_addr.port()));
    let (over_tls, plain): (Vec<_>, Vec<_>) = spans
        .named("GET /orders")
        .into_iter()
        .partition(|s| s.record().attribute("server.port") == Some(&tls_port));
    let ([over_tls], [plain]) = (over_tls.as_slice(), plain.as_slice()) else {
        panic!(
            "one request on each listener: {} / {}",
            over_tls.len(),
            plain.len()
        );
    };
    over_tls
        .has_attribute("url.scheme", "https")
        .has_attribute("network.protocol.version", "1.1");
    plain
        .has_attribute("url.scheme", "http")
        .has_attribute("network.protocol.version", "1.1");
    let metrics = t.metrics();
    let duration = metrics.metric("http.server.request.duration");
    duration
        .histogram_point(&[("url.scheme", "https".into())])
        .has_count(1);
    duration
        .histogram_point(&[("url.scheme", "http".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_served_over_tls_an_https_request_1_1_reads_as_http() {
    // What the layer cannot know by itself: HTTP/1.1 requests carry no scheme, and
    // the TLS stack leaves no trace in the request. This is why `TlsConnection` and
    // `served_over_tls` exist (the latter off by default: most services sit behind a
    // proxy that terminates TLS).
    let t = TestTelemetry::new();
    let (addr, cert) = serve_tls(app(ServerLayer::new().providers(t.providers()))).await;
    assert_eq!(get_over_tls(addr, cert).await, "HTTP/1.1 200 OK");
    t.wait_for_spans(1, WAIT)
        .await
        .span("GET /orders")
        .has_attribute("url.scheme", "http");
}

const FORWARDED_BY_PROXY: [(&str, &str); 3] = [
    ("x-forwarded-proto", "https"),
    ("x-forwarded-host", "shop.example"),
    ("x-forwarded-for", "203.0.113.9, 10.0.0.2"),
];

async fn get_through_proxy(base: &str, headers: &[(&str, &str)]) {
    let mut request = reqwest::Client::new().get(format!("{base}/orders"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    assert_eq!(request.send().await.expect("request").status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_proxy_s_headers_give_scheme_host_and_client() {
    let t = TestTelemetry::new();
    let base = serve(app(ServerLayer::new()
        .providers(t.providers())
        .trust_forwarded_headers(true)))
    .await;
    get_through_proxy(&base, &FORWARDED_BY_PROXY).await;
    // RFC 7239 wins over the X- headers.
    get_through_proxy(
        &base,
        &[
            (
                "forwarded",
                "for=\"[2001:db8::7]:4711\";proto=https;host=api.example:8443, for=10.0.0.2",
            ),
            ("x-forwarded-host", "ignored.example"),
        ],
    )
    .await;

    let spans = t.wait_for_spans(2, WAIT).await;
    let [x_forwarded, forwarded] = <[_; 2]>::try_from(spans.named("GET /orders")).expect("two spans");
    let peer_port = x_forwarded
        .record()
        .attribute("network.peer.port")
        .cloned()
        .expect("network.peer.port");
    x_forwarded
        .has_attribute("url.scheme", "https")
        .has_attribute("server.address", "shop.example")
        .lacks_attribute("server.port")
        .has_attribute("client.address", "203.0.113.9")
        // The connection's peer is still the proxy's hop (here the test client).
        .has_attribute("network.peer.address", "127.0.0.1");
    assert!(matches!(peer_port, otel_kit_testing::AttributeValue::Int(port) if port > 0));
    forwarded
        .has_attribute("url.scheme", "https")
        .has_attribute("server.address", "api.example")
        .has_attribute("server.port", 8443)
        .has_attribute("client.address", "2001:db8::7");
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[("url.scheme", "https".into())])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_forwarded_headers_are_ignored() {
    let t = TestTelemetry::new();
    let base = serve(app(ServerLayer::new().providers(t.providers()))).await;
    let port = base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<i64>().ok())
        .expect("port");
    // A client forging a proxy's headers changes nothing.
    get_through_proxy(&base, &FORWARDED_BY_PROXY).await;
    get_through_proxy(
        &base,
        &[("forwarded", "for=203.0.113.9;proto=https;host=shop.example")],
    )
    .await;

    let spans = t.wait_for_spans(2, WAIT).await;
    for span in spans.named("GET /orders") {
        span.has_attribute("url.scheme", "http")
            .has_attribute("server.address", "127.0.0.1")
            .has_attribute("server.port", port)
            .has_attribute("client.address", "127.0.0.1")
            .has_attribute("network.peer.address", "127.0.0.1");
    }
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[("url.scheme", "http".into())])
        .has_count(2);
}
