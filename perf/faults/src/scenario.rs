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
}

impl Fault {
    /// Every fault, the baseline first.
    pub const ALL: [Fault; 6] = [
        Fault::Healthy,
        Fault::DownFromStart,
        Fault::KilledMidRun,
        Fault::BlackHoled,
        Fault::Slow,
        Fault::Unavailable,
    ];

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Healthy => "healthy",
            Fault::DownFromStart => "down from the start",
            Fault::KilledMidRun => "killed mid-run",
            Fault::BlackHoled => "black-holed",
            Fault::Slow => "slow (2 s per export)",
            Fault::Unavailable => "503 / UNAVAILABLE",
        }
    }
}

/// A collector on a fixed loopback port that can be killed and brought back.
pub struct Collector {
    addr: SocketAddr,
    running: Option<(tokio::runtime::Runtime, CountingSink)>,
    /// Spans counted by sinks that were killed.
    counted_before: u64,
}

impl Collector {
    /// A collector on a free port; listening unless `fault` is [`Fault::DownFromStart`],
    /// and behaving as `fault` says from the start.
    pub fn start(fault: Fault) -> std::io::Result<Collector> {
        let addr = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?;
        let mut collector = Collector {
            addr,
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

    /// `http://127.0.0.1:PORT`, for `OTEL_EXPORTER_OTLP_ENDPOINT` with gRPC.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
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

impl Drop for Collector {
    fn drop(&mut self) {
        self.kill();
    }
}
