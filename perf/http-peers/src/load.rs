//! The load generator: keep-alive HTTP/1.1 connections driven in a closed loop (as fast
//! as the server answers) or at a fixed rate (an open loop: each request's latency runs
//! from when it was due, so a stalled server is not hidden by a stalled generator).

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http::header::HOST;
use http::{HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// Errors of the generator.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// The path of the `i`-th request.
pub type PathOf = fn(usize) -> String;

/// One keep-alive HTTP/1.1 connection of the load generator.
#[derive(Debug)]
pub struct Connection {
    sender: SendRequest<Empty<Bytes>>,
    host: HeaderValue,
}

impl Connection {
    /// Sends `GET path`, reads the whole response; the status.
    async fn get(&mut self, path: &str) -> Result<StatusCode, BoxError> {
        let request = Request::get(path)
            .header(HOST, self.host.clone())
            .body(Empty::<Bytes>::new())?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        response.into_body().collect().await?;
        Ok(status)
    }
}

/// Opens `count` connections to `addr` (TCP_NODELAY on).
pub async fn connect(addr: SocketAddr, count: usize) -> Result<Vec<Connection>, BoxError> {
    let host = HeaderValue::from_str(&addr.to_string())?;
    let mut connections = Vec::with_capacity(count);
    for _ in 0..count {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            // Ends when the sender is dropped or the server closes the connection.
            let _ = connection.await;
        });
        connections.push(Connection {
            sender,
            host: host.clone(),
        });
    }
    Ok(connections)
}

/// Sends `total` requests over `connections`, each connection in a closed loop (the next
/// request goes out when the previous response body has been read). Returns the
/// connections for reuse and every request's latency in nanoseconds. A status other
/// than 200 is an error.
pub async fn closed_loop(
    connections: Vec<Connection>,
    total: usize,
    path: PathOf,
) -> Result<(Vec<Connection>, Vec<u64>), BoxError> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for mut connection in connections {
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok::<_, BoxError>((connection, latencies));
                }
                let start = Instant::now();
                let status = connection.get(&path(i)).await?;
                latencies.push(nanos(start.elapsed()));
                if status != StatusCode::OK {
                    return Err(format!("GET {} answered {status}", path(i)).into());
                }
            }
        });
    }
    let mut connections = Vec::new();
    let mut latencies = Vec::with_capacity(total);
    while let Some(joined) = tasks.join_next().await {
        let (connection, mut l) = joined??;
        connections.push(connection);
        latencies.append(&mut l);
    }
    Ok((connections, latencies))
}

/// What a fixed-rate run saw.
#[derive(Debug, Default)]
pub struct FixedRateRun {
    /// Each request's latency in nanoseconds, from when it was due to when its response
    /// body was read.
    pub latencies: Vec<u64>,
    /// Each request's latency in nanoseconds from when the generator woke to send it
    /// (so without the lateness of tokio's millisecond timer, with any wait for an idle
    /// connection) to when its response body was read.
    pub latencies_from_wake: Vec<u64>,
    /// Responses other than 200.
    pub errors: usize,
    /// Wall time from the first request due to the last response.
    pub elapsed: Duration,
}

/// Sends `rate` requests per second for `duration`, each due at `start + i / rate` and
/// sent on the first idle connection (waiting for one when all are busy: that wait is
/// part of its latency). Returns the connections for reuse.
pub async fn fixed_rate(
    connections: Vec<Connection>,
    rate: f64,
    duration: Duration,
    path: PathOf,
) -> Result<(Vec<Connection>, FixedRateRun), BoxError> {
    let total = (rate * duration.as_secs_f64()) as usize;
    let pool = connections.len();
    let (idle_tx, mut idle_rx) = tokio::sync::mpsc::channel::<Connection>(pool.max(1));
    for connection in connections {
        idle_tx.send(connection).await.map_err(|_| "pool closed")?;
    }
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<Result<(u64, u64, bool), String>>();
    let start = tokio::time::Instant::now();
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due).await;
        let woke = tokio::time::Instant::now();
        let mut connection = idle_rx.recv().await.ok_or("pool closed")?;
        let (idle_tx, done_tx) = (idle_tx.clone(), done_tx.clone());
        tokio::spawn(async move {
            let outcome = connection.get(&path(i)).await.map_err(|e| e.to_string());
            let (latency, from_wake) = (nanos(due.elapsed()), nanos(woke.elapsed()));
            let _ = done_tx.send(outcome.map(|status| (latency, from_wake, status == StatusCode::OK)));
            let _ = idle_tx.send(connection).await;
        });
    }
    drop(done_tx);
    let mut run = FixedRateRun {
        latencies: Vec::with_capacity(total),
        latencies_from_wake: Vec::with_capacity(total),
        ..FixedRateRun::default()
    };
    while let Some(outcome) = done_rx.recv().await {
        let (latency, from_wake, ok) = outcome?;
        run.latencies.push(latency);
        run.latencies_from_wake.push(from_wake);
        run.errors += usize::from(!ok);
    }
    run.elapsed = start.elapsed();
    let mut connections = Vec::with_capacity(pool);
    while connections.len() < pool {
        connections.push(idle_rx.recv().await.ok_or("pool closed")?);
    }
    Ok((connections, run))
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
