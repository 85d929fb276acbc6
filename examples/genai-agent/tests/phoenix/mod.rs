//! Arize Phoenix (`TEST_PHOENIX`, the `phoenix` executable of the `arize-phoenix` Python
//! package) as a child process on SQLite in a directory of its own, and its REST API.
//!
//! Phoenix takes OTLP traces over HTTP (`/v1/traces`, protobuf) on its web port and over
//! gRPC on a second port; it turns the GenAI conventions' `gen_ai.*` attributes into its
//! own (OpenInference's `llm.*`) as it stores a span, and `GET
//! /v1/projects/{project}/spans` returns both, flattened.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use otel_kit::testing::ChildServer;
use serde_json::Value;

/// The variable naming the `phoenix` executable.
const VARIABLE: &str = "TEST_PHOENIX";
/// Importing Phoenix is most of its start: 18 to 30 s on 2 busy cores.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// Phoenix stores what it received in batches, a moment after answering the export.
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(60);

/// The `phoenix` executable from `TEST_PHOENIX`, or `None` (the skip said why).
pub(crate) fn executable() -> Option<PathBuf> {
    match std::env::var(VARIABLE) {
        Ok(path) if !path.trim().is_empty() => Some(PathBuf::from(path)),
        _ => {
            eprintln!(
                "skipped: {VARIABLE} is not set (the `phoenix` executable of \
                 `pip install arize-phoenix`; .ci/run installs it in ~/.cache/otel-kit/phoenix-venv)"
            );
            None
        }
    }
}

/// A running Phoenix, killed when dropped, its directory removed after.
pub(crate) struct Phoenix {
    server: ChildServer,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    // Dropped after `server` (fields drop in order): the directory outlives the process.
    dir: TempDir,
}

impl Phoenix {
    /// Starts Phoenix on two free loopback ports (web and OTLP/HTTP, then OTLP/gRPC),
    /// without authentication, and returns once it answers `/readyz`.
    pub(crate) fn start(executable: &Path) -> Phoenix {
        let dir = TempDir::new();
        let started = Instant::now();
        let root = dir.0.clone();
        let server = ChildServer::start(
            "phoenix",
            2,
            START_TIMEOUT,
            |ports| {
                // A directory per attempt: a failed one leaves its database behind.
                let working_dir = root.join(ports[0].to_string());
                std::fs::create_dir_all(&working_dir)?;
                let log = std::fs::File::create(working_dir.join("phoenix.log"))?;
                Command::new(executable)
                    .arg("serve")
                    .env("PHOENIX_WORKING_DIR", &working_dir)
                    .env("PHOENIX_HOST", "127.0.0.1")
                    .env("PHOENIX_PORT", ports[0].to_string())
                    // Phoenix binds its gRPC port on every interface ([::]), whatever
                    // PHOENIX_HOST says: it has no setting for that.
                    .env("PHOENIX_GRPC_PORT", ports[1].to_string())
                    .env("PHOENIX_ENABLE_AUTH", "false")
                    // No pixels, fonts or downloads from the internet, which this machine
                    // cannot reach; no SQL echoed for each of its migrations.
                    .env("PHOENIX_TELEMETRY_ENABLED", "false")
                    .env("PHOENIX_ALLOW_EXTERNAL_RESOURCES", "false")
                    .env("PHOENIX_LOG_MIGRATIONS", "false")
                    .env_remove("PHOENIX_SQL_DATABASE_URL")
                    .env_remove("PHOENIX_POSTGRES_HOST")
                    .stdin(Stdio::null())
                    .stdout(log.try_clone()?)
                    .stderr(log)
                    .spawn()
            },
            |ports| log_tail(&root.join(ports[0].to_string())),
        )
        .unwrap_or_else(|error| panic!("Phoenix did not start: {error}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client");
        let phoenix = Phoenix {
            server,
            http,
            runtime,
            dir,
        };
        phoenix.wait_until_ready(started + START_TIMEOUT);
        eprintln!(
            "Phoenix {} ready in {:.1} s",
            phoenix
                .get("/arize_phoenix_version")
                .map(|(_, body)| body)
                .unwrap_or_default(),
            started.elapsed().as_secs_f64()
        );
        phoenix
    }

    /// Where OTLP/HTTP goes (`/v1/traces` is appended by the exporter).
    pub(crate) fn http_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.ports()[0])
    }

    /// Where OTLP/gRPC goes.
    pub(crate) fn grpc_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.ports()[1])
    }

    /// The spans of `trace_id` in `project`, as `GET /v1/projects/{project}/spans`
    /// returns them, once `count` have arrived; fails after a minute, printing what
    /// Phoenix answered and logged.
    pub(crate) fn trace_spans(&self, project: &str, trace_id: &str, count: usize) -> Vec<Value> {
        let path = format!("/v1/projects/{project}/spans?trace_id={trace_id}&limit=100");
        let deadline = Instant::now() + ARRIVAL_TIMEOUT;
        loop {
            let answer = self.get(&path);
            // 404 until the first span of a new project is stored.
            if let Ok((200, body)) = &answer {
                let spans = serde_json::from_str::<Value>(body)
                    .ok()
                    .and_then(|page| page["data"].as_array().cloned())
                    .unwrap_or_else(|| panic!("GET {path}: not a page of spans: {body}"));
                if spans.len() >= count {
                    return spans;
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "{count} spans of trace {trace_id} did not reach Phoenix's project {project} \
                     within {ARRIVAL_TIMEOUT:?}; GET {path} answered {answer:?}\n\
                     Phoenix's log ends with:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The end of what Phoenix logged.
    fn log(&self) -> String {
        log_tail(&self.dir.0.join(self.server.port().to_string()))
    }

    fn wait_until_ready(&self, deadline: Instant) {
        loop {
            let answer = self.get("/readyz");
            if matches!(answer, Ok((200, _))) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "Phoenix is not ready: /readyz answered {answer:?}\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The status and body of `GET path`.
    fn get(&self, path: &str) -> Result<(u16, String), reqwest::Error> {
        let url = format!("{}{path}", self.http_endpoint());
        self.runtime.block_on(async {
            let response = self.http.get(url).send().await?;
            let status = response.status().as_u16();
            Ok((status, response.text().await?))
        })
    }
}

/// The last 40 lines of the log in `working_dir`, less the access log of the test's own
/// polling, which would fill them.
fn log_tail(working_dir: &Path) -> String {
    let log = std::fs::read(working_dir.join("phoenix.log")).unwrap_or_default();
    let log = String::from_utf8_lossy(&log);
    let lines: Vec<&str> = log
        .lines()
        .filter(|line| !(line.starts_with("INFO:") && line.contains("\"GET /")))
        .collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// A directory under cargo's temporary directory for integration tests, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        let path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("phoenix-{}-{nanos:x}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap_or_else(|error| panic!("create {}: {error}", path.display()));
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
