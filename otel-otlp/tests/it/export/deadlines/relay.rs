//! A TCP relay to a collector that can vanish: it then forwards nothing and closes
//! nothing, on its connections and on those it accepts while down, as a load balancer
//! or a NAT that lost its state does. It records the HTTP/2 frames clients send.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// An HTTP/2 frame a client sent: when, its type and flags (`PING` is type 6; flag 1
/// is its acknowledgement).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) at: Instant,
    pub(super) kind: u8,
    pub(super) flags: u8,
}

/// Whether the relay forwards, and which connections.
#[derive(Default)]
struct RelayState {
    /// The HTTP/2 frames of every client, connections in turn (read from plain h2c).
    frames: Mutex<Vec<Frame>>,
    /// When clients closed their connections.
    closed: Mutex<Vec<Instant>>,
    down: AtomicBool,
    /// Bumped when the relay goes down: connections of an older epoch stay dead.
    epoch: AtomicU64,
    /// The clients' addresses, in the order they connected.
    clients: Mutex<Vec<SocketAddr>>,
}

impl RelayState {
    fn live(&self, epoch: u64) -> bool {
        !self.down.load(Ordering::SeqCst) && self.epoch.load(Ordering::SeqCst) == epoch
    }
}

/// A TCP relay to `upstream` that can vanish: it then forwards nothing and closes
/// nothing, on its connections and on those it accepts while down.
pub(super) struct Relay {
    addr: SocketAddr,
    state: Arc<RelayState>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    pub(super) async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(RelayState::default());
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            // Dropped with the accept loop: every connection's task ends with the relay.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((client, peer)) = listener.accept().await {
                shared.clients.lock().expect("lock").push(peer);
                let state = Arc::clone(&shared);
                connections.spawn(async move {
                    let epoch = state.epoch.load(Ordering::SeqCst);
                    if !state.live(epoch) {
                        // Accepted and held, never answered.
                        let _held = client;
                        std::future::pending::<()>().await;
                        return;
                    }
                    let server = TcpStream::connect(upstream).await.expect("upstream");
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        pump(client_read, server_write, &state, epoch, true),
                        pump(server_read, client_write, &state, epoch, false)
                    );
                });
            }
        });
        Relay { addr, state, task }
    }

    pub(super) fn vanish(&self) {
        self.state.down.store(true, Ordering::SeqCst);
        self.state.epoch.fetch_add(1, Ordering::SeqCst);
    }

    pub(super) fn come_back(&self) {
        self.state.down.store(false, Ordering::SeqCst);
    }

    pub(super) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The HTTP/2 frames clients sent so far.
    pub(super) fn frames(&self) -> Vec<Frame> {
        self.state.frames.lock().expect("lock").clone()
    }

    /// When clients closed their connections.
    pub(super) fn closed(&self) -> Vec<Instant> {
        self.state.closed.lock().expect("lock").clone()
    }

    pub(super) fn clients(&self) -> Vec<SocketAddr> {
        self.state.clients.lock().expect("lock").clone()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies `from` to `to` while the connection is live; after that swallows what comes
/// and holds both ends open for good. Records the frames of the client's side.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, state: &RelayState, epoch: u64, client: bool) {
    let mut buffer = vec![0; 16 * 1024];
    let mut frames = FrameReader::default();
    loop {
        let read = from.read(&mut buffer).await;
        if client {
            match read {
                Ok(0) | Err(_) => state.closed.lock().expect("lock").push(Instant::now()),
                Ok(n) => {
                    let read = frames.feed(&buffer[..n]);
                    state.frames.lock().expect("lock").extend(read);
                }
            }
        }
        if !state.live(epoch) {
            if matches!(read, Ok(0) | Err(_)) {
                let _held = (from, to);
                std::future::pending::<()>().await;
                return;
            }
            continue;
        }
        match read {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => {
                if to.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Reads HTTP/2 frame headers from a client's bytes, in whatever pieces they come.
#[derive(Default)]
struct FrameReader {
    preface_left: Option<usize>,
    pending: Vec<u8>,
    /// Payload bytes of the current frame still to skip.
    skip: usize,
}

impl FrameReader {
    fn feed(&mut self, mut bytes: &[u8]) -> Vec<Frame> {
        let preface = self.preface_left.get_or_insert(24);
        let skipped = (*preface).min(bytes.len());
        *preface -= skipped;
        bytes = &bytes[skipped..];
        let mut frames = Vec::new();
        loop {
            let skipped = self.skip.min(bytes.len());
            self.skip -= skipped;
            bytes = &bytes[skipped..];
            if bytes.is_empty() {
                return frames;
            }
            let wanted = 9 - self.pending.len();
            let taken = wanted.min(bytes.len());
            self.pending.extend_from_slice(&bytes[..taken]);
            bytes = &bytes[taken..];
            if self.pending.len() < 9 {
                return frames;
            }
            let head = std::mem::take(&mut self.pending);
            self.skip = usize::from(head[0]) << 16 | usize::from(head[1]) << 8 | usize::from(head[2]);
            frames.push(Frame {
                at: Instant::now(),
                kind: head[3],
                flags: head[4],
            });
        }
    }
}
