//! `server.address` and `server.port` from a base or endpoint URL.

/// The host and port of `scheme://[user@]host[:port][/...]`; the port is the scheme's
/// default when absent (http 80, https 443), `None` for other schemes.
pub(crate) fn parse(url: &str) -> Option<(&str, Option<u16>)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    // An IPv6 literal keeps its brackets off the address.
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse().ok()?),
        None => default_port,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn hosts_and_ports() {
        assert_eq!(
            parse("https://api.openai.com/v1"),
            Some(("api.openai.com", Some(443)))
        );
        assert_eq!(
            parse("http://127.0.0.1:8080/v1/chat"),
            Some(("127.0.0.1", Some(8080)))
        );
        assert_eq!(parse("http://u:p@[::1]:11434"), Some(("::1", Some(11434))));
        assert_eq!(parse("grpc://x"), Some(("x", None)));
        assert_eq!(parse("not a url"), None);
        assert_eq!(parse("http://:80"), None);
        assert_eq!(parse("http://h:99999"), None);
    }
}
