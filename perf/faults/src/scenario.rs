//! The collector and its faults. The collector is http-peers' counting sink (it counts
//! spans without decoding or keeping them, so a long run costs the test nothing), run on
//! its own runtime so that killing it closes every connection at once, as a crashed
//! collector process would.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::time::Duration;

use http_peers::sink::{Behaviour, CountingSink};

/// What the collector does during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers every export at once: the baseline.
    Healthy,
    /// Nothing listens on the endpoint until the run ends.
    DownFromStart,
    /// Healthy, then killed halfway through the run (connections reset).
    KilledMidRun,
    /// Accepts connections and requests and never answers.
    BlackHoled,
    /// Answers each export after 2 s.
    Slow,
    /// Answers every export `UNAVAILABLE` (an overloaded collector's "retry later").
    Unavailable,
    /// The endpoint is `https://` on a peer that accepts connections and never says a
    /// word: the TLS handshake never completes.
    SilentTls,
    /// Exports go through a proxy that accepts the connection and never answers the
    /// `CONNECT` (the collector behind it is healthy).
    SilentProxy,
}

impl Fault {
    /// Every fault, the baseline first.
    pub const ALL: [Fault; 8] = [
        Fault::Healthy,
        Fault::DownFromStart,
        Fault::KilledMidRun,
        Fault::BlackHoled,
        Fault::Slow,
        Fault::Unavailable,
        Fault::SilentTls,
        Fault::SilentProxy,
    ];

    /// Whether the fault is a peer that never answers in place of the collector or of a
    /// proxy ([`Fault::SilentTls`], [`Fault::SilentProxy`]).
    pub fn is_silent_peer(self) -> bool {
        matches!(self, Fault::SilentTls | Fault::SilentProxy)
    }

    /// Whether the run heals the fault and measures when export resumes: the silent
    /// peers stay silent (the fault matrix, `tests/it/matrix/`, measures their recovery
    /// behind the same address), and the slow collector never left.
    pub fn heals(self) -> bool {
        !matches!(self, Fault::Slow | Fault::SilentTls | Fault::SilentProxy)
    }

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Healthy => "healthy",
            Fault::DownFromStart => "down from the start",
            Fault::KilledMidRun => "killed mid-run",
            Fault::BlackHoled => "black-holed",
            Fault::Slow => "slow (2 s per export)",
            Fault::Unavailable => "503 / UNAVAILABLE",
            Fault::SilentTls => "silent TLS peer",
            Fault::SilentProxy => "silent proxy",
        }
    }
}

/// A collector on a fixed loopback port that can be killed and brought back.
pub struct Collector {
    addr: SocketAddr,
    /// The silent peer of [`Fault::SilentTls`] and [`Fault::SilentProxy`].
    silent: Option<SilentPeer>,
    running: Option<(tokio::runtime::Runtime, CountingSink)>,
    /// Spans counted by sinks that were killed.
    counted_before: u64,
}

impl Collector {
    /// A collector on a free port; listening unless `fault` is [`Fault::DownFromStart`],
    /// and behaving as `fault` says from the start.
    pub fn start(fault: Fault) -> std::io::Result<Collector> {
        let addr = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?;
        let silent = match fault {
            Fault::SilentTls | Fault::SilentProxy => Some(SilentPeer::start(fault)?),
            _ => None,
        };
        let mut collector = Collector {
            addr,
            silent,
            running: None,
            counted_before: 0,
        };
        if fault != Fault::DownFromStart {
            collector.revive()?;
        }
        collector.set_behaviour(match fault {
            Fault::BlackHoled => Behaviour::Hang,
            Fault::Slow => Behaviour::Delay(Duration::from_secs(2)),
            Fault::Unavailable => Behaviour::Unavailable,
            _ => Behaviour::Answer,
        });
        Ok(collector)
    }

    /// `http://127.0.0.1:PORT`, for `OTEL_EXPORTER_OTLP_ENDPOINT` with gRPC
    /// (`https://` on the silent peer for [`Fault::SilentTls`]).
    pub fn endpoint(&self) -> String {
        match &self.silent {
            Some(silent) if silent.fault == Fault::SilentTls => format!("https://{}", silent.addr),
            _ => format!("http://{}", self.addr),
        }
    }

    /// The service's variables besides the endpoint: the silent proxy for
    /// [`Fault::SilentProxy`] (gRPC goes through a `CONNECT` tunnel even to `http://`).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        match &self.silent {
            Some(silent) if silent.fault == Fault::SilentProxy => vec![
                ("http_proxy", format!("http://{}", silent.addr)),
                ("no_proxy", String::new()),
            ],
            _ => Vec::new(),
        }
    }

    /// Stops it as a crash would: the listener and every connection close at once.
    pub fn kill(&mut self) {
        if let Some((runtime, sink)) = self.running.take() {
            self.counted_before += sink.spans();
            drop(sink);
            runtime.shutdown_background();
        }
    }

    /// Starts it (again) on the same port, answering every export.
    pub fn revive(&mut self) -> std::io::Result<()> {
        if self.running.is_some() {
            return Ok(());
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let sink = runtime.block_on(CountingSink::start_on(self.addr))?;
        self.running = Some((runtime, sink));
        Ok(())
    }

    /// How exports are answered from now on (nothing happens while it is down).
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        if let Some((_, sink)) = &self.running {
            sink.set_behaviour(behaviour);
        }
    }

    /// Spans received since it was created, across kills.
    pub fn spans(&self) -> u64 {
        self.counted_before + self.running.as_ref().map_or(0, |(_, sink)| sink.spans())
    }
}

/// A listener that accepts connections and holds them without reading or writing,
/// until dropped.
struct SilentPeer {
    fault: Fault,
    addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SilentPeer {
    fn start(fault: Fault) -> std::io::Result<SilentPeer> {
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stopping.load(Ordering::Acquire) {
                match listener.accept() {
                    Ok((socket, _)) => held.push(socket),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(SilentPeer { fault, addr, stop })
    }
}

impl Drop for SilentPeer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.kill();
    }
}
