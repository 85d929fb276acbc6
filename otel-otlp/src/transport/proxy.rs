//! Exports through an HTTP proxy (the `proxy` cargo feature): [`Proxy`], which endpoint
//! goes through which proxy, and the connectors that reach a collector through one.
//!
//! The rules are curl's, as hyper-util's proxy `Matcher` implements them: a proxy per
//! endpoint scheme (`http://`, `https://`), and a `NO_PROXY` list of hosts that go
//! direct (a domain matches itself and its subdomains, with or without a leading dot;
//! IP addresses and CIDR ranges; `*` for every host). Loopback endpoints are proxied
//! too unless the list names them, as curl does. How each endpoint goes through:
//!
//! - an `http://` OTLP/HTTP endpoint: requests in absolute form to the proxy, as curl
//!   sends them (`POST http://collector:4318/v1/traces`), with `Proxy-Authorization`;
//! - an `https://` endpoint, and every OTLP/gRPC endpoint (HTTP/2 needs the bytes
//!   untouched): a `CONNECT` tunnel, then TLS (for `https://`) inside it.
//!
//! A proxy's credentials (`http://user:password@proxy:3128`) go into the
//! `Proxy-Authorization` header only: never into [`Proxy`]'s `Debug` or `Display`, a
//! [`ProxyError`], or a log line.

use std::sync::Arc;

use hyper_util::client::proxy::matcher::{Intercept, Matcher};

/// Curl's default proxy port, for a proxy URL without one.
const DEFAULT_PORT: u16 = 1080;

/// Which exports go through which HTTP proxy. Given to
/// [`ExporterBuilder::with_proxy`](crate::ExporterBuilder::with_proxy).
///
/// ```
/// use otel_kit_otlp::Proxy;
///
/// let proxy = Proxy::new("http://user:secret@proxy.corp:3128")?.no_proxy("localhost,.internal");
/// let via = |endpoint: &str| proxy.proxy_for(&endpoint.parse().unwrap());
/// assert_eq!(via("https://otlp.vendor.io/v1/traces").as_deref(), Some("http://proxy.corp:3128/"));
/// assert_eq!(via("http://collector.internal:4318/v1/traces"), None);
/// assert!(!format!("{proxy:?} {proxy}").contains("secret"));
/// # Ok::<(), otel_kit_otlp::ProxyError>(())
/// ```
#[derive(Clone)]
pub struct Proxy {
    /// The proxy of `http://` endpoints, checked, credentials included.
    http: Option<String>,
    /// The proxy of `https://` endpoints, checked, credentials included.
    https: Option<String>,
    /// The `NO_PROXY` list.
    no_proxy: String,
    matcher: Arc<Matcher>,
}

/// A proxy URL that cannot be used. The message shows the URL without its credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    /// Not a URL with a host.
    #[error("the proxy URL '{url}' cannot be used ({why}); write it as http://[user:password@]host[:port]")]
    Invalid {
        /// The URL as given, without credentials.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// A proxy reached over something other than plain HTTP.
    #[error(
        "the proxy URL '{url}' has the scheme '{scheme}': only http:// proxies are supported (they tunnel https and gRPC with CONNECT)"
    )]
    UnsupportedScheme {
        /// The URL as given, without credentials.
        url: String,
        /// Its scheme.
        scheme: String,
    },
}

impl Proxy {
    /// Every endpoint through the proxy at `url` (`http://[user:password@]host[:port]`;
    /// without a scheme, `http://`; without a port, 1080 as in curl).
    pub fn new(url: &str) -> Result<Proxy, ProxyError> {
        Proxy::by_scheme(Some(url), Some(url))
    }

    /// `http://` endpoints through `http`, `https://` endpoints through `https`; an
    /// endpoint whose scheme has none goes direct. The environment's `HTTP_PROXY` and
    /// `HTTPS_PROXY` (with `ALL_PROXY` for a missing one), as otel-kit-init reads them.
    pub fn by_scheme(http: Option<&str>, https: Option<&str>) -> Result<Proxy, ProxyError> {
        Ok(Proxy::built(
            http.map(checked).transpose()?,
            https.map(checked).transpose()?,
            String::new(),
        ))
    }

    /// The hosts that go direct, as `NO_PROXY` lists them: comma-separated domains
    /// (each with its subdomains, a leading dot or not), IP addresses or CIDR ranges, or
    /// `*` for all.
    pub fn no_proxy(self, list: &str) -> Proxy {
        Proxy::built(self.http, self.https, list.to_owned())
    }

    /// The proxy `endpoint` goes through, without credentials; `None` when it goes
    /// direct.
    pub fn proxy_for(&self, endpoint: &http::Uri) -> Option<String> {
        self.intercept(endpoint).map(|i| i.uri().to_string())
    }

    /// hyper-util's match for `endpoint`, with the proxy's address and credentials.
    pub(crate) fn intercept(&self, endpoint: &http::Uri) -> Option<Intercept> {
        self.matcher.intercept(endpoint)
    }

    fn built(http: Option<String>, https: Option<String>, no_proxy: String) -> Proxy {
        let mut builder = Matcher::builder().no(no_proxy.as_str());
        if let Some(url) = &http {
            builder = builder.http(url.as_str());
        }
        if let Some(url) = &https {
            builder = builder.https(url.as_str());
        }
        Proxy {
            matcher: Arc::new(builder.build()),
            http,
            https,
            no_proxy,
        }
    }
}

/// What `Debug` and `Display` show: the proxies without their credentials.
impl std::fmt::Display for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(url) = &self.http {
            parts.push(format!("http={}", without_credentials(url)));
        }
        if let Some(url) = &self.https {
            parts.push(format!("https={}", without_credentials(url)));
        }
        if !self.no_proxy.is_empty() {
            parts.push(format!("no_proxy={}", self.no_proxy));
        }
        f.write_str(&parts.join(" "))
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Proxy({self})")
    }
}

impl PartialEq for Proxy {
    fn eq(&self, other: &Proxy) -> bool {
        (&self.http, &self.https, &self.no_proxy) == (&other.http, &other.https, &other.no_proxy)
    }
}

/// `url` without its user information: everything up to the last `@`, so that a
/// password holding an unencoded `/`, `?` or `#` (which ends the authority for a URL
/// parser) is masked whole too.
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_owned(),
        },
        None => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_owned(),
        },
    }
}

/// `url` as the matcher takes it: a scheme (`http://` when none is given), a host and a
/// port (curl's 1080 when none is given); only `http://` proxies.
fn checked(url: &str) -> Result<String, ProxyError> {
    let url = url.trim();
    let with_scheme = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let shown = without_credentials(&with_scheme);
    let invalid = |why: &str| ProxyError::Invalid {
        url: shown.clone(),
        why: why.to_owned(),
    };
    let uri: http::Uri = with_scheme.parse().map_err(|_| invalid("not a URL"))?;
    let scheme = uri.scheme_str().unwrap_or("http");
    if scheme != "http" {
        return Err(ProxyError::UnsupportedScheme {
            url: shown.clone(),
            scheme: scheme.to_owned(),
        });
    }
    // A `/`, `?` or `#` in a password ends the authority there: `http://alice:pa/ss@proxy`
    // is host `alice`, port `pa`, path `/ss@proxy` to a URL parser (and to curl).
    if uri.path_and_query().is_some_and(|p| p.as_str() != "/") || with_scheme.contains('#') {
        return Err(invalid(
            "a proxy URL has no path: a '/', '?' or '#' in the user name or password must be percent-encoded (%2F, %3F, %23)",
        ));
    }
    let authority = uri.authority().ok_or_else(|| invalid("it has no host"))?;
    if authority.host().is_empty() {
        return Err(invalid("it has no host"));
    }
    if authority.port().is_some() && authority.port_u16().is_none() {
        return Err(invalid("its port is not a number"));
    }
    let url = if authority.port().is_some() {
        format!("http://{authority}")
    } else {
        format!("http://{authority}:{DEFAULT_PORT}")
    };
    // What hyper-util's matcher cannot read it would skip without a word, and the
    // exports would go direct.
    let probe = http::Uri::from_static("http://collector.invalid/");
    if Matcher::builder()
        .http(url.as_str())
        .build()
        .intercept(&probe)
        .is_none()
    {
        return Err(invalid("hyper-util's proxy matcher does not accept it"));
    }
    Ok(url)
}

#[cfg(any(feature = "grpc", feature = "__http"))]
/// A plain TCP connector as the exporters use it (no Nagle delay: a request is written
/// at once), for any scheme: TLS, when there is some, is added above it.
fn tcp() -> hyper_util::client::legacy::connect::HttpConnector {
    let mut tcp = hyper_util::client::legacy::connect::HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    crate::transport::liveness::keep_alive(&mut tcp);
    tcp
}

/// A connector to `intercept`'s proxy whose connections are `CONNECT` tunnels to the
/// endpoint, with the proxy's credentials: for `https://` endpoints (TLS inside it) and
/// for gRPC.
#[cfg(any(feature = "grpc", all(feature = "__tls", feature = "__http")))]
pub(crate) fn tunnel(
    intercept: &Intercept,
) -> hyper_util::client::legacy::connect::proxy::Tunnel<hyper_util::client::legacy::connect::HttpConnector> {
    let tunnel = hyper_util::client::legacy::connect::proxy::Tunnel::new(intercept.uri().clone(), tcp());
    match intercept.basic_auth() {
        Some(auth) => tunnel.with_auth(auth.clone()),
        None => tunnel,
    }
}

/// The `Proxy-Authorization` header of `intercept`'s proxy, for requests in absolute
/// form (marked sensitive, so that hyper never logs it).
#[cfg(feature = "__http")]
pub(crate) fn authorization(intercept: &Intercept) -> Option<http::HeaderValue> {
    intercept.basic_auth().map(|auth| {
        let mut auth = auth.clone();
        auth.set_sensitive(true);
        auth
    })
}

#[cfg(feature = "__http")]
pub(crate) use absolute_form::ToProxy;

/// Plain `http://` endpoints through a proxy, as curl does it: a connection to the proxy,
/// marked as one, so that hyper writes each request's target in absolute form.
#[cfg(feature = "__http")]
mod absolute_form {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
    use hyper_util::rt::TokioIo;
    use tower_service::Service;

    type BoxError = Box<dyn std::error::Error + Send + Sync>;

    /// Connects to the proxy whatever the endpoint.
    #[derive(Clone, Debug)]
    pub(crate) struct ToProxy {
        tcp: HttpConnector,
        proxy: http::Uri,
    }

    impl ToProxy {
        pub(crate) fn new(intercept: &super::Intercept) -> Self {
            ToProxy {
                tcp: super::tcp(),
                proxy: intercept.uri().clone(),
            }
        }
    }

    impl Service<http::Uri> for ToProxy {
        type Response = ProxyConnection;
        type Error = BoxError;
        type Future = Pin<Box<dyn Future<Output = Result<ProxyConnection, BoxError>> + Send>>;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            self.tcp.poll_ready(cx).map_err(Into::into)
        }

        fn call(&mut self, _endpoint: http::Uri) -> Self::Future {
            let connecting = self.tcp.call(self.proxy.clone());
            Box::pin(async move { Ok(ProxyConnection(connecting.await?)) })
        }
    }

    /// A connection to the proxy.
    pub(crate) struct ProxyConnection(TokioIo<tokio::net::TcpStream>);

    impl Connection for ProxyConnection {
        fn connected(&self) -> Connected {
            self.0.connected().proxy(true)
        }
    }

    impl hyper::rt::Read for ProxyConnection {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: hyper::rt::ReadBufCursor<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_read(cx, buf)
        }
    }

    impl hyper::rt::Write for ProxyConnection {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut self.0).poll_write(cx, buf)
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_shutdown(cx)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Proxy, ProxyError};

    fn via(proxy: &Proxy, endpoint: &str) -> Option<String> {
        proxy.proxy_for(&endpoint.parse().expect("endpoint"))
    }

    #[test]
    fn every_scheme_through_one_proxy_and_loopback_too_unless_listed() {
        let proxy = Proxy::new("proxy.corp:3128").expect("proxy");
        for endpoint in [
            "http://127.0.0.1:4318/v1/traces",
            "https://otlp.io",
            "http://localhost:4317",
        ] {
            assert_eq!(
                via(&proxy, endpoint).as_deref(),
                Some("http://proxy.corp:3128/"),
                "{endpoint}"
            );
        }
        let proxy = proxy.no_proxy("localhost, 127.0.0.0/8,.internal");
        assert_eq!(via(&proxy, "http://127.0.0.1:4318"), None);
        assert_eq!(via(&proxy, "http://localhost:4317"), None);
        assert_eq!(via(&proxy, "http://collector.internal:4318"), None);
        assert_eq!(via(&proxy, "http://internal:4318"), None, "the domain itself");
        assert!(
            via(&proxy, "http://notinternal:4318").is_some(),
            "a suffix is not a subdomain"
        );
        assert_eq!(
            via(
                &Proxy::new("p:1").expect("proxy").no_proxy("*"),
                "https://otlp.io"
            ),
            None
        );
    }

    #[test]
    fn a_scheme_without_a_proxy_goes_direct() {
        let proxy = Proxy::by_scheme(None, Some("http://p:8080")).expect("proxy");
        assert_eq!(via(&proxy, "http://collector:4318"), None);
        assert_eq!(via(&proxy, "https://otlp.io").as_deref(), Some("http://p:8080/"));
    }

    #[test]
    fn curls_default_port() {
        let proxy = Proxy::new("http://proxy.corp").expect("proxy");
        assert_eq!(
            via(&proxy, "https://otlp.io").as_deref(),
            Some("http://proxy.corp:1080/")
        );
    }

    #[test]
    fn credentials_are_never_shown() {
        let proxy = Proxy::new("http://alice:s3cr%40t@proxy:3128").expect("proxy");
        let shown = format!("{proxy} {proxy:?}");
        assert!(!shown.contains("s3cr") && !shown.contains("alice"), "{shown}");
        assert!(shown.contains("http://***@proxy:3128"), "{shown}");
        for bad in [
            "socks5://alice:s3cret@proxy:1080",
            "http://alice:s3cret@",
            "http://alice:s3cret@ bad:1",
            // Unencoded delimiters in the password: read as host `alice`, port `s3`.
            "http://alice:s3/cret@proxy:3128",
            "http://alice:s3?cret@proxy:3128",
            "http://alice:s3#cret@proxy:3128",
            "alice:s3/cret@proxy:3128",
            "http://alice:s3cret@proxy:31x8",
        ] {
            let error = Proxy::new(bad).expect_err(bad);
            let message = error.to_string();
            assert!(
                !message.contains("s3") && !message.contains("cret") && !message.contains("alice"),
                "{message}"
            );
        }
        // Percent-encoded, the same password is fine, and still never shown.
        let encoded = Proxy::new("http://alice:s3%2Fc%3Fr%23et@proxy:3128").expect("encoded");
        let shown = format!("{encoded} {encoded:?}");
        assert!(!shown.contains("s3") && !shown.contains("alice"), "{shown}");
        assert_eq!(
            encoded
                .proxy_for(&"https://otlp.vendor.io/".parse().unwrap())
                .as_deref(),
            Some("http://proxy:3128/")
        );
        assert!(matches!(
            Proxy::new("socks5://proxy:1080"),
            Err(ProxyError::UnsupportedScheme { scheme, .. }) if scheme == "socks5"
        ));
        assert!(matches!(
            Proxy::new("https://proxy:443"),
            Err(ProxyError::UnsupportedScheme { .. })
        ));
    }
}
