//! A `fault-cell` process and the counters it prints.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The variables a cell's process must not inherit: the parent's `OTEL_*` and proxies.
const PROXY_VARIABLES: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// One signal's `ExportStats`: exported batches, failed batches and items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct SignalCounts {
    pub(super) exported_batches: u64,
    pub(super) failed_batches: u64,
    pub(super) failed_items: u64,
}

impl SignalCounts {
    /// Exports that ended, either way.
    pub(super) fn ended(&self) -> u64 {
        self.exported_batches + self.failed_batches
    }
}

/// The span queue's counters: ended, exported, dropped, failed, queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct QueueCounts {
    pub(super) ended: u64,
    pub(super) exported: u64,
    pub(super) dropped: u64,
    pub(super) failed: u64,
    pub(super) queued: u64,
}

/// One `FAULTCELL stats` line, stamped when it was read.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sample {
    pub(super) at: Instant,
    /// Traces, metrics, logs.
    pub(super) signals: [SignalCounts; 3],
    pub(super) queue: QueueCounts,
}

#[derive(Default)]
struct Output {
    samples: Vec<Sample>,
    shutdown: Option<(Duration, String)>,
    other: Vec<String>,
}

/// A running `fault-cell`, killed when dropped.
pub(super) struct CellProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<Output>>,
}

impl CellProcess {
    pub(super) fn start(bin: &Path, env: &[(&str, String)]) -> std::io::Result<CellProcess> {
        let mut command = Command::new(bin);
        for (key, _) in std::env::vars() {
            if key.starts_with("OTEL_") || PROXY_VARIABLES.contains(&key.as_str()) {
                command.env_remove(key);
            }
        }
        let mut child = command
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout"))?;
        let stdin = child.stdin.take();
        let output = Arc::new(Mutex::new(Output::default()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut output = sink.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(sample) = parse_stats(&line) {
                    output.samples.push(sample);
                } else if let Some(rest) = line.strip_prefix("FAULTCELL shutdown ") {
                    let (ms, result) = rest.split_once(' ').unwrap_or((rest, ""));
                    let took = Duration::from_millis(ms.parse().unwrap_or(u64::MAX));
                    output.shutdown = Some((took, result.to_owned()));
                } else if output.other.len() < 40 {
                    output.other.push(line);
                }
            }
        });
        Ok(CellProcess { child, stdin, output })
    }

    /// Every sample so far.
    pub(super) fn samples(&self) -> Vec<Sample> {
        self.lock().samples.clone()
    }

    /// The latest sample.
    pub(super) fn latest(&self) -> Option<Sample> {
        self.lock().samples.last().copied()
    }

    /// Waits up to `limit` for a sample satisfying `done`; when it came.
    pub(super) fn wait_for(&self, limit: Duration, done: impl Fn(&Sample) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(sample) = self.lock().samples.iter().rev().find(|s| done(s)) {
                return Some(sample.at);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks for a shutdown and waits up to `limit` for the process to report it and exit:
    /// how long `Telemetry::shutdown` took, its result, and the wall time to exit.
    pub(super) fn shut_down(&mut self, limit: Duration) -> Result<(Duration, String, Duration), String> {
        let asked = Instant::now();
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.write_all(b"shutdown\n");
        }
        let deadline = asked + limit;
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return Err(format!("the process had not exited {limit:?} after `shutdown`"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let exited = asked.elapsed();
        // The reader thread drains the last lines.
        std::thread::sleep(Duration::from_millis(50));
        match self.lock().shutdown.clone() {
            Some((took, result)) => Ok((took, result, exited)),
            None => Err("exited without reporting its shutdown".to_owned()),
        }
    }

    /// Lines it printed besides the counters (warnings), the first 40.
    pub(super) fn other_lines(&self) -> Vec<String> {
        self.lock().other.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for CellProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_stats(line: &str) -> Option<Sample> {
    let mut fields = line.strip_prefix("FAULTCELL stats ")?.split(' ');
    let numbers = |field: Option<&str>| -> Vec<u64> {
        field
            .unwrap_or("")
            .split(',')
            .map(|n| n.parse().unwrap_or(0))
            .collect()
    };
    let mut signals = [SignalCounts::default(); 3];
    for signal in &mut signals {
        let n = numbers(fields.next());
        if let [exported_batches, _, failed_batches, failed_items] = n[..] {
            *signal = SignalCounts {
                exported_batches,
                failed_batches,
                failed_items,
            };
        }
    }
    let mut queue = QueueCounts::default();
    if let [ended, exported, dropped, failed, queued] = numbers(fields.next())[..] {
        queue = QueueCounts {
            ended,
            exported,
            dropped,
            failed,
            queued,
        };
    }
    Some(Sample {
        at: Instant::now(),
        signals,
        queue,
    })
}
