//! The checkout demo binary as the tests start it.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The demo binary with `args` and `env`, and nothing from the test's own environment
/// that would change what it does (`OTEL_*`, `OPENAI_*`, `DATABASE_URL`); stdout and
/// stderr piped.
pub(crate) fn demo(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checkout"));
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if key_text.starts_with("OTEL_") || key_text.starts_with("OPENAI_") || key_text == "DATABASE_URL" {
            command.env_remove(&key);
        }
    }
    command
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `command` (from [`demo`]) to its end without blocking the test's runtime,
/// reading its output as it comes so a full pipe cannot stall it. Panics, with the end
/// of both streams, when it fails or is still running after `limit` (then killed).
/// Returns the end of both streams, for the caller's own failure messages.
pub(crate) async fn run_to_exit(mut command: Command, limit: Duration) -> String {
    command.stdin(Stdio::null());
    let mut child = command.spawn().expect("start the checkout demo");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the demo") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    let output = format!(
        "stdout (end):\n{}\nstderr (end):\n{}",
        tail(&stdout, 30),
        tail(&stderr, 30)
    );
    match status {
        None => panic!("the checkout demo did not exit within {limit:?}; killed\n{output}"),
        Some(status) if !status.success() => panic!("the checkout demo failed: {status}\n{output}"),
        Some(_) => output,
    }
}

fn drain(stream: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = std::io::BufReader::new(stream).read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
