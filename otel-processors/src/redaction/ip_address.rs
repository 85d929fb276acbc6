//! IP addresses cut to a prefix: [`IpPrefixes`], and the truncation applied to the values
//! of [`IP_ADDRESS_KEYS`] when [`Redaction::truncate_ip_addresses`] turns it on.
//!
//! Only a value that parses as an IP address is changed; a host name, or anything else,
//! is left to the other rules. Accepted forms: `203.0.113.7`, `2001:db8::7`, an IPv6
//! zone (`fe80::1%eth0`, dropped), the bracketed `[2001:db8::7]` and the forms with a
//! port (`203.0.113.7:443`, `[2001:db8::7]:443`, the port kept). An IPv4-mapped IPv6
//! address (`::ffff:203.0.113.7`) is cut at the IPv4 prefix. Loopback addresses
//! (`127.0.0.0/8`, `::1`) identify no one and are kept.
//!
//! [`Redaction::truncate_ip_addresses`]: super::Redaction::truncate_ip_addresses

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use otel_kit_semconv::attribute as a;

/// The attribute keys whose IP address values are truncated: `client.address`,
/// `network.peer.address` and `server.address` (exact keys, as the conventions spell
/// them).
///
/// ```
/// assert_eq!(otel_kit_processors::redaction::IP_ADDRESS_KEYS[0], "client.address");
/// ```
pub const IP_ADDRESS_KEYS: [&str; 3] = [a::CLIENT_ADDRESS, a::NETWORK_PEER_ADDRESS, a::SERVER_ADDRESS];

/// How many leading bits of an address [`Redaction::truncate_ip_addresses`] keeps; the
/// rest become zero. [`IpPrefixes::DEFAULT`] is `/16` for IPv4 (the first two octets, as
/// the tracing guides recommend) and `/48` for IPv6 (the site prefix, what web analytics
/// keep when they anonymise an address).
///
/// ```
/// use otel_kit_processors::redaction::{IpPrefixes, Redaction};
///
/// let r = Redaction::none().truncate_ip_addresses(IpPrefixes::DEFAULT).build()?;
/// assert_eq!(r.truncate_ip("203.0.113.7").as_deref(), Some("203.0.0.0"));
/// assert_eq!(r.truncate_ip("2001:db8:85a3:8d3:1319:8a2e:370:7348").as_deref(), Some("2001:db8:85a3::"));
/// assert_eq!(r.truncate_ip("orders.internal"), None, "a host name is left alone");
/// assert_eq!(IpPrefixes::new(24, 56).to_string(), "/24,/56");
/// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
/// ```
///
/// [`Redaction::truncate_ip_addresses`]: super::Redaction::truncate_ip_addresses
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpPrefixes {
    /// Bits kept of an IPv4 address, 0 to 32.
    pub v4: u8,
    /// Bits kept of an IPv6 address, 0 to 128.
    pub v6: u8,
}

impl IpPrefixes {
    /// `/16` for IPv4, `/48` for IPv6.
    pub const DEFAULT: IpPrefixes = IpPrefixes { v4: 16, v6: 48 };

    /// These prefix lengths ([`Redaction::validate`](super::Redaction::validate) checks
    /// them: at most 32 and 128).
    pub const fn new(v4: u8, v6: u8) -> Self {
        IpPrefixes { v4, v6 }
    }

    pub(crate) fn is_valid(self) -> bool {
        self.v4 <= 32 && self.v6 <= 128
    }
}

impl Default for IpPrefixes {
    fn default() -> Self {
        IpPrefixes::DEFAULT
    }
}

/// `/16,/48`.
impl fmt::Display for IpPrefixes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{},/{}", self.v4, self.v6)
    }
}

/// The longest value looked at: an IPv6 address with a zone and a port fits.
const MAX_LEN: usize = 128;

/// `value` with its address cut to `prefixes`; `None` when `value` is no IP address, is
/// a loopback address or is already cut.
pub(crate) fn truncate(value: &str, prefixes: IpPrefixes) -> Option<String> {
    let first = *value.as_bytes().first()?;
    if value.len() > MAX_LEN || !(first.is_ascii_hexdigit() || first == b':' || first == b'[') {
        return None;
    }
    if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = port_of(after)?;
        let (ip, zoned) = v6(inside)?;
        let cut = cut_v6(ip, prefixes).or(zoned.then_some(ip))?;
        return Some(match port {
            Some(port) => format!("[{cut}]:{port}"),
            None => format!("[{cut}]"),
        });
    }
    // The common case first: an IPv4 address, with a port at most (one colon).
    let (host, port) = match value.split_once(':') {
        None => (value, None),
        Some((host, port)) if !port.contains(':') && !host.is_empty() => (host, Some(port_number(port)?)),
        Some(_) => {
            let (ip, zoned) = v6(value)?;
            return cut_v6(ip, prefixes)
                .or(zoned.then_some(ip))
                .map(|c| c.to_string());
        }
    };
    let cut = cut_v4(host.parse().ok()?, prefixes.v4)?;
    Some(v4_text(cut, port))
}

/// `a.b.c.d` or `a.b.c.d:port`, written without the formatting machinery and allocated
/// at its exact length (an attribute value keeps it as a boxed `str`).
fn v4_text(ip: Ipv4Addr, port: Option<u16>) -> String {
    let mut out = Ascii::default();
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        out.number(u16::from(octet));
    }
    if let Some(port) = port {
        out.push(b':');
        out.number(port);
    }
    out.text()
}

/// Room for `255.255.255.255:65535`.
#[derive(Default)]
struct Ascii {
    buf: [u8; 21],
    len: usize,
}

impl Ascii {
    fn push(&mut self, c: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = c;
            self.len += 1;
        }
    }

    fn number(&mut self, n: u16) {
        let mut digits = [0u8; 5];
        let mut i = digits.len();
        let mut rest = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            self.push(d);
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf[..self.len]).into_owned()
    }
}

/// What follows `]`: nothing (`Some(None)`) or `:<port>`; `None` for anything else.
fn port_of(after: &str) -> Option<Option<u16>> {
    if after.is_empty() {
        return Some(None);
    }
    port_number(after.strip_prefix(':')?).map(Some)
}

fn port_number(port: &str) -> Option<u16> {
    let digits = !port.is_empty() && port.len() <= 5 && port.bytes().all(|c| c.is_ascii_digit());
    digits.then(|| port.parse().ok()).flatten()
}

/// An IPv6 address, its zone (`fe80::1%eth0`) cut off; and whether it had one (the
/// zone goes even when the address is kept as it is).
fn v6(s: &str) -> Option<(Ipv6Addr, bool)> {
    match s.split_once('%') {
        Some((ip, zone)) if !zone.is_empty() => Some((ip.parse().ok()?, true)),
        Some(_) => None,
        None => Some((s.parse().ok()?, false)),
    }
}

/// `ip` with all but its first `bits` bits zero; `None` when that changes nothing or
/// `ip` is a loopback address.
fn cut_v4(ip: Ipv4Addr, bits: u8) -> Option<Ipv4Addr> {
    let mask = u32::MAX.checked_shl(32 - u32::from(bits.min(32))).unwrap_or(0);
    let cut = Ipv4Addr::from(u32::from(ip) & mask);
    (cut != ip && !ip.is_loopback()).then_some(cut)
}

/// As [`cut_v4`]; an IPv4-mapped address is cut at the IPv4 prefix.
fn cut_v6(ip: Ipv6Addr, prefixes: IpPrefixes) -> Option<Ipv6Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return cut_v4(v4, prefixes.v4).map(|c| c.to_ipv6_mapped());
    }
    let mask = u128::MAX
        .checked_shl(128 - u32::from(prefixes.v6.min(128)))
        .unwrap_or(0);
    let cut = Ipv6Addr::from(u128::from(ip) & mask);
    (cut != ip && !ip.is_loopback()).then_some(cut)
}
