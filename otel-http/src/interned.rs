//! Strings that repeat from request to request (span names, routes, hosts, user
//! agents, client addresses; a client's target hosts), shared instead of allocated for
//! every request. A shared string also has a fixed address, by which a bound metric
//! series is found (`server/bound_duration.rs`, `outgoing/bound_duration.rs`).
//!
//! Each thread keeps its own tables, so a lookup takes no lock. All are bounded: a
//! client sending a new `Host` or `User-Agent` on every request only makes those
//! requests pay the allocation they would have paid anyway.

use std::borrow::Cow;
use std::cell::RefCell;
use std::net::IpAddr;
use std::sync::Arc;

use opentelemetry::StringValue;
use rustc_hash::FxHashMap;

use otel_kit_core::__private::SharedNames;
use otel_kit_core::RequestValueLimit;

/// Span names are `Cow<'static, str>` in the OpenTelemetry API: a shared `&'static`
/// name costs nothing per span, an owned one an allocation. Names are made from
/// registered route templates and known methods, so there are few; they are leaked
/// once per process, up to this many bytes, after which names are allocated per span.
const MAX_LEAKED_NAME_BYTES: usize = 256 * 1024;

/// Routes remembered per thread; the table is emptied when it grows past this (only
/// possible with a router that makes a new template per request).
const MAX_ROUTES: usize = 4096;

/// Recent distinct values remembered per thread for each header-derived attribute.
const RECENT: usize = 16;

struct Route {
    value: StringValue,
    /// `(span-name method, span name)`, filled as methods are seen on this route.
    names: Vec<(Box<str>, Cow<'static, str>)>,
}

/// The last few distinct values of one attribute, as shared strings.
struct Recent<K> {
    slots: Vec<(K, StringValue)>,
    next: usize,
}

impl<K> Recent<K> {
    const fn new() -> Self {
        Self {
            slots: Vec::new(),
            next: 0,
        }
    }

    /// The remembered value for which `matches` holds, or `make`'s, remembered in
    /// place of the oldest.
    fn get(
        &mut self,
        matches: impl Fn(&K, &StringValue) -> bool,
        make: impl FnOnce() -> (K, StringValue),
    ) -> StringValue {
        if let Some((_, value)) = self.slots.iter().find(|(k, v)| matches(k, v)) {
            return value.clone();
        }
        let (key, value) = make();
        self.insert(key, value.clone());
        value
    }

    /// Keeps `value` under `key`, in place of the oldest entry once full.
    fn insert(&mut self, key: K, value: StringValue) {
        if self.slots.len() < RECENT {
            self.slots.push((key, value));
        } else {
            self.slots[self.next] = (key, value);
            self.next = (self.next + 1) % RECENT;
        }
    }
}

/// A `Host` header's bytes, and the port parsed from them.
type HostKey = (Box<[u8]>, Option<u16>);

/// Host and port out of a `Host` header's bytes; `None` when malformed.
pub(crate) type ParseHost = fn(&[u8]) -> Option<(&str, Option<u16>)>;

thread_local! {
    static HOST_HEADERS: RefCell<Recent<HostKey>> = const { RefCell::new(Recent::new()) };
    static ROUTES: RefCell<FxHashMap<Box<str>, Route>> = RefCell::new(FxHashMap::default());
    static HOSTS: RefCell<Recent<()>> = const { RefCell::new(Recent::new()) };
    static AGENTS: RefCell<Recent<()>> = const { RefCell::new(Recent::new()) };
    static CLIENTS: RefCell<Recent<IpAddr>> = const { RefCell::new(Recent::new()) };
    #[cfg(any(feature = "client", feature = "tower-client", feature = "awc"))]
    static TARGETS: RefCell<Recent<()>> = const { RefCell::new(Recent::new()) };
}

/// The `http.route` value and the span name `{method} {route}` for a route template.
pub(crate) fn route(route: &str, method: &str) -> (StringValue, Cow<'static, str>) {
    let found = ROUTES.try_with(|routes| {
        let mut routes = routes.try_borrow_mut().ok()?;
        // Looked up by `&str`: the entry API would allocate the key's `Box<str>` on every
        // request, found or not.
        let entry = match routes.get_mut(route) {
            Some(entry) => entry,
            None => {
                if routes.len() >= MAX_ROUTES {
                    routes.clear();
                }
                let value = StringValue::from(Arc::<str>::from(route));
                routes.entry(route.into()).or_insert(Route {
                    value,
                    names: Vec::new(),
                })
            }
        };
        let name = match entry.names.iter().find(|(m, _)| &**m == method) {
            Some((_, name)) => name.clone(),
            None => {
                let name = span_name(format!("{method} {route}"));
                entry.names.push((method.into(), name.clone()));
                name
            }
        };
        Some((entry.value.clone(), name))
    });
    found.ok().flatten().unwrap_or_else(|| {
        (
            StringValue::from(route.to_owned()),
            format!("{method} {route}").into(),
        )
    })
}

/// A span name shared for the life of the process while the budget lasts.
fn span_name(name: String) -> Cow<'static, str> {
    static NAMES: SharedNames = SharedNames::new(MAX_LEAKED_NAME_BYTES);
    NAMES.share(&name).map_or(Cow::Owned(name), Cow::Borrowed)
}

/// `server.address`.
pub(crate) fn host(host: &str) -> StringValue {
    recent_string(&HOSTS, host)
}

/// A client request's `server.address`: the host it goes to (apart from the server's
/// hosts, so that neither evicts the other).
#[cfg(any(feature = "client", feature = "tower-client", feature = "awc"))]
pub(crate) fn target_host(host: &str) -> StringValue {
    recent_string(&TARGETS, host)
}

/// `server.address` and `server.port` of a `Host` header: `parse` (host and port, or
/// `None` when malformed) runs once per distinct header value and thread; the recent
/// values are kept by their bytes, so a repeated header costs one comparison.
pub(crate) fn host_header(raw: &[u8], parse: ParseHost) -> Option<(StringValue, Option<u16>)> {
    let cached = HOST_HEADERS.try_with(|recent| {
        let mut recent = recent.try_borrow_mut().ok()?;
        if let Some(((_, port), value)) = recent.slots.iter().find(|((bytes, _), _)| **bytes == *raw) {
            return Some(Some((value.clone(), *port)));
        }
        let (host, port) = match parse(raw) {
            Some(parsed) => parsed,
            // Malformed values are not kept: a client sending many would evict the
            // good ones for nothing.
            None => return Some(None),
        };
        let value = StringValue::from(Arc::<str>::from(host));
        recent.insert((raw.into(), port), value.clone());
        Some(Some((value, port)))
    });
    match cached {
        Ok(Some(found)) => found,
        // The table is unavailable (thread teardown, re-entry): parse without it.
        _ => parse(raw).map(|(host, port)| (StringValue::from(host.to_owned()), port)),
    }
}

/// `user_agent.original` within `limit` (invalid UTF-8 replaced, never shared).
pub(crate) fn user_agent(agent: &[u8], limit: RequestValueLimit) -> StringValue {
    match limit.cut_lossy(agent) {
        Cow::Borrowed(agent) => recent_string(&AGENTS, agent),
        Cow::Owned(agent) => StringValue::from(agent),
    }
}

/// `client.address` and `network.peer.address`.
pub(crate) fn client_address(ip: IpAddr) -> StringValue {
    CLIENTS
        .try_with(|recent| {
            let mut recent = recent.try_borrow_mut().ok()?;
            Some(recent.get(|k, _| *k == ip, || (ip, StringValue::from(ip.to_string()))))
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| StringValue::from(ip.to_string()))
}

type Table = std::thread::LocalKey<RefCell<Recent<()>>>;

fn recent_string(table: &'static Table, s: &str) -> StringValue {
    table
        .try_with(|recent| {
            let mut recent = recent.try_borrow_mut().ok()?;
            Some(recent.get(
                |(), v| v.as_str() == s,
                || ((), StringValue::from(Arc::<str>::from(s))),
            ))
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| StringValue::from(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_share_their_value_and_name() {
        let (value, name) = route("/users/{id}", "GET");
        assert_eq!(value.as_str(), "/users/{id}");
        assert_eq!(name, "GET /users/{id}");
        assert!(matches!(name, Cow::Borrowed(_)), "names are shared");
        let (again, post) = route("/users/{id}", "POST");
        assert_eq!(again, value);
        assert_eq!(post, "POST /users/{id}");
    }

    #[test]
    fn recent_values_are_bounded_and_correct() {
        for i in 0..(RECENT * 3) {
            let host_name = format!("host-{i}.example");
            assert_eq!(host(&host_name).as_str(), host_name);
        }
        assert_eq!(HOSTS.with(|h| h.borrow().slots.len()), RECENT);
        fn parse(raw: &[u8]) -> Option<(&str, Option<u16>)> {
            let raw = std::str::from_utf8(raw).ok()?;
            let (host, port) = raw.split_once(':')?;
            Some((host, port.parse().ok()))
        }
        for i in 0..(RECENT * 3) {
            let header = format!("h{i}.example:{i}");
            let (value, port) = host_header(header.as_bytes(), parse).expect("parsed");
            assert_eq!(
                (value.as_str(), port),
                (&*format!("h{i}.example"), Some(i as u16))
            );
            // Again, from the table: the same shared value.
            let (again, _) = host_header(header.as_bytes(), |_| panic!("parsed twice")).expect("kept");
            assert_eq!(again, value);
        }
        assert_eq!(HOST_HEADERS.with(|h| h.borrow().slots.len()), RECENT);
        assert_eq!(host_header(b"malformed", parse), None);
        assert_eq!(host_header(b"malformed", parse), None, "not kept");
        let limit = RequestValueLimit::DEFAULT;
        assert_eq!(user_agent(b"curl/8", limit).as_str(), "curl/8");
        assert_eq!(user_agent(b"bad\xff", limit).as_str(), "bad\u{fffd}");
        assert_eq!(user_agent(&[b'a'; 5000], limit).as_str().len(), 4096);
        {
            let ip: IpAddr = "2001:db8::1".parse().expect("ip");
            assert_eq!(client_address(ip).as_str(), "2001:db8::1");
            assert_eq!(client_address(ip).as_str(), "2001:db8::1");
        }
    }
}
