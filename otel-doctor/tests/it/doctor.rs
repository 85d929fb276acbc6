//! Runs the built binary with a clean environment and a deadline.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run printed and returned.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: Option<i32>,
}

impl Run {
    /// The JSON report (`--format json` runs).
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    /// The findings of a JSON report.
    pub(crate) fn findings(&self) -> Vec<serde_json::Value> {
        self.json()["findings"].as_array().cloned().unwrap_or_default()
    }

    /// The findings of `check`.
    pub(crate) fn of(&self, check: &str) -> Vec<serde_json::Value> {
        self.findings()
            .into_iter()
            .filter(|f| f["check"] == check)
            .collect()
    }
}

/// The longest a run may take: metadata of a scratch workspace and an export with a
/// 2 s timeout take a few seconds.
const DEADLINE: Duration = Duration::from_secs(90);

/// Runs `cargo-otel-doctor otel-doctor <args>` in `dir` with only `env` (plus what cargo
/// itself needs) in its environment.
pub(crate) fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-otel-doctor"));
    command.arg("otel-doctor").args(args).current_dir(dir).env_clear();
    for keep in [
        "PATH",
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO",
    ] {
        if let Some(value) = std::env::var_os(keep) {
            command.env(keep, value);
        }
    }
    command.envs(env.iter().copied());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the doctor starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the doctor ran past {DEADLINE:?}: {}",
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        code: status.code(),
    }
}
