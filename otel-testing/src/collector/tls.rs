//! Serving OTLP over TLS, optionally requiring client certificates (mTLS), for tests of
//! exporters' TLS settings.

use std::io;
use std::sync::{Arc, Mutex};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use super::store::Store;

/// The collector's TLS identity and, for mTLS, the CA its clients' certificates must
/// chain to. Certificates and keys are PEM. The server certificate must name
/// `127.0.0.1` (an IP subject alternative name): that is the address in
/// [`TestCollector::endpoint`](super::TestCollector::endpoint).
///
/// ```
/// use otel_kit_testing::CollectorTls;
/// let tls = CollectorTls::new("-----BEGIN CERTIFICATE-----...", "-----BEGIN PRIVATE KEY-----...")
///     .require_client_certificates("-----BEGIN CERTIFICATE-----...");
/// # let _ = tls;
/// ```
#[derive(Clone)]
pub struct CollectorTls {
    certificate_chain_pem: Vec<u8>,
    private_key_pem: Vec<u8>,
    client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for CollectorTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectorTls")
            .field("mtls", &self.client_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl CollectorTls {
    /// The server's certificate chain and private key, PEM.
    pub fn new(certificate_chain_pem: impl Into<Vec<u8>>, private_key_pem: impl Into<Vec<u8>>) -> Self {
        CollectorTls {
            certificate_chain_pem: certificate_chain_pem.into(),
            private_key_pem: private_key_pem.into(),
            client_ca_pem: None,
        }
    }

    /// Requires every client to present a certificate signed by this CA (PEM).
    pub fn require_client_certificates(mut self, client_ca_pem: impl Into<Vec<u8>>) -> Self {
        self.client_ca_pem = Some(client_ca_pem.into());
        self
    }

    pub(crate) fn server_config(&self) -> io::Result<Arc<ServerConfig>> {
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"))
        };
        // ring, named explicitly: with both providers compiled in (a user's graph may add
        // aws-lc-rs), rustls cannot pick one by itself.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&self.certificate_chain_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| invalid("the certificate chain is not PEM", &e))?;
        let key = PrivateKeyDer::from_pem_slice(&self.private_key_pem)
            .map_err(|e| invalid("the private key is not PEM", &e))?;
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid("TLS versions", &e))?;
        let builder = match &self.client_ca_pem {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(ca) {
                    let cert = cert.map_err(|e| invalid("the client CA is not PEM", &e))?;
                    roots.add(cert).map_err(|e| invalid("the client CA", &e))?;
                }
                let verifier =
                    rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| invalid("the client verifier", &e))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| invalid("the certificate and key", &e))?;
        // gRPC needs HTTP/2, negotiated by ALPN; OTLP/HTTP clients may use either.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The TLS identity a collector serves with now, which a test may replace while it runs
/// (a certificate rotation), the connections it serves, and the client certificates
/// presented to it.
#[derive(Default)]
pub(super) struct LiveTls {
    config: Mutex<Option<Arc<ServerConfig>>>,
    connections: Mutex<Vec<tokio::task::AbortHandle>>,
    client_certificates: Mutex<Vec<Option<Vec<u8>>>>,
}

impl std::fmt::Debug for LiveTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveTls").finish_non_exhaustive()
    }
}

impl LiveTls {
    pub(super) fn new(config: Arc<ServerConfig>) -> Self {
        LiveTls {
            config: Mutex::new(Some(config)),
            ..LiveTls::default()
        }
    }

    /// New handshakes use `config`; the connections already made go on.
    pub(super) fn replace(&self, config: Arc<ServerConfig>) {
        *lock(&self.config) = Some(config);
    }

    /// Closes every connection served so far.
    pub(super) fn close_connections(&self) {
        for connection in lock(&self.connections).drain(..) {
            connection.abort();
        }
    }

    /// The end-entity certificate (DER) each accepted handshake's client presented,
    /// `None` for none, in order.
    pub(super) fn client_certificates(&self) -> Vec<Option<Vec<u8>>> {
        lock(&self.client_certificates).clone()
    }

    fn current(&self) -> Option<Arc<ServerConfig>> {
        lock(&self.config).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Accepts TLS connections until `stop`, serving each with hyper's HTTP/1 + HTTP/2
/// builder, with the identity `live` has at the time. A failed handshake (wrong CA,
/// missing client certificate) is counted.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    live: Arc<LiveTls>,
    mut stop: oneshot::Receiver<()>,
    store: Arc<Store>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let Some(config) = live.current() else { continue };
                let _ = tcp.set_nodelay(true);
                let acceptor = TlsAcceptor::from(config);
                let (router, store, live_for_task) = (router.clone(), Arc::clone(&store), Arc::clone(&live));
                let task = tokio::spawn(async move {
                    let tls = match acceptor.accept(tcp).await {
                        Ok(tls) => tls,
                        Err(_) => {
                            store.note_rejected_handshake();
                            return;
                        }
                    };
                    let presented = tls
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|chain| chain.first())
                        .map(|cert| cert.as_ref().to_vec());
                    lock(&live_for_task.client_certificates).push(presented);
                    let service = TowerToHyperService::new(router);
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
                let mut connections = lock(&live.connections);
                connections.retain(|c| !c.is_finished());
                connections.push(task.abort_handle());
            }
        }
    }
}
