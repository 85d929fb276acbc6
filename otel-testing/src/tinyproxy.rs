//! [`Tinyproxy`]: a real HTTP proxy (Debian's `tinyproxy`, which forwards requests in
//! absolute form and tunnels `CONNECT`) as a child process with its own configuration,
//! port and log, so a test can send exports through a proxy and read in its log what
//! went through it.
//!
//! ```no_run
//! use otel_kit_testing::Tinyproxy;
//!
//! // `TEST_TINYPROXY` names the `tinyproxy` binary; without it the test is skipped.
//! let Some(bin) = Tinyproxy::binary_from_env() else { return Ok(()) };
//! let proxy = Tinyproxy::start(&bin, Some(("alice", "secret")))?;
//! // Point the code under test at `proxy.url()` (`http://127.0.0.1:PORT`, with the
//! // credentials at `proxy.url_with_credentials()`), then read `proxy.log()`.
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::ChildServer;
use std::time::Duration;

/// The environment variable naming the `tinyproxy` binary.
pub const TINYPROXY_BIN_ENV: &str = "TEST_TINYPROXY";

/// How long tinyproxy may take to listen.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A running tinyproxy on `127.0.0.1`, killed when dropped.
#[derive(Debug)]
pub struct Tinyproxy {
    server: ChildServer,
    credentials: Option<(String, String)>,
    log_file: PathBuf,
}

impl Tinyproxy {
    /// The binary named by `TEST_TINYPROXY`, or `None` (after saying why the caller
    /// skips) when it is unset.
    pub fn binary_from_env() -> Option<PathBuf> {
        match std::env::var_os(TINYPROXY_BIN_ENV) {
            Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
            _ => {
                eprintln!(
                    "skipped: {TINYPROXY_BIN_ENV} is not set (the path of Debian's tinyproxy; .ci/run sets it)"
                );
                None
            }
        }
    }

    /// Starts tinyproxy on a free port (a new one if another process takes it first),
    /// requiring `credentials` (basic auth) when given, logging every connection at
    /// `Info`, and waits until it listens.
    pub fn start(bin: &Path, credentials: Option<(&str, &str)>) -> io::Result<Tinyproxy> {
        let dir = |port: u16| std::env::temp_dir().join(format!("otel-kit-testing-tinyproxy-{port}"));
        let server = ChildServer::start(
            "tinyproxy",
            1,
            READY_TIMEOUT,
            |ports| {
                let dir = dir(ports[0]);
                std::fs::create_dir_all(&dir)?;
                let log_file = dir.join("tinyproxy.log");
                let _ = std::fs::remove_file(&log_file);
                // No `Allow` and no `ConnectPort` line: every client and every port may be
                // reached, `CONNECT` included.
                let mut config = format!(
                    "Port {}\nListen 127.0.0.1\nTimeout 30\nMaxClients 64\nLogLevel Info\nLogFile \"{}\"\n",
                    ports[0],
                    log_file.display()
                );
                if let Some((user, password)) = credentials {
                    config.push_str(&format!("BasicAuth {user} {password}\n"));
                }
                let config_file = dir.join("tinyproxy.conf");
                std::fs::write(&config_file, config)?;
                Command::new(bin)
                    .arg("-d")
                    .arg("-c")
                    .arg(&config_file)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
            },
            |ports| std::fs::read_to_string(dir(ports[0]).join("tinyproxy.log")).unwrap_or_default(),
        )?;
        let proxy = Tinyproxy {
            log_file: dir(server.port()).join("tinyproxy.log"),
            credentials: credentials.map(|(u, p)| (u.to_owned(), p.to_owned())),
            server,
        };
        Ok(proxy)
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// Its URL, `http://127.0.0.1:PORT`, without credentials.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port())
    }

    /// Its URL with the credentials it was started with, `http://user:password@127.0.0.1:PORT`.
    pub fn url_with_credentials(&self) -> String {
        match &self.credentials {
            Some((user, password)) => format!("http://{user}:{password}@127.0.0.1:{}", self.server.port()),
            None => self.url(),
        }
    }

    /// Its log so far: a `Request` line per request it received (`CONNECT host:port` or
    /// the absolute URL), `Established connection` per forwarded connection.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }

    /// The lines of its log that record a request (`CONNECT` or absolute form) for a
    /// target containing `target` (`127.0.0.1:4318`, say).
    pub fn requests_to(&self, target: &str) -> Vec<String> {
        self.log()
            .lines()
            .filter(|line| line.contains("Request (file descriptor") && line.contains(target))
            .map(str::to_owned)
            .collect()
    }
}
