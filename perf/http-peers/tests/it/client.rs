//! A keep-alive HTTP/1.1 client on a blocking socket that allocates nothing per request.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

/// A keep-alive HTTP/1.1 client on a blocking socket, reusing one buffer: it allocates
/// nothing per request.
pub(crate) struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
    request: Vec<u8>,
}

impl Client {
    /// A connection to `addr`, `TCP_NODELAY` on.
    pub(crate) fn connect(addr: std::net::SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            stream,
            buffer: Vec::with_capacity(64 * 1024),
            request: Vec::with_capacity(256),
        }
    }

    /// `GET /users/{id}` for the `i`th request (ids cycle through the seeded rows);
    /// reads the whole response and checks its status.
    pub(crate) fn get(&mut self, i: usize) {
        self.send(1 + i % http_peers::realistic::USERS);
        self.receive();
    }

    /// Sends `GET /users/{id}` without waiting for the answer.
    pub(crate) fn send(&mut self, id: usize) {
        self.request.clear();
        write!(
            self.request,
            "GET /users/{id} HTTP/1.1\r\nhost: localhost\r\n\r\n"
        )
        .expect("request");
        self.stream.write_all(&self.request).expect("send");
    }

    /// Reads the whole answer to the request sent last, and checks its status.
    pub(crate) fn receive(&mut self) {
        self.buffer.clear();
        let mut chunk = [0_u8; 4096];
        loop {
            let read = self.stream.read(&mut chunk).expect("read");
            assert!(read > 0, "the server closed the connection");
            self.buffer.extend_from_slice(&chunk[..read]);
            if let Some(end) = response_end(&self.buffer) {
                assert!(
                    self.buffer.starts_with(b"HTTP/1.1 200"),
                    "{}",
                    String::from_utf8_lossy(&self.buffer)
                );
                assert_eq!(end, self.buffer.len(), "one response per request");
                return;
            }
        }
    }
}

/// Where a response with a `content-length` ends in `buffer`, once it is all there.
fn response_end(buffer: &[u8]) -> Option<usize> {
    let head = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let text = std::str::from_utf8(&buffer[..head]).ok()?;
    let length: usize = text
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("a content-length");
    (buffer.len() >= head + length).then_some(head + length)
}
