//! Where a request came from and where it was addressed: `url.scheme`,
//! `server.address`/`server.port`, `client.address`, and the connection's
//! `network.peer.address`/`network.peer.port`.
//!
//! What the server knows itself comes first: a [`TlsConnection`] marker its TLS acceptor
//! put in the request's extensions, the request URI's scheme (HTTP/2's `:scheme`, an
//! absolute-form target), the layer's
//! [`served_over_tls`](super::ServerLayer::served_over_tls) setting, and the socket's peer
//! (axum's `ConnectInfo<SocketAddr>`). Behind a reverse proxy those describe the proxy's
//! hop, so with [`trust_forwarded_headers`](super::ServerLayer::trust_forwarded_headers)
//! the proxy's headers win: `Forwarded` (RFC 7239: `proto=`, `host=`, `for=` of its first
//! element) and else `X-Forwarded-Proto`, `X-Forwarded-Host`, `X-Forwarded-For` (their
//! first value). Only when trusted: any client can send these headers, and a forged
//! `https` or host would then go into metrics. A value that does not parse is ignored
//! (the connection's own value stays); `proto` counts only as `http` or `https`, so the
//! metric's `url.scheme` has two values at most.

use std::net::IpAddr;

use http::HeaderName;
use http::header::{FORWARDED, HOST};
use opentelemetry::StringValue;
use otel_kit_core::RequestValueLimit;

use super::head::ServerRequest;
use crate::interned;

const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The longest header value read for a forwarded field, in bytes: the first element of
/// a `Forwarded` list or an `X-Forwarded-*` value is far shorter; a longer one is
/// malformed or hostile and ignored.
const MAX_FORWARDED: usize = 512;

/// A request's origin, as the span and the metric record it.
pub(crate) struct Origin {
    /// `url.scheme`: `http` or `https`.
    pub(crate) scheme: &'static str,
    /// `server.address` and `server.port` (the port only when given).
    pub(crate) server: Option<(StringValue, Option<u16>)>,
    /// `client.address`.
    pub(crate) client: Option<StringValue>,
    /// `network.peer.address` and `network.peer.port`: the socket's peer.
    pub(crate) peer: Option<(StringValue, u16)>,
}

/// How a layer reads a request's origin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OriginRules {
    /// The server terminates TLS itself: a request that names no scheme is `https`.
    pub(crate) tls: bool,
    /// A trusted proxy sets `Forwarded` / `X-Forwarded-*`.
    pub(crate) trust_forwarded: bool,
}

impl OriginRules {
    /// `url.scheme` as [`origin`](Self::origin) reads it, without the addresses: what
    /// the duration metric needs on every request, sampled or not.
    pub(crate) fn scheme<R: ServerRequest + ?Sized>(self, request: &R) -> &'static str {
        let forwarded = self.trust_forwarded.then(|| Forwarded::read(request).proto);
        forwarded.flatten().unwrap_or_else(|| self.own_scheme(request))
    }

    /// The scheme of the request as this server received it.
    fn own_scheme<R: ServerRequest + ?Sized>(self, request: &R) -> &'static str {
        if request.over_tls() {
            return "https";
        }
        match request.uri_scheme() {
            Some("https") => "https",
            Some(_) => "http",
            None if self.tls => "https",
            None => "http",
        }
    }

    /// `limit`: a host longer than the request value limit is no host (no DNS name is
    /// longer than 253 bytes); it is neither recorded nor kept in the per-thread table.
    pub(crate) fn origin<R: ServerRequest + ?Sized>(self, request: &R, limit: RequestValueLimit) -> Origin {
        let forwarded = if self.trust_forwarded {
            Forwarded::read(request)
        } else {
            Forwarded::default()
        };
        // The original client's scheme if a trusted proxy named it, else the
        // immediate peer request's (the semantic conventions' order).
        let scheme = forwarded.proto.unwrap_or_else(|| self.own_scheme(request));
        let within = |host: &&str| host.len() <= limit.max_bytes();
        let server = match (forwarded.host, request.uri_authority()) {
            (Some((host, port)), _) => Some(host)
                .filter(within)
                .map(|host| (interned::host(without_brackets(host)), port)),
            (None, Some((host, port))) => Some(host)
                .filter(within)
                .map(|host| (interned::host(without_brackets(host)), port)),
            // The common case (HTTP/1.1): the same `Host` bytes on every request, so
            // its parsed, shared form is kept per thread by those bytes.
            (None, None) => request
                .header(&HOST)
                .filter(|host| host.len() <= limit.max_bytes())
                .and_then(|host| interned::host_header(host, host_header)),
        };
        let peer = request.peer().map(|peer| (peer.ip(), peer.port()));
        let client = forwarded
            .client
            .or(peer.map(|(ip, _)| ip))
            .map(interned::client_address);
        Origin {
            scheme,
            server,
            client,
            peer: peer.map(|(ip, port)| (interned::client_address(ip), port)),
        }
    }
}

/// What a trusted proxy said about the original request.
#[derive(Default)]
struct Forwarded<'a> {
    proto: Option<&'static str>,
    host: Option<(&'a str, Option<u16>)>,
    client: Option<IpAddr>,
}

impl<'a> Forwarded<'a> {
    /// `Forwarded`'s first element when the request has the header, else the
    /// `X-Forwarded-*` headers' first values.
    fn read<R: ServerRequest + ?Sized>(request: &'a R) -> Self {
        if let Some(value) = request.header(&FORWARDED) {
            return bounded(value).map(Self::parse_forwarded).unwrap_or_default();
        }
        let first = |name: &HeaderName| {
            let value = bounded(request.header(name)?)?;
            Some(value.split(',').next().unwrap_or(value).trim())
        };
        Self {
            proto: first(&X_FORWARDED_PROTO).and_then(proto),
            host: first(&X_FORWARDED_HOST).and_then(split_host_port),
            client: first(&X_FORWARDED_FOR).and_then(ip),
        }
    }

    /// The first element of an RFC 7239 `Forwarded` value: `;`-separated `name=value`
    /// pairs, values tokens or quoted strings, elements separated by `,`.
    fn parse_forwarded(value: &'a str) -> Self {
        let mut forwarded = Self::default();
        for (name, value) in first_element_pairs(value) {
            if name.eq_ignore_ascii_case("proto") {
                forwarded.proto = proto(value);
            } else if name.eq_ignore_ascii_case("host") {
                forwarded.host = split_host_port(value);
            } else if name.eq_ignore_ascii_case("for") {
                forwarded.client = ip(value);
            }
        }
        forwarded
    }
}

/// The header value as text, when it is short enough to be well-formed.
fn bounded(value: &[u8]) -> Option<&str> {
    if value.len() > MAX_FORWARDED {
        return None;
    }
    std::str::from_utf8(value).ok()
}

/// The `name=value` pairs of the first element of a `Forwarded` value, quotes removed.
/// A quoted string may hold `,` and `;`; a malformed pair ends the element.
fn first_element_pairs(value: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let pair = rest.trim_start_matches([' ', '\t', ';']);
        let (name, after) = pair.split_once('=')?;
        let name = name.trim();
        if name.is_empty() || name.contains([',', ';', '"']) {
            return None;
        }
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"')?;
                (&quoted[..end], &quoted[end + 1..])
            }
            None => {
                let end = after.find([';', ',']).unwrap_or(after.len());
                (after[..end].trim(), &after[end..])
            }
        };
        // A `,` ends the first element: what follows is the next proxy's hop.
        rest = if after.trim_start().starts_with(',') {
            ""
        } else {
            after
        };
        Some((name, value))
    })
}

/// `http` or `https`, whatever the case; anything else is ignored.
fn proto(value: &str) -> Option<&'static str> {
    if value.eq_ignore_ascii_case("https") {
        Some("https")
    } else if value.eq_ignore_ascii_case("http") {
        Some("http")
    } else {
        None
    }
}

/// An IPv6 literal's address without its brackets; any other host as it is.
fn without_brackets(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// An IP address, bare or as a `Forwarded` node (`192.0.2.60:4711`, `[2001:db8::1]`,
/// `[2001:db8::1]:4711`); `unknown` and obfuscated identifiers (`_hidden`) are none.
fn ip(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    let (host, _port) = split_host_port(node)?;
    without_brackets(host).parse().ok()
}

/// Host (without an IPv6 literal's brackets) and port of a `Host` header; the port is
/// absent when the client sent none, and a malformed value gives neither.
fn host_header(value: &[u8]) -> Option<(&str, Option<u16>)> {
    // Parsed in place: `Authority::try_from` would copy the header first.
    // `split_host_port` admits ASCII only, so the UTF-8 check is the only one.
    let (host, port) = split_host_port(std::str::from_utf8(value).ok()?)?;
    Some((without_brackets(host), port))
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`, as a `Host` header carries them. IPv6
/// literals keep their brackets here; the attribute holds the bare address.
fn split_host_port(value: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if value.starts_with('[') {
        let end = value.find(']')? + 1;
        match &value[end..] {
            "" => (&value[..end], None),
            rest => (&value[..end], Some(rest.strip_prefix(':')?)),
        }
    } else {
        match value.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (value, None),
        }
    };
    let valid = !host.is_empty()
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'[' | b']' | b':' | b'%')
        })
        && (host.starts_with('[') || !host.contains(':'));
    if !valid {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse().ok()?),
        None => None,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    use http::request::Parts;

    use crate::server::TlsConnection;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = http::Request::get("/orders").header("host", "backend:8080");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).expect("request").into_parts().0
    }

    /// What the span records: `url.scheme`, `server.address`/`server.port`,
    /// `client.address`.
    type Read = (&'static str, Option<(String, Option<u16>)>, Option<String>);

    fn read(rules: OriginRules, headers: &[(&str, &str)]) -> Read {
        let origin = rules.origin(&parts(headers), RequestValueLimit::DEFAULT);
        // The metric's scheme, read on its own, is always the span's.
        assert_eq!(rules.scheme(&parts(headers)), origin.scheme, "{headers:?}");
        (
            origin.scheme,
            origin.server.map(|(h, p)| (h.as_str().to_owned(), p)),
            origin.client.map(|c| c.as_str().to_owned()),
        )
    }

    const TRUSTED: OriginRules = OriginRules {
        tls: false,
        trust_forwarded: true,
    };

    #[test]
    fn untrusted_forwarded_headers_change_nothing() {
        let forged = [
            ("forwarded", "for=203.0.113.9;proto=https;host=shop.example"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "shop.example"),
            ("x-forwarded-for", "203.0.113.9"),
        ];
        let (scheme, server, client) = read(OriginRules::default(), &forged);
        assert_eq!(scheme, "http");
        assert_eq!(server, Some(("backend".into(), Some(8080))));
        assert_eq!(client, None);
        let tls = OriginRules {
            tls: true,
            trust_forwarded: false,
        };
        assert_eq!(read(tls, &forged).0, "https");
    }

    #[test]
    fn a_tls_connection_marker_is_https_unless_a_trusted_proxy_says_otherwise() {
        let marked = |headers: &[(&str, &str)]| {
            let mut parts = parts(headers);
            parts.extensions.insert(TlsConnection);
            parts
        };
        assert_eq!(
            OriginRules::default()
                .origin(&marked(&[]), RequestValueLimit::DEFAULT)
                .scheme,
            "https"
        );
        assert_eq!(
            OriginRules::default()
                .origin(&parts(&[]), RequestValueLimit::DEFAULT)
                .scheme,
            "http"
        );
        // An untrusted header changes nothing; a trusted proxy names the client's scheme.
        let proxied = marked(&[("x-forwarded-proto", "http")]);
        assert_eq!(
            OriginRules::default()
                .origin(&proxied, RequestValueLimit::DEFAULT)
                .scheme,
            "https"
        );
        assert_eq!(
            TRUSTED.origin(&proxied, RequestValueLimit::DEFAULT).scheme,
            "http"
        );
    }

    #[test]
    fn forwarded_first_element_wins_over_x_forwarded() {
        let (scheme, server, client) = read(
            TRUSTED,
            &[
                (
                    "forwarded",
                    "for=\"[2001:db8::7]:4711\";proto=HTTPS;host=\"shop.example:8443\", for=10.0.0.2;proto=http",
                ),
                ("x-forwarded-proto", "http"),
                ("x-forwarded-for", "198.51.100.1"),
            ],
        );
        assert_eq!(scheme, "https");
        assert_eq!(server, Some(("shop.example".into(), Some(8443))));
        assert_eq!(client.as_deref(), Some("2001:db8::7"));
    }

    #[test]
    fn x_forwarded_headers_first_values() {
        let (scheme, server, client) = read(
            TRUSTED,
            &[
                ("x-forwarded-proto", "https, http"),
                ("x-forwarded-host", "shop.example"),
                ("x-forwarded-for", "203.0.113.9, 10.0.0.2"),
            ],
        );
        assert_eq!(scheme, "https");
        assert_eq!(server, Some(("shop.example".into(), None)));
        assert_eq!(client.as_deref(), Some("203.0.113.9"));
    }

    #[test]
    fn malformed_or_hostile_values_are_ignored() {
        let long = format!("for={}", "1".repeat(MAX_FORWARDED));
        for forwarded in [
            "proto=gopher;host=a b;for=unknown",
            "for=_hidden;proto=\"https",
            "=https",
            "proto",
            ";;;,,,",
            "host=\"[::1\"",
            long.as_str(),
        ] {
            let (scheme, server, client) = read(TRUSTED, &[("forwarded", forwarded)]);
            assert_eq!(scheme, "http", "{forwarded}");
            assert_eq!(server, Some(("backend".into(), Some(8080))), "{forwarded}");
            assert_eq!(client, None, "{forwarded}");
        }
        let (scheme, server, client) = read(
            TRUSTED,
            &[
                ("x-forwarded-proto", "ftp"),
                ("x-forwarded-host", "a/b"),
                ("x-forwarded-for", "nobody"),
            ],
        );
        assert_eq!(
            (scheme, server, client),
            ("http", Some(("backend".into(), Some(8080))), None)
        );
    }

    #[test]
    fn a_quoted_comma_stays_inside_the_first_element() {
        let pairs: Vec<_> = first_element_pairs("for=\"a,b\";proto=https, proto=http").collect();
        assert_eq!(pairs, [("for", "a,b"), ("proto", "https")]);
    }

    fn address(request: http::Request<()>) -> Option<(StringValue, Option<u16>)> {
        OriginRules::default()
            .origin(&request.into_parts().0, RequestValueLimit::DEFAULT)
            .server
    }

    #[test]
    fn server_address_from_host_and_authority() {
        let host = address(
            http::Request::get("/a")
                .header("host", "example.com:8080")
                .body(())
                .expect("request"),
        );
        assert_eq!(host, Some(("example.com".into(), Some(8080))));
        let v6 = address(
            http::Request::get("/a")
                .header("host", "[::1]")
                .body(())
                .expect("request"),
        );
        assert_eq!(v6, Some(("::1".into(), None)));
        let h2 = address(
            http::Request::get("https://api.test/a")
                .body(())
                .expect("request"),
        );
        assert_eq!(h2, Some(("api.test".into(), None)));
        let none = address(http::Request::get("/a").body(()).expect("request"));
        assert_eq!(none, None);
        let v6_port = address(
            http::Request::get("/a")
                .header("host", "[2001:db8::1]:8443")
                .body(())
                .expect("request"),
        );
        assert_eq!(v6_port, Some(("2001:db8::1".into(), Some(8443))));
    }

    #[test]
    fn malformed_host_headers_give_no_address() {
        for bad in [
            "",
            ":80",
            "a b",
            "host:",
            "host:99999",
            "host:x",
            "::1",
            "[::1",
            "[::1]x",
            "u@host",
            "a/b",
        ] {
            assert_eq!(split_host_port(bad), None, "{bad:?}");
        }
        assert_eq!(split_host_port("api.test"), Some(("api.test", None)));
        assert_eq!(split_host_port("api.test:8080"), Some(("api.test", Some(8080))));
    }
}
