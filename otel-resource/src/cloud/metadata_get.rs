//! One HTTP request (a GET, or the PUT of EC2's IMDSv2 token) to a platform's metadata
//! endpoint, plain `http://` on std's blocking sockets: no crate, no async runtime
//! (`init()` may run inside one or not), and every step bounded, so a hanging endpoint
//! delays start-up by at most [`BUDGET`].

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs as _};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The most one detector spends on the network, all its requests together.
pub(crate) const BUDGET: Duration = Duration::from_millis(1000);

/// A metadata document is small; anything larger is refused.
const MAX_BODY: u64 = 256 * 1024;

/// The body of `GET url` with `headers`, if the answer is `200` before `deadline`; else
/// why not (never the URL's credentials: metadata URLs carry none).
pub(crate) fn get(url: &str, headers: &[(&str, &str)], deadline: Instant) -> Result<String, String> {
    request(Method::Get, url, headers, deadline)
}

/// The request methods the metadata services need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    /// Without a body (`Content-Length: 0`): EC2's token request.
    Put,
}

/// The body of `method url` with `headers`, if the answer is `200` before `deadline`;
/// else why not. A header that is not one line of visible text is refused before
/// anything is sent: a value taken from an answer (EC2's token) cannot add headers.
pub(crate) fn request(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    deadline: Instant,
) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url} is not an http:// URL"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    for (name, value) in headers {
        let one_line = |text: &str| !text.is_empty() && text.bytes().all(|b| (b' '..=b'~').contains(&b));
        if !one_line(name) || !one_line(value) {
            return Err(format!("the header {name:?} is not one line of visible text"));
        }
    }
    let left = || {
        deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    };
    let address = resolve(with_port(authority), left(), |name| {
        name.to_socket_addrs().map(|mut all| all.next())
    })?;
    let mut stream =
        TcpStream::connect_timeout(&address, left()).map_err(|e| format!("no connection ({e})"))?;
    stream
        .set_write_timeout(Some(left()))
        .map_err(|e| e.to_string())?;
    let verb = match method {
        Method::Get => "GET",
        Method::Put => "PUT",
    };
    let mut request = format!("{verb} {path} HTTP/1.0\r\nHost: {authority}\r\n");
    if method == Method::Put {
        request.push_str("Content-Length: 0\r\n");
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("the request failed ({e})"))?;
    let mut response = Vec::new();
    loop {
        stream.set_read_timeout(Some(left())).map_err(|e| e.to_string())?;
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("no answer within the time allowed ({e})")),
        }
        if response.len() as u64 > MAX_BODY || Instant::now() >= deadline {
            return Err("the answer is too large or too slow".to_owned());
        }
    }
    let text = String::from_utf8(response).map_err(|_| "the answer is not text".to_owned())?;
    let (head, body) = text.split_once("\r\n\r\n").ok_or("the answer has no body")?;
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if status != "200" {
        return Err(format!("it answered {status}"));
    }
    Ok(body.to_owned())
}

/// `host[:port]` with HTTP's port 80 when it has none; an IPv6 literal's colons
/// (`[fd00:ec2::254]`, EC2's IPv6 endpoint) are not a port.
fn with_port(authority: &str) -> String {
    let after_host = authority.rsplit_once(']').map_or(authority, |(_, after)| after);
    if after_host.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    }
}

/// `address` (`host:port`) resolved by `lookup` within `within`. An IP address needs no
/// look-up; a name is looked up on a thread of its own, since the system resolver can
/// block for seconds (an unreachable DNS server) and has no timeout to give: past
/// `within` the thread is left to finish alone and detection goes on without it.
fn resolve(
    address: String,
    within: Duration,
    lookup: impl FnOnce(&str) -> std::io::Result<Option<SocketAddr>> + Send + 'static,
) -> Result<SocketAddr, String> {
    if let Ok(ip) = address.parse::<SocketAddr>() {
        return Ok(ip);
    }
    let (sender, receiver) = mpsc::sync_channel(1);
    let name = address.clone();
    std::thread::Builder::new()
        .name("otel-kit-metadata-dns".to_owned())
        .spawn(move || {
            let _ = sender.send(lookup(&name));
        })
        .map_err(|e| format!("no thread to resolve {address} ({e})"))?;
    match receiver.recv_timeout(within) {
        Ok(Ok(Some(resolved))) => Ok(resolved),
        Ok(Ok(None)) => Err(format!("{address} does not resolve")),
        Ok(Err(e)) => Err(format!("{address} does not resolve ({e})")),
        Err(_) => Err(format!("{address} did not resolve within the time allowed")),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Method, request, resolve, with_port};

    #[test]
    fn a_resolver_that_hangs_is_left_behind_within_the_budget() {
        let started = Instant::now();
        let result = resolve(
            "metadata.google.internal:80".to_owned(),
            Duration::from_millis(50),
            |_| {
                std::thread::sleep(Duration::from_secs(3));
                Ok(None)
            },
        );
        assert!(
            result
                .unwrap_err()
                .contains("did not resolve within the time allowed")
        );
        // Far below the look-up's 3 s: the caller did not wait for it.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn an_ip_address_is_not_looked_up_and_a_name_is() {
        assert_eq!(
            resolve("127.0.0.1:80".to_owned(), Duration::from_millis(50), |_| panic!(
                "looked up"
            )),
            Ok("127.0.0.1:80".parse().unwrap())
        );
        assert_eq!(
            resolve("metadata:80".to_owned(), Duration::from_secs(5), |name| {
                assert_eq!(name, "metadata:80");
                Ok(Some("10.0.0.1:80".parse().unwrap()))
            }),
            Ok("10.0.0.1:80".parse().unwrap())
        );
        assert!(resolve("nowhere:80".to_owned(), Duration::from_secs(5), |_| Ok(None)).is_err());
    }

    #[test]
    fn the_port_defaults_to_80_and_an_ipv6_literal_keeps_its_colons() {
        assert_eq!(with_port("169.254.169.254"), "169.254.169.254:80");
        assert_eq!(with_port("127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(with_port("[fd00:ec2::254]"), "[fd00:ec2::254]:80");
        assert_eq!(with_port("[::1]:9000"), "[::1]:9000");
        assert_eq!(
            with_port("metadata.google.internal"),
            "metadata.google.internal:80"
        );
        assert!("[fd00:ec2::254]:80".parse::<std::net::SocketAddr>().is_ok());
    }

    #[test]
    fn a_header_that_would_add_a_line_is_refused_before_connecting() {
        // Port 9 (discard) on a TEST-NET-1 address: reached, the call would take its deadline.
        let started = Instant::now();
        let deadline = started + Duration::from_secs(5);
        for value in ["token\r\nX-Injected: 1", "", "caf\u{e9}"] {
            let refused = request(
                Method::Get,
                "http://192.0.2.1:9/latest",
                &[("X-aws-ec2-metadata-token", value)],
                deadline,
            );
            assert!(refused.unwrap_err().contains("not one line"), "{value:?}");
        }
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
