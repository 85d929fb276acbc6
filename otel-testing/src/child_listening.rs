//! Starting a real server as a child process (rotel, tinyproxy) on free loopback ports,
//! and waiting for it to listen.
//!
//! A port found free can be taken by another process before the child binds it (tests
//! run in parallel, each binding ports), and the child then exits at once. So a child
//! that exits before it listens is started again on new ports, up to
//! [`START_ATTEMPTS`] times in all.

use std::io;
use std::net::{TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

/// How many times a child is started, each on new ports, before its early exit is an error.
pub(crate) const START_ATTEMPTS: usize = 3;

/// A child that listens on `ports`, with what its `spawn` kept beside it (its log path).
pub(crate) struct Listening<S> {
    pub(crate) child: Child,
    pub(crate) ports: Vec<u16>,
    pub(crate) state: S,
}

/// Spawns a child with `spawn(ports)` on `port_count` distinct free ports and waits until
/// it listens on all of them. When it exits first, it is spawned again on new ports, up
/// to [`START_ATTEMPTS`] times; the error then names `name`, each exit status and what
/// `log(state)` read. Not listening within `timeout` is an error at once.
pub(crate) fn start_listening<S>(
    name: &str,
    port_count: usize,
    timeout: Duration,
    mut spawn: impl FnMut(&[u16]) -> io::Result<(Child, S)>,
    log: impl Fn(&S) -> String,
) -> io::Result<Listening<S>> {
    let mut exits = Vec::new();
    for _ in 0..START_ATTEMPTS {
        let ports = free_ports(port_count)?;
        let (mut child, state) = spawn(&ports)?;
        match wait_until_listening(&mut child, &ports, name, timeout)? {
            None => return Ok(Listening { child, ports, state }),
            Some(status) => exits.push(format!("{status}: {}", log(&state).trim_end())),
        }
    }
    Err(io::Error::other(format!(
        "{name} exited before listening, {START_ATTEMPTS} times on new ports: {}",
        exits.join(" | ")
    )))
}

/// `count` loopback ports free at the time of the call, all different (each is held
/// until all are chosen).
pub(crate) fn free_ports(count: usize) -> io::Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|listener| Ok(listener.local_addr()?.port()))
        .collect()
}

/// `None` once every one of `ports` on 127.0.0.1 accepts a connection and the child
/// still runs; the child's exit status if it exits first; an error when `timeout` passes.
fn wait_until_listening(
    child: &mut Child,
    ports: &[u16],
    name: &str,
    timeout: Duration,
) -> io::Result<Option<std::process::ExitStatus>> {
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
            return Ok(None);
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
        let started = start_listening(
            "server",
            2,
            Duration::from_secs(10),
            |ports| {
                attempts.push(ports.to_vec());
                if attempts.len() == 1 {
                    Ok((spawn("sh", &["-c", "echo taken >&2; exit 1"])?, None))
                } else {
                    // The test holds the ports, standing in for the child's own bind.
                    let held = ports
                        .iter()
                        .map(|port| TcpListener::bind(("127.0.0.1", *port)))
                        .collect::<io::Result<Vec<_>>>()?;
                    Ok((spawn("sleep", &["10"])?, Some(held)))
                }
            },
            |_| String::new(),
        );
        let mut started = started.unwrap();
        let _ = started.child.kill();
        let _ = started.child.wait();
        assert_eq!(attempts.len(), 2);
        assert_eq!(started.ports, attempts[1]);
        assert!(started.state.is_some());
    }

    #[test]
    fn a_child_that_always_exits_is_an_error_naming_each_exit() {
        let mut attempts = 0;
        let error = start_listening(
            "server",
            1,
            Duration::from_secs(10),
            |_| {
                attempts += 1;
                Ok((spawn("sh", &["-c", "exit 3"])?, attempts))
            },
            |attempt| format!("log of attempt {attempt}"),
        )
        .err()
        .expect("a child that exits is an error");
        assert_eq!(attempts, START_ATTEMPTS);
        let message = error.to_string();
        assert!(message.contains("server exited before listening"), "{message}");
        assert!(message.contains("log of attempt 1"), "{message}");
        assert!(
            message.contains(&format!("log of attempt {START_ATTEMPTS}")),
            "{message}"
        );
        assert!(message.contains("exit status: 3"), "{message}");
    }

    #[test]
    fn a_child_that_never_listens_is_a_timeout() {
        let started = start_listening(
            "server",
            1,
            Duration::from_millis(200),
            |_| Ok((spawn("sleep", &["30"])?, ())),
            |_| String::new(),
        );
        let error = started.err().expect("no listener is a timeout");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}
