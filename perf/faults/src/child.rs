//! The service as a child process: start it, read its counters, stop it with SIGTERM.

use std::io::{BufRead as _, BufReader, Read as _};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use http_peers::process;
use http_peers::server::{LISTENING_MARKER, STATS_MARKER};

/// How long the service may take to listen, or to exit after SIGTERM.
const PATIENCE: Duration = Duration::from_secs(60);

/// The span queue's counters, as `/stats` or the final line report them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Spans ended (and offered to the queue).
    pub ended: u64,
    /// Spans the collector accepted.
    pub exported: u64,
    /// Spans dropped because the queue was full.
    pub dropped: u64,
    /// Spans in exports that failed.
    pub failed: u64,
    /// Spans waiting in the queue.
    pub queued: u64,
}

/// What the service printed when it exited.
#[derive(Debug)]
pub struct Exit {
    /// Its exit status was success.
    pub success: bool,
    /// The final counters.
    pub counters: Counters,
    /// Spans ended when the stop signal arrived.
    pub ended_at_signal: u64,
    /// Its standard error, whole.
    pub stderr: String,
    /// The warnings and errors its console printed (on stdout).
    pub warnings: Vec<String>,
}

/// A running `faults-service`.
pub struct ServiceChild {
    child: Child,
    addr: SocketAddr,
    stdout: mpsc::Receiver<String>,
    ticks: u64,
    warnings: Vec<String>,
}

impl ServiceChild {
    /// Starts `bin` with `env` (plus the parent's environment without `OTEL_*`), and waits
    /// until it listens.
    pub fn start(bin: &Path, env: &[(&str, String)]) -> std::io::Result<ServiceChild> {
        let mut command = Command::new(bin);
        for (key, _) in std::env::vars() {
            if key.starts_with("OTEL_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout"))?;
        let (lines, stdout_rx) = mpsc::channel();
        std::thread::spawn(move || {
            // The protocol lines and the console's warnings are kept; its other log lines
            // (one per request) are read and dropped.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let protocol = line.starts_with(LISTENING_MARKER) || line.starts_with(STATS_MARKER);
                let warning = line.contains("WARN") || line.contains("ERROR");
                if (protocol || warning) && lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + PATIENCE;
        let mut warnings = Vec::new();
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = stdout_rx.recv_timeout(left).map_err(|_| {
                let _ = child.kill();
                std::io::Error::other("faults-service did not start listening")
            })?;
            if let Some(addr) = line.strip_prefix(LISTENING_MARKER) {
                break addr.trim().parse().map_err(std::io::Error::other)?;
            }
            warnings.push(line);
        };
        Ok(ServiceChild {
            child,
            addr,
            stdout: stdout_rx,
            warnings,
            ticks: process::clock_ticks_per_second(),
        })
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its current resident set size in bytes.
    pub fn rss(&self) -> u64 {
        process::rss(self.child.id()).unwrap_or(0)
    }

    /// CPU time it used so far.
    pub fn cpu(&self) -> Duration {
        process::cpu_time(self.child.id(), self.ticks).unwrap_or_default()
    }

    /// The span queue's counters now, from `GET /stats`.
    pub async fn counters(&self) -> Result<Counters, http_peers::load::BoxError> {
        let body = reqwest::Client::builder()
            .no_proxy()
            .build()?
            .get(format!("http://{}{}", self.addr, crate::service::STATS_PATH))
            .send()
            .await?
            .text()
            .await?;
        let v: serde_json::Value = serde_json::from_str(&body)?;
        let n = |k: &str| v[k].as_u64().unwrap_or(0);
        Ok(Counters {
            ended: n("ended"),
            exported: n("exported"),
            dropped: n("dropped"),
            failed: n("failed"),
            queued: n("queued"),
        })
    }

    /// Sends SIGTERM and waits for it to exit; what it reported.
    pub fn terminate(mut self) -> std::io::Result<Exit> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        if !status.success() {
            return Err(std::io::Error::other("kill -TERM failed"));
        }
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait()? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return Err(std::io::Error::other("faults-service did not exit after SIGTERM"));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            e.read_to_string(&mut stderr)?;
        }
        let mut exit = Exit {
            success: status.success(),
            counters: Counters::default(),
            ended_at_signal: 0,
            stderr,
            warnings: std::mem::take(&mut self.warnings),
        };
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(1)) {
            let Some(fields) = line.strip_prefix(STATS_MARKER) else {
                exit.warnings.push(line);
                continue;
            };
            {
                for field in fields.split_whitespace() {
                    let Some((key, value)) = field.split_once('=') else {
                        continue;
                    };
                    let value = value.parse().unwrap_or(0);
                    match key {
                        "ended" => exit.counters.ended = value,
                        "exported" => exit.counters.exported = value,
                        "dropped" => exit.counters.dropped = value,
                        "failed" => exit.counters.failed = value,
                        "ended_at_signal" => exit.ended_at_signal = value,
                        _ => {}
                    }
                }
            }
        }
        Ok(exit)
    }
}

impl Drop for ServiceChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
