//! The checkout demo binary as the tests start it.

use std::io::{BufRead as _, Read as _};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Checkouts per run: one of each failure (the traffic repeats every 25).
pub(crate) const CHECKOUTS: usize = 25;

/// Variables of the test's own environment that change what the demo does, besides
/// `OTEL_*` and `OPENAI_*`.
const DEMO_VARIABLES: [&str; 4] = ["DATABASE_URL", "NATS_URL", "REDIS_URL", "RUST_LOG"];

/// The demo binary with `args` and `env`, and nothing from the test's own environment
/// that would change what it does (`OTEL_*`, `OPENAI_*`, [`DEMO_VARIABLES`]); stdout and
/// stderr piped.
pub(crate) fn demo(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checkout"));
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if key_text.starts_with("OTEL_")
            || key_text.starts_with("OPENAI_")
            || DEMO_VARIABLES.contains(&key_text.as_ref())
        {
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

/// The servers the demo can use besides its database: NATS with JetStream
/// (`TEST_NATS_URL`, given to the demo as `NATS_URL`) and Redis (`TEST_REDIS_URL`, as
/// `REDIS_URL`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Services {
    pub(crate) nats: Option<String>,
    pub(crate) redis: Option<String>,
}

impl Services {
    /// None: the demo's embedded defaults.
    pub(crate) fn none() -> Services {
        Services::default()
    }

    /// Those the test's environment names; `None`, saying why, when it names none.
    pub(crate) fn from_env(test: &str) -> Option<Services> {
        let variable = |key| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
        let services = Services {
            nats: variable("TEST_NATS_URL"),
            redis: variable("TEST_REDIS_URL"),
        };
        if services.nats.is_none() && services.redis.is_none() {
            println!("{test}: not run with the services: neither TEST_NATS_URL nor TEST_REDIS_URL is set");
            return None;
        }
        Some(services)
    }

    /// The demo's variables for them.
    pub(crate) fn env(&self) -> Vec<(&'static str, &str)> {
        let mut env = Vec::new();
        if let Some(url) = &self.nats {
            env.push(("NATS_URL", url.as_str()));
        }
        if let Some(url) = &self.redis {
            env.push(("REDIS_URL", url.as_str()));
        }
        env
    }

    /// For messages: `with NATS, Redis`, or `with neither`.
    pub(crate) fn describe(&self) -> String {
        let names: Vec<&str> = [(self.nats.is_some(), "NATS"), (self.redis.is_some(), "Redis")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
        if names.is_empty() {
            "with neither NATS nor Redis".to_owned()
        } else {
            format!("with {}", names.join(" and "))
        }
    }
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

/// Waits for `child` to exit, killing it after `limit`.
pub(crate) fn wait(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("checkout did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// Runs [`CHECKOUTS`] checkouts, 4 at a time, with `env`; panics, with both streams,
/// unless the demo exits 0.
pub(crate) fn run_checkouts(env: &[(&str, &str)]) -> Output {
    let child = demo(
        &["run", "--checkouts", &CHECKOUTS.to_string(), "--concurrency", "4"],
        env,
    )
    .spawn()
    .expect("start checkout");
    let output = wait(child, Duration::from_secs(120));
    assert!(
        output.status.success(),
        "checkout failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The services, each a scrape job named after its `service.name`.
pub(crate) const JOBS: [&str; 4] = ["frontend", "orders", "payments", "notifications"];

/// `checkout serve` running, with where each service serves `/metrics`; killed when
/// dropped unless stopped.
pub(crate) struct ServingDemo {
    child: Option<Child>,
    pub(crate) frontend: SocketAddr,
    pub(crate) metrics: Vec<(String, SocketAddr)>,
    sqlite: std::path::PathBuf,
}

impl ServingDemo {
    /// Starts `checkout serve` with `args` and `env`, the Prometheus exporter on any
    /// free loopback port per service, and reads its start-up lines.
    pub(crate) fn start(name: &str, args: &[&str], env: &[(&str, &str)]) -> ServingDemo {
        let sqlite = std::env::temp_dir().join(format!("checkout-{name}-{}.sqlite", std::process::id()));
        let database_url = format!("sqlite://{}", sqlite.display());
        let mut all = vec![
            ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
            ("OTEL_EXPORTER_PROMETHEUS_PORT", "0"),
            ("DATABASE_URL", database_url.as_str()),
        ];
        all.extend_from_slice(env);
        let mut command: Command = demo(&[&["serve", "--listen", "127.0.0.1:0"], args].concat(), &all);
        command.stdin(Stdio::null()).stderr(Stdio::null());
        let mut child = command.spawn().expect("start checkout serve");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut metrics = Vec::new();
        let mut seen = Vec::new();
        let frontend = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!(
                    "checkout serve ended before its frontend line; printed:\n{}",
                    seen.join("\n")
                );
            };
            if let Some(rest) = line.strip_prefix("metrics: ") {
                let (service, url) = rest.split_once(' ').expect("metrics: <service> <url>");
                let address = url
                    .trim_start_matches("http://")
                    .trim_end_matches("/metrics")
                    .parse()
                    .expect("a socket address");
                metrics.push((service.to_owned(), address));
            }
            if let Some(url) = line.strip_prefix("frontend: http://") {
                break url.parse().expect("the frontend's address");
            }
            seen.push(line);
        };
        // The rest of stdout, so a full pipe never stalls the demo.
        std::thread::spawn(move || lines.for_each(drop));
        ServingDemo {
            child: Some(child),
            frontend,
            metrics,
            sqlite,
        }
    }

    /// `(job, address)` per service, for Prometheus' configuration.
    pub(crate) fn targets(&self) -> Vec<(&str, SocketAddr)> {
        let targets: Vec<_> = self
            .metrics
            .iter()
            .map(|(service, address)| (service.as_str(), *address))
            .collect();
        let services: Vec<&str> = targets.iter().map(|(s, _)| *s).collect();
        assert_eq!(services, JOBS, "one /metrics per service, printed at start-up");
        targets
    }

    /// SIGTERM, then waits for the exit (the telemetry flushed).
    pub(crate) fn stop(mut self) {
        let mut child = self.child.take().expect("running");
        let term = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(term.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("checkout serve did not exit after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "checkout serve after SIGTERM: {status}");
    }
}

impl Drop for ServingDemo {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // A killed demo leaves SQLite's write-ahead log and shared memory beside it.
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.sqlite.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
