//! `server.address` and `server.port` from the URL a client connected with: what a
//! broker client that does not say where it is connected (a lapin channel) is asked
//! once for. Only the host and port are read: credentials and the path never reach an
//! attribute.

use crate::messaging::Server;

/// The server of `url` (`amqp://user:pass@host:5672/vhost`, `nats://host`, `host:4222`,
/// `[::1]:5672`; the first of a comma-separated list), the port `default_port` when the
/// URL has none; `None` when no host can be read from it.
pub(crate) fn server_from_url(url: &str, default_port: u16) -> Option<Server> {
    let first = url.split(',').next()?.trim();
    let without_scheme = first.split_once("://").map_or(first, |(_, rest)| rest);
    let authority = without_scheme.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (host, rest) = bracketed.split_once(']')?;
        (host, rest.strip_prefix(':'))
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port = match port {
        None | Some("") => default_port,
        Some(port) => port.parse().ok()?,
    };
    (!host.is_empty()).then(|| Server::new(host.to_owned(), Some(port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(url: &str) -> Option<(String, Option<u16>)> {
        server_from_url(url, 5672).map(|s| (s.address.as_str().to_owned(), s.port))
    }

    #[test]
    fn host_and_port_and_nothing_else_are_read() {
        let cases = [
            (
                "amqp://guest:s3cret@rabbit.internal:5673/%2f",
                Some(("rabbit.internal", 5673)),
            ),
            ("amqp://rabbit.internal", Some(("rabbit.internal", 5672))),
            ("amqps://u@[::1]:5671/vhost?heartbeat=10", Some(("::1", 5671))),
            ("[::1]", Some(("::1", 5672))),
            (
                "nats://a.internal:4223,nats://b.internal:4224",
                Some(("a.internal", 4223)),
            ),
            ("127.0.0.1:4222", Some(("127.0.0.1", 4222))),
            ("amqp://host:notaport", None),
            ("amqp://", None),
            ("", None),
            ("amqp://user:p@ss@host:1/x", Some(("host", 1))),
        ];
        for (url, expected) in cases {
            assert_eq!(read(url), expected.map(|(h, p)| (h.to_owned(), Some(p))), "{url}");
        }
    }
}
