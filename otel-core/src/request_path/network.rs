//! What a client knows of its peer without the socket: `network.peer.address` and
//! `network.peer.port` when the server it was given is an IP address.

use std::net::IpAddr;

/// The IP address of a server given as `host` (`10.0.0.7`, `::1`, or `[::1]` as a URI
/// writes it), without brackets; `None` for a host name (or an empty host).
///
/// A server given as an IP address is the peer itself: there is no name to resolve to
/// another address, so its `network.peer.address` (and, with the port used,
/// `network.peer.port`) are known without the connection, which the client libraries
/// the kit wraps do not expose. A host name is not: which address it resolved to is
/// the connection's, and no attribute is set for it.
///
/// ```
/// use otel_kit_core::__private::network::ip_literal;
///
/// assert_eq!(ip_literal("10.0.0.7"), Some("10.0.0.7"));
/// assert_eq!(ip_literal("[::1]"), Some("::1"));
/// assert_eq!(ip_literal("::1"), Some("::1"));
/// assert_eq!(ip_literal("orders.internal"), None);
/// assert_eq!(ip_literal(""), None);
/// ```
pub fn ip_literal(host: &str) -> Option<&str> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok().then_some(bare)
}
