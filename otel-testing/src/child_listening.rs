//! Waiting for a real server started as a child process (rotel, tinyproxy) to listen.

use std::io;
use std::net::TcpStream;
use std::process::Child;
use std::time::{Duration, Instant};

/// Returns once every one of `ports` on 127.0.0.1 accepts a connection; an error naming
/// `name` (with its `log()`) if the child exits first, or when `timeout` passes.
pub(crate) fn wait_until_listening(
    child: &mut Child,
    ports: &[u16],
    name: &str,
    timeout: Duration,
    log: impl Fn() -> String,
) -> io::Result<()> {
    let deadline = Instant::now() + timeout;
    while ports
        .iter()
        .any(|port| TcpStream::connect(("127.0.0.1", *port)).is_err())
    {
        if let Some(status) = child.try_wait()? {
            return Err(io::Error::other(format!(
                "{name} exited with {status}: {}",
                log()
            )));
        }
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{name} did not listen within {timeout:?}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
