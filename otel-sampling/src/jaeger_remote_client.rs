//! The HTTP client the SDK's Jaeger remote sampler fetches its strategy with: plain
//! HTTP/1.1 over hyper, one connection kept from one fetch to the next (a poll every
//! second would otherwise leave a socket in `TIME_WAIT` each time), one deadline over
//! the whole fetch (connection, request, response head and body), a bounded body, and
//! the body checked ([`normalise`](super::jaeger_remote_strategy::normalise)) before the
//! SDK sees it. A connection is kept only after a whole answer was read from it; a fetch
//! that fails or runs out of time drops it. Every failure is an `Err`, on which the SDK
//! keeps its last strategy.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use http_body_util::{BodyExt as _, Empty, Limited};
use hyper_util::rt::TokioIo;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use tokio::net::TcpStream;

use super::jaeger_remote_strategy::normalise;
use super::rate_limit::RateLimitedRoot;

/// See the module docs.
#[derive(Clone)]
pub(super) struct StrategyClient {
    pub(super) timeout: Duration,
    pub(super) max_body: usize,
    /// Set from each accepted strategy, for the sampler to read.
    pub(super) rate_limit: Arc<CurrentRateLimit>,
    /// The connection of the last fetch, while its peer keeps it open.
    pub(super) kept: Arc<Mutex<Option<Kept>>>,
}

/// An open connection to the strategies endpoint, for the next fetch.
pub(super) struct Kept {
    /// `host:port` it is connected to.
    authority: String,
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    _connection: AbortOnDrop,
}

/// The bucket of the last accepted strategy when it is a rate limit, else `None`.
///
/// opentelemetry_sdk 0.33's rate limiter refills only by whole seconds since its last
/// decision, so under steady traffic (a decision more often than once a second) it never
/// refills after its first 100 traces. The kit's GCRA bucket
/// ([`RateLimitedRoot`]) applies the rate instead, with a burst of max(1, rate) as the
/// Jaeger clients allow.
#[derive(Debug, Default)]
pub(super) struct CurrentRateLimit(RwLock<Option<(f64, RateLimitedRoot)>>);

impl CurrentRateLimit {
    /// The bucket, while the strategy is a rate limit.
    pub(super) fn get(&self) -> Option<RateLimitedRoot> {
        self.0
            .read()
            .ok()
            .and_then(|current| current.as_ref().map(|(_, root)| root.clone()))
    }

    /// A new strategy: the same rate keeps its bucket (and what it has used up).
    fn set(&self, traces_per_second: Option<f64>) {
        if let Ok(mut current) = self.0.write() {
            match (traces_per_second, current.as_ref()) {
                (Some(rate), Some((same, _))) if *same == rate => {}
                (Some(rate), _) => *current = Some((rate, RateLimitedRoot::new(rate))),
                (None, _) => *current = None,
            }
        }
    }
}

impl fmt::Debug for StrategyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StrategyClient")
            .field("timeout", &self.timeout)
            .field("rate_limit", &self.rate_limit)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

/// Aborts the connection's task when the fetch ends, by success, error or deadline, so a
/// peer that never answers holds no socket past the fetch.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl StrategyClient {
    /// A new connection to `host:port`.
    async fn connect(host: &str, port: u16) -> Result<Kept, String> {
        let stream = TcpStream::connect((host.trim_start_matches('[').trim_end_matches(']'), port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake failed: {e}"))?;
        let connection = AbortOnDrop(tokio::spawn(async move {
            let _ = connection.await;
        }));
        Ok(Kept {
            authority: format!("{host}:{port}"),
            sender,
            _connection: connection,
        })
    }

    /// The kept connection to `host:port` if it is still open, else a new one; and
    /// whether it was kept.
    async fn connection(&self, host: &str, port: u16) -> Result<(Kept, bool), String> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .filter(|kept| kept.authority == format!("{host}:{port}") && !kept.sender.is_closed());
        match kept {
            Some(kept) => Ok((kept, true)),
            None => Ok((Self::connect(host, port).await?, false)),
        }
    }

    async fn fetch(&self, uri: http::Uri) -> Result<Bytes, String> {
        let host = uri.host().ok_or("the URL has no host")?;
        let port = uri.port_u16().unwrap_or(80);
        let (mut connection, reused) = self.connection(host, port).await?;
        let response = match Self::send(&mut connection, &uri, host).await {
            Ok(response) => response,
            // The peer closed the kept connection as the request went out: once more, on
            // a new one.
            Err(_) if reused => {
                connection = Self::connect(host, port).await?;
                Self::send(&mut connection, &uri, host).await?
            }
            Err(error) => return Err(error),
        };
        let status = response.status();
        if status != http::StatusCode::OK {
            return Err(format!("the endpoint answered {status}"));
        }
        let body = Limited::new(response.into_body(), self.max_body)
            .collect()
            .await
            .map_err(|e| {
                format!(
                    "reading the response failed: {e} (at most {} bytes are read)",
                    self.max_body
                )
            })?
            .to_bytes();
        // The whole answer was read: the connection is fit for the next fetch.
        *self.kept.lock().unwrap_or_else(PoisonError::into_inner) = Some(connection);
        let accepted = normalise(&body)?;
        self.rate_limit.set(accepted.traces_per_second);
        Ok(Bytes::from(accepted.body))
    }

    /// Sends the GET of `uri` on `connection`; the response head.
    async fn send(
        connection: &mut Kept,
        uri: &http::Uri,
        host: &str,
    ) -> Result<http::Response<hyper::body::Incoming>, String> {
        connection
            .sender
            .ready()
            .await
            .map_err(|e| format!("the connection closed: {e}"))?;
        // `host[:port]` only: user info in the endpoint is never sent (nor printed).
        let host_header = match uri.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let request = http::Request::get(path)
            .header(http::header::HOST, host_header)
            .header(http::header::ACCEPT, "application/json")
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        connection
            .sender
            .send_request(request)
            .await
            .map_err(|e| format!("the request failed: {e}"))
    }
}

impl HttpClient for StrategyClient {
    // As `#[async_trait]` writes it: the trait is declared with that macro.
    fn send_bytes<'life0, 'async_trait>(
        &'life0 self,
        request: Request<Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let uri = request.uri().clone();
            let body = tokio::time::timeout(self.timeout, self.fetch(uri))
                .await
                .map_err(|_| format!("no complete answer within {:?}", self.timeout))??;
            Ok(Response::new(body))
        })
    }
}
