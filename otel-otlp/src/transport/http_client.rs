//! The HTTP clients of the OTLP/HTTP exporters: opentelemetry-http's hyper client, driven
//! by the export runtime, shared by the signals, with the TLS the features chose, and
//! saying why a request failed.
//!
//! hyper needs a tokio runtime for its connections and timeouts, and the exporters are
//! awaited on threads that have none (the batch processors' own, with a plain
//! `block_on`). So each request is spawned onto the export runtime and only its result
//! is awaited there: the application's runtime, if there is one, never does export I/O.
//!
//! opentelemetry-otlp 0.33 turns every transport error of an HTTP export into "HTTP
//! export failed: network error" and logs the cause only at debug level, so a wrong CA
//! or a refused connection look the same at the default level. This client logs the
//! cause (the whole error chain) as a warning, at most once per
//! `REPORT_EVERY` (`report_gate`) per client, and returns the error
//! unchanged.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_http::hyper::HyperClient;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use crate::error::BuildWarning;
use crate::error_chain::chain;
use crate::report_gate::ReportGate;
use crate::transport::liveness::ConnectDeadline;
use crate::transport::made_headers::ExportHeaders;
use otel_kit_core::otlp::Pem;

/// The TLS of one client: none for a plain `http://` endpoint, else the configured CA
/// and client identity (PEM), each optional.
#[cfg(feature = "http-json")]
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientTls<'a> {
    /// An `http://` endpoint.
    PlainHttp,
    /// An `https://` endpoint.
    Https {
        /// The CA certificates (PEM) trusted beside the system's roots.
        ca: Option<&'a [u8]>,
        /// The client's certificate chain and key (PEM).
        identity: Option<(&'a [u8], &'a [u8])>,
    },
}

#[cfg(feature = "http-json")]
impl ClientTls<'_> {
    /// The same settings, as the clients take them.
    pub(crate) fn to_sources(self) -> TlsSources {
        match self {
            ClientTls::PlainHttp => TlsSources::PlainHttp,
            ClientTls::Https { ca, identity } => TlsSources::Https {
                ca: ca.map(|pem| Pem::Bytes(pem.to_vec())),
                identity: identity.map(|(c, k)| (Pem::Bytes(c.to_vec()), Pem::Bytes(k.to_vec()))),
                check_every:
                    crate::export_settings::settings::ExportSettings::DEFAULT_CREDENTIALS_CHECK_INTERVAL,
            },
        }
    }
}

/// The TLS of one client: none for a plain `http://` endpoint, else the CA and client
/// identity, each given or read from a file (and then read again when it changes, every
/// `check_every`).
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum TlsSources {
    PlainHttp,
    Https {
        ca: Option<Pem>,
        identity: Option<(Pem, Pem)>,
        check_every: Duration,
    },
}

impl TlsSources {
    /// Whether one client can serve every signal with these settings.
    fn is_shared(&self) -> bool {
        matches!(
            self,
            TlsSources::PlainHttp
                | TlsSources::Https {
                    ca: None,
                    identity: None,
                    ..
                }
        )
    }
}

/// How a client reaches its collector: directly, or through a proxy (the `proxy`
/// feature), which endpoint by endpoint `Proxy` chose.
#[derive(Clone, Default)]
pub(crate) enum Route {
    #[default]
    Direct,
    #[cfg(feature = "proxy")]
    Proxied(hyper_util::client::proxy::matcher::Intercept),
}

/// The clients of one export runtime, shared by the exporters built on it: one per
/// export timeout (the client enforces it) and scheme, so that the signals share
/// connections and the system's roots are read once. An exporter with its own CA or
/// client certificate gets a client of its own.
#[derive(Debug, Default)]
pub(crate) struct HttpClients(Vec<(Duration, bool, Arc<dyn HttpClient>)>);

impl HttpClients {
    /// A client for this timeout and TLS whose requests run on `runtime`, and what was
    /// wrong with the PEM files (the client is built without what could not be used).
    /// `Err` when no client could be built at all.
    pub(crate) fn get(
        &mut self,
        timeout: Duration,
        tls: TlsSources,
        route: Route,
        runtime: tokio::runtime::Handle,
    ) -> Result<(ExplainingClient, Vec<BuildWarning>), String> {
        #[cfg(feature = "proxy")]
        if let Route::Proxied(intercept) = route {
            // A proxied client is the exporter's own: the proxy is chosen per endpoint.
            return proxied_client(timeout, tls, &intercept, runtime);
        }
        let _ = route;
        let plain = tls == TlsSources::PlainHttp;
        if tls.is_shared()
            && let Some((_, _, client)) = self.0.iter().find(|(t, p, _)| *t == timeout && *p == plain)
        {
            return Ok((
                ExplainingClient::new(Arc::clone(client), timeout, runtime),
                Vec::new(),
            ));
        }
        let shared = tls.is_shared();
        let (client, problems) = match tls {
            TlsSources::PlainHttp => {
                let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
                // As reqwest did: a request is written at once, without waiting for ACKs.
                connector.set_nodelay(true);
                crate::transport::liveness::keep_alive(&mut connector);
                let client: Arc<dyn HttpClient> = Arc::new(HyperClient::new(
                    ConnectDeadline::new(connector, timeout),
                    timeout,
                    None,
                ));
                (client, Vec::new())
            }
            TlsSources::Https {
                ca,
                identity,
                check_every,
            } => https_client(timeout, ca, identity, check_every, &runtime)?,
        };
        if shared {
            self.0.push((timeout, plain, Arc::clone(&client)));
        }
        Ok((ExplainingClient::new(client, timeout, runtime), problems))
    }
}

#[cfg(feature = "__tls")]
fn https_client(
    timeout: Duration,
    ca: Option<Pem>,
    identity: Option<(Pem, Pem)>,
    check_every: Duration,
    runtime: &tokio::runtime::Handle,
) -> Result<(Arc<dyn HttpClient>, Vec<BuildWarning>), String> {
    let (material, problems) = tls_material(ca, identity, check_every, runtime)?;
    let connector = ConnectDeadline::new(crate::transport::tls::HttpsConnector::new(material), timeout);
    Ok((Arc::new(HyperClient::new(connector, timeout, None)), problems))
}

/// OTLP/HTTP's TLS material, read again every `check_every` when it comes from files.
#[cfg(feature = "__tls")]
fn tls_material(
    ca: Option<Pem>,
    identity: Option<(Pem, Pem)>,
    check_every: Duration,
    runtime: &tokio::runtime::Handle,
) -> Result<(Arc<crate::transport::credentials::TlsMaterial>, Vec<BuildWarning>), String> {
    use crate::transport::credentials::TlsMaterial;
    let (material, problems) = TlsMaterial::load(ca, identity, b"http/1.1")?;
    if material.has_files() {
        crate::transport::credentials::watch(&material, runtime, check_every, TlsMaterial::check);
    }
    Ok((material, problems))
}

/// A client through `intercept`'s proxy: requests in absolute form to it for an
/// `http://` endpoint, with `Proxy-Authorization`; TLS inside a `CONNECT` tunnel for an
/// `https://` one.
#[cfg(feature = "proxy")]
fn proxied_client(
    timeout: Duration,
    tls: TlsSources,
    intercept: &hyper_util::client::proxy::matcher::Intercept,
    runtime: tokio::runtime::Handle,
) -> Result<(ExplainingClient, Vec<BuildWarning>), String> {
    let (client, problems, proxy_authorization): (Arc<dyn HttpClient>, _, _) = match tls {
        TlsSources::PlainHttp => (
            Arc::new(HyperClient::new(
                ConnectDeadline::new(crate::transport::proxy::ToProxy::new(intercept), timeout),
                timeout,
                None,
            )),
            Vec::new(),
            crate::transport::proxy::authorization(intercept),
        ),
        #[cfg(feature = "__tls")]
        TlsSources::Https {
            ca,
            identity,
            check_every,
        } => {
            let (material, problems) = tls_material(ca, identity, check_every, &runtime)?;
            let connector = ConnectDeadline::new(
                crate::transport::tls::HttpsConnector::through(
                    material,
                    crate::transport::proxy::tunnel(intercept),
                ),
                timeout,
            );
            (
                Arc::new(HyperClient::new(connector, timeout, None)),
                problems,
                None,
            )
        }
        #[cfg(not(feature = "__tls"))]
        TlsSources::Https { .. } => return Err("this build of otel-kit-otlp has no TLS".to_owned()),
    };
    let mut client = ExplainingClient::new(client, timeout, runtime);
    client.proxy_authorization = proxy_authorization;
    Ok((client, problems))
}

/// Without a TLS feature there is no HTTPS (the exporter refuses an `https://` endpoint
/// before it gets here).
#[cfg(not(feature = "__tls"))]
fn https_client(
    _timeout: Duration,
    _ca: Option<Pem>,
    _identity: Option<(Pem, Pem)>,
    _check_every: Duration,
    _runtime: &tokio::runtime::Handle,
) -> Result<(Arc<dyn HttpClient>, Vec<BuildWarning>), String> {
    Err("this build of otel-kit-otlp has no TLS".to_owned())
}

/// An [`HttpClient`] whose requests run on the export runtime, and that explains its
/// failures (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct ExplainingClient {
    inner: Arc<dyn HttpClient>,
    timeout: Duration,
    runtime: tokio::runtime::Handle,
    report_gate: Arc<ReportGate>,
    /// The proxy's credentials, for requests in absolute form through it.
    proxy_authorization: Option<http::HeaderValue>,
    /// Headers read from files or made by the application (a bearer token).
    extra_headers: ExportHeaders,
}

impl ExplainingClient {
    fn new(inner: Arc<dyn HttpClient>, timeout: Duration, runtime: tokio::runtime::Handle) -> Self {
        ExplainingClient {
            inner,
            timeout,
            runtime,
            report_gate: Arc::new(ReportGate::new()),
            proxy_authorization: None,
            extra_headers: ExportHeaders::default(),
        }
    }

    /// Sends these headers (read from files, made by the application) with every request.
    pub(crate) fn with_extra_headers(mut self, headers: ExportHeaders) -> Self {
        self.extra_headers = headers;
        self
    }

    fn report(&self, target: &str, error: &HttpError) {
        if !self.report_gate.pass() {
            return;
        }
        // The client's deadline says only "deadline has elapsed".
        let why = if error.is::<tokio::time::error::Elapsed>() {
            format!("no response within the export timeout ({:?})", self.timeout)
        } else {
            chain(error.as_ref())
        };
        tracing::warn!(target: "otel_kit_otlp", "OTLP/HTTP request to {target} failed: {why}");
    }
}

#[async_trait::async_trait]
impl HttpClient for ExplainingClient {
    async fn send_bytes(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        if let Some(authorization) = &self.proxy_authorization {
            request
                .headers_mut()
                .insert(http::header::PROXY_AUTHORIZATION, authorization.clone());
        }
        // Scheme, host, port and path only: never credentials or a query.
        let uri = request.uri();
        let target = format!(
            "{}://{}{}",
            uri.scheme_str().unwrap_or("http"),
            uri.host().unwrap_or_default(),
            uri.port().map(|p| format!(":{p}")).unwrap_or_default()
        ) + uri.path();
        let inner = Arc::clone(&self.inner);
        let extra_headers = self.extra_headers.clone();
        // The request ends within the client's timeout, and with the caller when the
        // caller gives up first (an export's deadline): hyper then closes a connection
        // that was waiting for an answer, so a peer that went silent is not asked again.
        let request = AbortOnDrop(self.runtime.spawn(async move {
            // In the runtime: the application's header function runs on its blocking pool.
            let mut request = request;
            extra_headers.apply(request.headers_mut()).await;
            inner.send_bytes(request).await
        }));
        let result = match request.await {
            Ok(result) => result,
            // Stopped (after shutdown) or panicked: either way, no response.
            Err(e) if e.is_cancelled() => Err("the export runtime has stopped".into()),
            Err(e) => Err(format!("the request failed inside the export runtime ({e})").into()),
        };
        if let Err(error) = &result {
            self.report(&target, error);
        }
        result
    }
}

/// A spawned task that is aborted when its handle is dropped before it ends.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::io::{Read as _, Write as _};
    use std::task::{Context, Poll, Wake};

    use super::*;
    use crate::report_gate::REPORT_EVERY;
    use crate::transport::captured_warnings::CapturedWarnings;
    use crate::transport::export_runtime::ExportRuntime;

    /// Polls `future` on this thread, as the SDK's processors do: no tokio here.
    fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Arc::new(Unpark(std::thread::current())).into();
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            std::thread::park();
        }
    }

    /// A server that answers one request with 202, and its `http://` URL.
    fn one_response_server() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            let mut request = [0; 4096];
            let _ = stream.read(&mut request);
            let _ = stream
                .write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        });
        format!("http://{address}/v1/traces")
    }

    fn request(url: &str) -> Request<Bytes> {
        Request::post(url)
            .body(Bytes::from_static(b"spans"))
            .expect("request")
    }

    /// A plain-HTTP client with no proxy on `runtime`.
    fn plain_client(runtime: &ExportRuntime) -> ExplainingClient {
        let (client, _) = HttpClients::default()
            .get(
                Duration::from_secs(5),
                TlsSources::PlainHttp,
                Route::Direct,
                runtime.handle().clone(),
            )
            .expect("client");
        client
    }

    #[test]
    fn a_request_awaited_without_a_tokio_runtime_runs_on_the_export_runtime() {
        let runtime = ExportRuntime::start().expect("runtime");
        let client = plain_client(&runtime);
        let response = block_on(client.send_bytes(request(&one_response_server()))).expect("response");
        assert_eq!(response.status(), 202);
        assert_eq!(response.body().as_ref(), b"ok");
    }

    #[test]
    fn after_the_runtime_stops_a_request_fails_at_once() {
        let mut runtime = ExportRuntime::start().expect("runtime");
        let client = plain_client(&runtime);
        runtime.stop();
        let error =
            block_on(client.send_bytes(request("http://127.0.0.1:9/v1/traces"))).expect_err("stopped");
        assert_eq!(error.to_string(), "the export runtime has stopped");
    }

    #[test]
    fn signals_with_the_same_timeout_and_scheme_share_a_client() {
        let runtime = ExportRuntime::start().expect("runtime");
        let mut clients = HttpClients::default();
        for timeout in [1, 1, 2] {
            let _ = clients
                .get(
                    Duration::from_secs(timeout),
                    TlsSources::PlainHttp,
                    Route::Direct,
                    runtime.handle().clone(),
                )
                .expect("client");
        }
        assert_eq!(clients.0.len(), 2);
    }

    /// Sends twenty requests to `url` one after the other, each expected to fail, and
    /// asserts that they are one warning naming the URL and `cause` (in any case), not
    /// one per request.
    fn explained_once(client: &ExplainingClient, url: &str, cause: &str) {
        let (warnings, _guard) = CapturedWarnings::capture();
        let started = std::time::Instant::now();
        for _ in 0..20 {
            let _ = block_on(client.send_bytes(request(url))).expect_err("the request fails");
        }
        let took = started.elapsed();
        let explained: Vec<_> = warnings
            .messages()
            .into_iter()
            .filter(|w| w.starts_with("OTLP/HTTP request to "))
            .collect();
        // All within one interval of the gate: a second line would be right after it.
        assert!(took < REPORT_EVERY, "the failures took {took:?}");
        assert_eq!(explained.len(), 1, "{explained:?}");
        let prefix = format!("OTLP/HTTP request to {url} failed: ");
        assert!(explained[0].starts_with(&prefix), "{explained:?}");
        assert!(
            explained[0]
                .to_ascii_lowercase()
                .contains(&cause.to_ascii_lowercase()),
            "the cause is named: {explained:?}"
        );
    }

    /// A collector that refuses every connection: twenty failures in a row are one
    /// warning, which names the URL and the cause, not one per request.
    #[test]
    fn a_refused_collector_is_explained_once_however_often_it_fails() {
        let runtime = ExportRuntime::start().expect("runtime");
        let client = plain_client(&runtime);
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("free port")
            .port();
        let url = format!("http://127.0.0.1:{port}/v1/traces");
        explained_once(&client, &url, "connection refused");
    }

    /// A collector whose certificate the client does not trust: twenty refused
    /// handshakes in a row are one warning, with rustls's reason in it.
    #[cfg(feature = "__tls")]
    #[test]
    fn an_untrusted_certificate_is_explained_once_however_often_it_fails() {
        use otel_kit_testing::{CollectorTls, TestCollector};

        let self_signed = |name: &str, subject_alt_names: Vec<String>| {
            let key = rcgen::KeyPair::generate().expect("key");
            let mut params = rcgen::CertificateParams::new(subject_alt_names).expect("params");
            params.distinguished_name = rcgen::DistinguishedName::new();
            params.distinguished_name.push(rcgen::DnType::CommonName, name);
            let cert = params.self_signed(&key).expect("cert");
            (cert.pem(), key.serialize_pem())
        };
        let servers = tokio::runtime::Runtime::new().expect("runtime");
        let (cert, key) = self_signed("the collector", vec!["127.0.0.1".to_owned()]);
        let collector = servers
            .block_on(TestCollector::builder().tls(CollectorTls::new(cert, key)).start())
            .expect("collector");
        // The client trusts another certificate (and the system's roots), not the
        // collector's.
        let (other, _) = self_signed("another CA", vec!["another.example".to_owned()]);
        let runtime = ExportRuntime::start().expect("runtime");
        let (client, problems) = HttpClients::default()
            .get(
                Duration::from_secs(5),
                TlsSources::Https {
                    ca: Some(Pem::Bytes(other.into_bytes())),
                    identity: None,
                    check_every:
                        crate::export_settings::settings::ExportSettings::DEFAULT_CREDENTIALS_CHECK_INTERVAL,
                },
                Route::Direct,
                runtime.handle().clone(),
            )
            .expect("client");
        assert!(problems.is_empty(), "{problems:?}");
        let url = collector.traces_url();
        explained_once(&client, &url, "invalid peer certificate: UnknownIssuer");
    }
}
