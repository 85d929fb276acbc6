//! [`Rotel`]: the real `rotel` collector (an OTLP collector written in Rust, shipped on
//! PyPI as `rotel`) as a child process that relays everything it receives to a
//! [`TestCollector`], so a test can assert on what a real collector forwarded.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use otel_kit_testing::{Protocol, Rotel, TestCollector};
//!
//! // `TEST_OTLP_COLLECTOR_BIN` names `rotel-agent`; without it the test is skipped.
//! let Some(bin) = Rotel::binary_from_env() else { return Ok(()) };
//! let collector = TestCollector::start().await?;
//! let rotel = Rotel::start(&bin, &collector, Protocol::Grpc)?;
//! // Point the code under test at `rotel.grpc_endpoint()` or `rotel.http_endpoint()`,
//! // then read `collector.spans()`.
//! # Ok(())
//! # }
//! ```

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use otel_kit_core::otlp::Protocol;

use crate::{ChildServer, TestCollector};

/// The environment variable naming the `rotel-agent` binary.
pub const ROTEL_BIN_ENV: &str = "TEST_OTLP_COLLECTOR_BIN";

/// How long rotel may take to listen.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `rotel-agent`, killed when dropped.
#[derive(Debug)]
pub struct Rotel {
    server: ChildServer,
    log_file: PathBuf,
}

impl Rotel {
    /// The binary named by `TEST_OTLP_COLLECTOR_BIN`; `None`, with the reason printed,
    /// when it is unset, so the calling test can return early as skipped.
    pub fn binary_from_env() -> Option<PathBuf> {
        match std::env::var_os(ROTEL_BIN_ENV) {
            Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
            _ => {
                eprintln!("skipped: {ROTEL_BIN_ENV} is not set (path of rotel-agent; .ci/run sets it)");
                None
            }
        }
    }

    /// Starts `bin` on two free loopback ports (gRPC and HTTP; new ones if another
    /// process takes one first), forwarding to `target` with `protocol` (gRPC or
    /// HTTP/protobuf; rotel sends no JSON) in batches of at most 100 ms, and waits until
    /// it listens.
    pub fn start(bin: &Path, target: &TestCollector, protocol: Protocol) -> io::Result<Rotel> {
        Rotel::start_forwarding(bin, &target.endpoint(), protocol, &[])
    }

    /// Like [`start`](Self::start), forwarding to any OTLP `endpoint` (a base URL), with
    /// `extra_args` added to rotel's command line (for example
    /// `["--otlp-exporter-compression", "none"]` for a receiver that reads only
    /// uncompressed bodies).
    pub fn start_forwarding(
        bin: &Path,
        endpoint: &str,
        protocol: Protocol,
        extra_args: &[&str],
    ) -> io::Result<Rotel> {
        let forward = match protocol {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http",
            Protocol::HttpJson => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "rotel forwards over grpc or http/protobuf, not http/json",
                ));
            }
        };
        let dir = |ports: &[u16]| std::env::temp_dir().join(format!("otel-kit-testing-rotel-{}", ports[0]));
        let server = ChildServer::start(
            "rotel-agent",
            2,
            READY_TIMEOUT,
            |ports| {
                let (grpc, http) = (ports[0], ports[1]);
                let dir = dir(ports);
                std::fs::create_dir_all(&dir)?;
                // A directory named by a reused port may hold an earlier run's log.
                let _ = std::fs::remove_file(dir.join("rotel.log"));
                Command::new(bin)
                    .arg("start")
                    .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc}")])
                    .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http}")])
                    .args(["--exporter", "otlp", "--otlp-exporter-endpoint", endpoint])
                    .args(["--otlp-exporter-protocol", forward])
                    .args(["--batch-timeout", "100ms"])
                    .args(extra_args)
                    .arg("--pid-file")
                    .arg(dir.join("rotel.pid"))
                    .arg("--log-file")
                    .arg(dir.join("rotel.log"))
                    .stdout(Stdio::null())
                    // rotel reports a port it cannot bind on stderr, before its log opens.
                    .stderr(std::fs::File::create(dir.join("rotel.stderr"))?)
                    .spawn()
            },
            |ports| {
                let read = |name| std::fs::read_to_string(dir(ports).join(name)).unwrap_or_default();
                format!("{}{}", read("rotel.stderr"), read("rotel.log"))
            },
        )?;
        let rotel = Rotel {
            log_file: dir(server.ports()).join("rotel.log"),
            server,
        };
        Ok(rotel)
    }

    /// Its OTLP/gRPC endpoint, `http://127.0.0.1:PORT`.
    pub fn grpc_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.ports()[0])
    }

    /// Its OTLP/HTTP endpoint (base URL, without `/v1/traces`).
    pub fn http_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.ports()[1])
    }

    /// The endpoint for an `OTEL_EXPORTER_OTLP_PROTOCOL` value: the gRPC one for
    /// `grpc`, the HTTP one otherwise (`http/protobuf`, `http/json`).
    pub fn endpoint(&self, otlp_protocol: &str) -> String {
        if otlp_protocol == "grpc" {
            self.grpc_endpoint()
        } else {
            self.http_endpoint()
        }
    }

    /// What rotel wrote to its log file so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }
}
