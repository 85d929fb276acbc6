//! [`FaultRelay`]: a TCP relay in front of a real peer (a collector, a proxy) that plays
//! the network faults an exporter must survive, switched while it runs and lifted
//! again behind the same address: refused connections, a peer that accepts and then says
//! nothing (before the TLS handshake, after it, after the request), a slow drip, a reset
//! in the middle of a response, garbage bytes, and a peer that worked and then vanished
//! without a reset.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;
use tokio_rustls::TlsAcceptor;

use crate::CollectorTls;

/// What a [`FaultRelay`] does with the connections it accepts from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayFault {
    /// No fault: every byte relayed both ways, at once.
    None,
    /// Nothing listens: connections are refused (the port is closed, and bound again
    /// when the fault changes).
    Refuse,
    /// Accepts and never reads or writes a byte: with TLS, the handshake never starts.
    SilentOnAccept,
    /// Completes the TLS handshake, then never reads or writes (without TLS, the same as
    /// [`SilentOnAccept`](Self::SilentOnAccept)).
    SilentAfterTlsHandshake,
    /// Reads the request (after the TLS handshake, with TLS) and never answers.
    SilentAfterRequest,
    /// Relays the peer's answer one byte per interval.
    Drip(Duration),
    /// Relays the request, then the first part of the peer's answer (its HTTP/1 head cut
    /// in half, or an HTTP/2 response's `HEADERS` frame cut after five bytes), then
    /// resets the connection (`RST`).
    ResetMidResponse,
    /// Reads the request and answers bytes that are neither HTTP/1, HTTP/2 nor TLS,
    /// then holds the connection open.
    Garbage,
    /// The peer vanished without a reset: connections being relayed stop (both sockets
    /// held open, nothing forwarded, ever), and new ones are accepted and held. Lifting
    /// the fault serves new connections; the held ones stay dead, as a vanished host's
    /// would.
    Vanish,
}

/// A relay on `127.0.0.1` in front of `upstream`, playing a [`RelayFault`] that can be
/// changed at any time. With a [`CollectorTls`] identity it serves TLS itself and relays
/// the plaintext to a plain upstream (a plain `TestCollector`), so a fault can strike
/// after the handshake or in the middle of the decrypted answer.
///
/// A change of fault closes the connections being relayed (as a restarting peer would),
/// so that the client meets the new fault on its next connection; except
/// [`RelayFault::Vanish`], which freezes them. Connections already held by a fault stay
/// held until the relay is dropped. Dropping the relay closes everything.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use otel_kit_testing::{FaultRelay, RelayFault, TestCollector};
///
/// let collector = TestCollector::start().await?;
/// let relay = FaultRelay::start(collector.addr(), None).await?;
/// // Point the exporter at `relay.endpoint()`; then, while it runs:
/// relay.set_fault(RelayFault::SilentAfterRequest);
/// // ... and lift it: the same address serves again.
/// relay.set_fault(RelayFault::None);
/// assert!(relay.endpoint().starts_with("http://127.0.0.1:"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct FaultRelay {
    addr: SocketAddr,
    scheme: &'static str,
    fault: watch::Sender<RelayFault>,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl FaultRelay {
    /// Binds a free loopback port and relays to `upstream`, serving TLS with `tls` when
    /// given; starts with no fault, on the current tokio runtime.
    pub async fn start(upstream: SocketAddr, tls: Option<CollectorTls>) -> std::io::Result<FaultRelay> {
        let acceptor = tls
            .as_ref()
            .map(CollectorTls::server_config)
            .transpose()?
            .map(TlsAcceptor::from);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (fault, faults) = watch::channel(RelayFault::None);
        let tasks = Arc::new(Mutex::new(Vec::new()));
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let relay = Relay {
            upstream,
            acceptor,
            faults,
            tasks: Arc::clone(&tasks),
        };
        let accepting = tokio::spawn(relay.accept_loop(listener, addr));
        tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(accepting.abort_handle());
        Ok(FaultRelay {
            addr,
            scheme,
            fault,
            tasks,
        })
    }

    /// Plays `fault` from now on. Leaving [`RelayFault::Refuse`] binds the port again on
    /// the relay's task, within milliseconds.
    pub fn set_fault(&self, fault: RelayFault) {
        self.fault.send_replace(fault);
    }

    /// The fault played now.
    pub fn fault(&self) -> RelayFault {
        *self.fault.borrow()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, or `https://` when it serves TLS.
    pub fn endpoint(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
}

impl Drop for FaultRelay {
    fn drop(&mut self) {
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            task.abort();
        }
    }
}

/// What the accept loop and every connection share.
#[derive(Clone)]
struct Relay {
    upstream: SocketAddr,
    acceptor: Option<TlsAcceptor>,
    faults: watch::Receiver<RelayFault>,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

/// The client's side of a connection, plain or TLS, and its TCP socket (for the reset).
trait ClientIo: AsyncRead + AsyncWrite + Unpin + Send {
    fn tcp(&self) -> &TcpStream;
}

impl ClientIo for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl ClientIo for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

/// Answered by [`RelayFault::Garbage`]: a first byte of 0xFF is no HTTP/1 status line,
/// an HTTP/2 frame of 16 MiB (over any peer's limit) and no TLS record type.
const GARBAGE: [u8; 512] = {
    let mut bytes = [0u8; 512];
    let mut i = 0;
    while i < bytes.len() {
        bytes[i] = 0xFF - (i % 13) as u8;
        i += 1;
    }
    bytes
};

impl Relay {
    async fn accept_loop(self, listener: TcpListener, addr: SocketAddr) {
        let mut faults = self.faults.clone();
        let mut listener = Some(listener);
        loop {
            let fault = *faults.borrow_and_update();
            if fault == RelayFault::Refuse {
                listener = None;
                if faults.changed().await.is_err() {
                    return;
                }
                continue;
            }
            let bound = match listener.take() {
                Some(bound) => bound,
                None => match bind_again(addr).await {
                    Some(bound) => bound,
                    None => return,
                },
            };
            tokio::select! {
                changed = faults.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    listener = Some(bound);
                }
                accepted = bound.accept() => {
                    listener = Some(bound);
                    let Ok((tcp, _)) = accepted else { continue };
                    // The fault now: it may have changed while the connection waited.
                    let fault = *faults.borrow();
                    let _ = tcp.set_nodelay(true);
                    let relay = self.clone();
                    let task = tokio::spawn(relay.connection(tcp, fault));
                    self.tasks
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(task.abort_handle());
                }
            }
        }
    }

    /// One accepted connection, under the fault played when it was accepted.
    async fn connection(self, tcp: TcpStream, fault: RelayFault) {
        match fault {
            RelayFault::SilentOnAccept | RelayFault::Vanish | RelayFault::Refuse => return hold(tcp).await,
            _ => {}
        }
        match &self.acceptor {
            Some(acceptor) => {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                self.serve(tls, fault).await;
            }
            None => self.serve(tcp, fault).await,
        }
    }

    async fn serve<C: ClientIo>(self, mut client: C, fault: RelayFault) {
        let mut request = vec![0u8; 16 * 1024];
        match fault {
            RelayFault::SilentAfterTlsHandshake => return hold(client).await,
            RelayFault::SilentAfterRequest => loop {
                if matches!(client.read(&mut request).await, Ok(0) | Err(_)) {
                    return hold(client).await;
                }
            },
            RelayFault::Garbage => {
                if matches!(client.read(&mut request).await, Ok(0) | Err(_)) {
                    return;
                }
                let _ = client.write_all(&GARBAGE).await;
                let _ = client.flush().await;
                return hold(client).await;
            }
            _ => {}
        }
        let Ok(upstream) = TcpStream::connect(self.upstream).await else {
            return;
        };
        let _ = upstream.set_nodelay(true);
        self.relay(client, upstream, fault).await;
    }

    /// Relays both ways under `fault` (none, a drip or a reset) until either side
    /// closes or the fault changes.
    async fn relay<C: ClientIo>(mut self, mut client: C, mut upstream: TcpStream, fault: RelayFault) {
        let mut up = vec![0u8; 16 * 1024];
        let mut down = vec![0u8; 16 * 1024];
        let mut http2: Option<bool> = None;
        let mut frames = Http2Frames::default();
        self.faults.borrow_and_update();
        loop {
            tokio::select! {
                changed = self.faults.changed() => {
                    if changed.is_ok() && *self.faults.borrow() == RelayFault::Vanish {
                        return hold((client, upstream)).await;
                    }
                    // A restarting peer: both connections closed (FIN).
                    return;
                }
                read = client.read(&mut up) => {
                    let Ok(n @ 1..) = read else { return };
                    http2.get_or_insert_with(|| up[..n].starts_with(b"PRI * HTTP/2.0"));
                    if upstream.write_all(&up[..n]).await.is_err() {
                        return;
                    }
                }
                read = upstream.read(&mut down) => {
                    let Ok(n @ 1..) = read else { return };
                    let chunk = &down[..n];
                    match fault {
                        RelayFault::Drip(every) => {
                            for byte in chunk {
                                tokio::time::sleep(every).await;
                                if client.write_all(&[*byte]).await.is_err() || client.flush().await.is_err() {
                                    return;
                                }
                            }
                        }
                        RelayFault::ResetMidResponse => {
                            let cut = if http2 == Some(true) {
                                frames.headers_start(chunk).map(|start| (start + 5).min(n))
                            } else {
                                Some((n / 2).max(1))
                            };
                            let end = cut.unwrap_or(n);
                            if client.write_all(&chunk[..end]).await.is_err() || client.flush().await.is_err() {
                                return;
                            }
                            if cut.is_some() {
                                let _ = client.tcp().set_zero_linger();
                                return;
                            }
                        }
                        _ => {
                            if client.write_all(chunk).await.is_err() || client.flush().await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Holds whatever it is given open, doing nothing, until the task is aborted.
async fn hold<T>(held: T) {
    std::future::pending::<()>().await;
    drop(held);
}

/// Binds `addr` again after a refusal; `None` if it stays taken for a second.
async fn bind_again(addr: SocketAddr) -> Option<TcpListener> {
    for _ in 0..20 {
        if let Ok(listener) = TcpListener::bind(addr).await {
            return Some(listener);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// Follows the frames of a server's HTTP/2 stream to find the first `HEADERS` frame
/// (a response's head), across chunks.
#[derive(Default)]
struct Http2Frames {
    /// The bytes of the frame header read so far.
    header: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    remaining: usize,
}

impl Http2Frames {
    /// Where in `chunk` a `HEADERS` frame starts (0 when its header began in an earlier
    /// chunk), if one does.
    fn headers_start(&mut self, chunk: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < chunk.len() {
            if self.remaining > 0 {
                let skip = self.remaining.min(chunk.len() - i);
                self.remaining -= skip;
                i += skip;
                continue;
            }
            let start = i.saturating_sub(self.header.len());
            let take = (9 - self.header.len()).min(chunk.len() - i);
            self.header.extend_from_slice(&chunk[i..i + take]);
            i += take;
            if self.header.len() == 9 {
                let length = usize::from(self.header[0]) << 16
                    | usize::from(self.header[1]) << 8
                    | usize::from(self.header[2]);
                let kind = self.header[3];
                self.header.clear();
                if kind == 0x1 {
                    return Some(start);
                }
                self.remaining = length;
            }
        }
        None
    }
}
