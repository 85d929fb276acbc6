//! The HTTP client the remote samplers (Jaeger's strategy fetch, X-Ray's rules and
//! targets) talk to their endpoint with: plain HTTP/1.1 over hyper, one connection kept
//! from one exchange to the next (a poll every second would otherwise leave a socket in
//! `TIME_WAIT` each time), a bounded body, and [`bounded`](RemoteHttp::bounded), the one
//! deadline a whole fetch (connection, requests, response heads and bodies) runs under.
//! A connection is kept only after a whole answer was read from it; an exchange that
//! fails or runs out of time drops it. Every failure is an `Err` saying why, on which the
//! sampler keeps what it had.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// See the module docs. Clones share the kept connection.
#[derive(Clone)]
pub(crate) struct RemoteHttp {
    timeout: Duration,
    max_body: usize,
    /// The connection of the last exchange, while its peer keeps it open.
    kept: Arc<Mutex<Option<Kept>>>,
}

/// An open connection to the endpoint, for the next exchange.
struct Kept {
    /// `host:port` it is connected to.
    authority: String,
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    _connection: AbortOnDrop,
}

/// Aborts the connection's task when the exchange ends, by success, error or deadline,
/// so a peer that never answers holds no socket past the fetch.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::fmt::Debug for RemoteHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteHttp")
            .field("timeout", &self.timeout)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl RemoteHttp {
    /// A client whose fetches take at most `timeout` and whose answers are read up to
    /// `max_body` bytes.
    pub(crate) fn new(timeout: Duration, max_body: usize) -> Self {
        RemoteHttp {
            timeout,
            max_body,
            kept: Arc::default(),
        }
    }

    /// The same client (sharing its kept connection) with another deadline.
    #[cfg(feature = "xray-remote")]
    pub(crate) fn with_timeout(&self, timeout: Duration) -> Self {
        RemoteHttp {
            timeout,
            ..self.clone()
        }
    }

    /// `fetch` (one or more [`exchange`](Self::exchange)s and what is made of their
    /// answers) with the deadline: past it, `Err`, and the connection in use is dropped.
    pub(crate) async fn bounded<T>(
        &self,
        fetch: impl Future<Output = Result<T, String>>,
    ) -> Result<T, String> {
        tokio::time::timeout(self.timeout, fetch)
            .await
            .map_err(|_| format!("no complete answer within {:?}", self.timeout))?
    }

    /// A `GET` of `uri` (`json_body` `None`), or a `POST` of `json_body` as
    /// `application/json`; the body of a `200` answer, whole. Without a deadline of its
    /// own: run it inside [`bounded`](Self::bounded).
    pub(crate) async fn exchange(&self, uri: &http::Uri, json_body: Option<Bytes>) -> Result<Bytes, String> {
        let host = uri.host().ok_or("the URL has no host")?;
        let port = uri.port_u16().unwrap_or(80);
        let (mut connection, reused) = self.connection(host, port).await?;
        let response = match Self::send(&mut connection, uri, host, json_body.clone()).await {
            Ok(response) => response,
            // The peer closed the kept connection as the request went out: once more, on
            // a new one.
            Err(_) if reused => {
                connection = Self::connect(host, port).await?;
                Self::send(&mut connection, uri, host, json_body).await?
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
        // The whole answer was read: the connection is fit for the next exchange.
        *self.kept.lock().unwrap_or_else(PoisonError::into_inner) = Some(connection);
        Ok(body)
    }

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

    /// Sends the request on `connection`; the response head.
    async fn send(
        connection: &mut Kept,
        uri: &http::Uri,
        host: &str,
        json_body: Option<Bytes>,
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
        let request = match json_body {
            None => http::Request::get(path)
                .header(http::header::HOST, host_header)
                .header(http::header::ACCEPT, "application/json")
                .body(Full::new(Bytes::new())),
            Some(body) => http::Request::post(path)
                .header(http::header::HOST, host_header)
                .header(http::header::ACCEPT, "application/json")
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(http::header::CONTENT_LENGTH, body.len())
                .body(Full::new(body)),
        }
        .map_err(|e| e.to_string())?;
        connection
            .sender
            .send_request(request)
            .await
            .map_err(|e| format!("the request failed: {e}"))
    }
}
