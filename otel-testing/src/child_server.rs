//! [`ChildServer`]: a real server (a collector, a proxy, a broker) run as a child
//! process on loopback ports chosen for it, and killed when dropped.
//!
//! A port found free can be taken by another process before the child binds it (tests
//! run in parallel, each binding ports), and the child then exits at once. So a child
//! that exits before it listens is started again on new ports, up to
//! [`ChildServer::START_ATTEMPTS`] times in all.
//!
//! ```no_run
//! use std::process::Command;
//! use std::time::Duration;
//!
//! use otel_kit_testing::ChildServer;
//!
//! let log = |ports: &[u16]| std::env::temp_dir().join(format!("my-collector-{}.log", ports[0]));
//! let server = ChildServer::start(
//!     "my-collector",
//!     1,
//!     Duration::from_secs(10),
//!     |ports| {
//!         Command::new("my-collector")
//!             .arg(format!("--listen=127.0.0.1:{}", ports[0]))
//!             .stderr(std::fs::File::create(log(ports))?)
//!             .spawn()
//!     },
//!     |ports| std::fs::read_to_string(log(ports)).unwrap_or_default(),
//! )?;
//! // Point the code under test at 127.0.0.1:`server.port()`.
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// How long a child must still run after its ports accept connections to count as
/// listening.
const SETTLE: Duration = Duration::from_millis(100);

/// A child process that listens on loopback ports it was given, killed (and reaped) when
/// dropped.
#[derive(Debug)]
pub struct ChildServer {
    child: Child,
    ports: Vec<u16>,
}

impl ChildServer {
    /// How many times [`start`](Self::start) spawns a child, each on new ports, before its
    /// early exit is an error.
    pub const START_ATTEMPTS: usize = 3;

    /// Spawns a child with `spawn(ports)` on `port_count` distinct free loopback ports and
    /// returns once they all accept connections and the child still runs 100 ms later
    /// (what accepted may be another process that took a port first).
    ///
    /// When the child exits first, it is spawned again on new ports, up to
    /// [`START_ATTEMPTS`](Self::START_ATTEMPTS) times; the error then names `name`, each
    /// exit status and what `log(ports)` read for it (its log file or stderr). A child
    /// that does not listen within `timeout` is killed, and that is an error of kind
    /// [`io::ErrorKind::TimedOut`] at once.
    pub fn start(
        name: &str,
        port_count: usize,
        timeout: Duration,
        mut spawn: impl FnMut(&[u16]) -> io::Result<Child>,
        log: impl Fn(&[u16]) -> String,
    ) -> io::Result<ChildServer> {
        let mut exits = Vec::new();
        for _ in 0..ChildServer::START_ATTEMPTS {
            let ports = free_ports(port_count)?;
            let mut child = spawn(&ports)?;
            match wait_until_listening(&mut child, &ports, name, timeout)? {
                None => return Ok(ChildServer { child, ports }),
                Some(status) => exits.push(format!("{status}: {}", log(&ports).trim_end())),
            }
        }
        Err(io::Error::other(format!(
            "{name} exited before listening, {} times on new ports: {}",
            ChildServer::START_ATTEMPTS,
            exits.join(" | ")
        )))
    }

    /// The ports it listens on, in the order `spawn` was given them.
    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// The first of its ports.
    pub fn port(&self) -> u16 {
        self.ports[0]
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `count` loopback ports free at the time of the call, all different (each is held
/// until all are chosen).
fn free_ports(count: usize) -> io::Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|listener| Ok(listener.local_addr()?.port()))
        .collect()
}

/// `None` once every one of `ports` on 127.0.0.1 accepts a connection and the child
/// still runs [`SETTLE`] later; the child's exit status if it exits first; an error when
/// `timeout` passes.
fn wait_until_listening(
    child: &mut Child,
    ports: &[u16],
    name: &str,
    timeout: Duration,
) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        // Checked before the ports too: another process may hold one of them.
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if ports
            .iter()
            .all(|port| TcpStream::connect(("127.0.0.1", *port)).is_ok())
        {
            // What accepted may be another process on a port the child could not bind:
            // the child then exits at once, so it must still run a moment later.
            std::thread::sleep(SETTLE);
            return child.try_wait();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{name} did not listen within {timeout:?}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use super::*;

    fn spawn(program: &str, args: &[&str]) -> io::Result<Child> {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    }

    #[test]
    fn free_ports_are_distinct() {
        let ports = free_ports(8).unwrap();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 8, "{ports:?}");
    }

    // The hostile case: the port is taken before the child binds it, so it exits; the
    // next start, on new ports, listens.
    #[test]
    fn a_child_that_exits_before_listening_is_started_again_on_new_ports() {
        let mut attempts = Vec::new();
        // The test binds each attempt's ports, standing in for the child's bind.
        let mut held = Vec::new();
        let server = ChildServer::start(
            "server",
            2,
            Duration::from_secs(10),
            |ports| {
                attempts.push(ports.to_vec());
                let bound = ports
                    .iter()
                    .map(|port| TcpListener::bind(("127.0.0.1", *port)))
                    .collect::<io::Result<Vec<_>>>();
                match bound {
                    // As a server whose port was taken: it exits. The first attempt
                    // always does; a later one only if a parallel test took a port.
                    Err(_) => spawn("sh", &["-c", "exit 1"]),
                    Ok(_) if attempts.len() == 1 => spawn("sh", &["-c", "exit 1"]),
                    Ok(listeners) => {
                        held.extend(listeners);
                        spawn("sleep", &["10"])
                    }
                }
            },
            |_| String::new(),
        )
        .unwrap();
        assert!(attempts.len() >= 2, "{attempts:?}");
        let last = attempts.last().expect("an attempt");
        assert_eq!(server.ports(), last);
        assert_eq!(server.port(), last[0]);
        assert_ne!(attempts[0], *last, "new ports");
        let pid = server.id();
        drop(server);
        // Dropped means killed and reaped: the process is gone.
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }

    // Another process accepts on the child's port, and the child exits (its bind
    // failed): that is an exit, not a server that listens.
    #[test]
    fn a_child_that_exits_while_another_process_holds_its_port_is_not_listening() {
        let mut held = Vec::new();
        let mut attempts = 0;
        let error = ChildServer::start(
            "server",
            1,
            Duration::from_secs(10),
            |ports| {
                attempts += 1;
                // Held here, or already by a parallel test: either way another process's.
                held.extend(TcpListener::bind(("127.0.0.1", ports[0])));
                spawn("sh", &["-c", "sleep 0.02; exit 98"])
            },
            |_| "Address already in use".to_owned(),
        )
        .expect_err("a child that exits is an error, whoever holds its port");
        assert_eq!(attempts, ChildServer::START_ATTEMPTS);
        assert!(error.to_string().contains("exit status: 98"), "{error}");
    }

    #[test]
    fn a_child_that_always_exits_is_an_error_naming_each_exit() {
        let mut attempts = 0;
        let error = ChildServer::start(
            "server",
            1,
            Duration::from_secs(10),
            |_| {
                attempts += 1;
                spawn("sh", &["-c", "exit 3"])
            },
            |ports| format!("log of port {}", ports[0]),
        )
        .expect_err("a child that exits is an error");
        assert_eq!(attempts, ChildServer::START_ATTEMPTS);
        let message = error.to_string();
        assert!(
            message.contains("server exited before listening, 3 times"),
            "{message}"
        );
        assert_eq!(
            message.matches("exit status: 3: log of port ").count(),
            3,
            "{message}"
        );
    }

    #[test]
    fn a_child_that_never_listens_is_a_timeout() {
        let error = ChildServer::start(
            "server",
            1,
            Duration::from_millis(200),
            |_| spawn("sleep", &["30"]),
            |_| String::new(),
        )
        .expect_err("no listener is a timeout");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}
