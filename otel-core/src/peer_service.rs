//! [`PeerServices`]: the logical name of the service behind an address, for the
//! `server.service.name` attribute of CLIENT spans (semantic conventions 1.45; called
//! `service.peer.name` in 1.44, `peer.service` before). A span records where it
//! connected (`server.address`, `server.port`); a service map wants *what* it called
//! (`payments`, not `10.0.3.17:8443`).
//!
//! The mapping is the one the other languages' agents read from
//! `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`: a comma-separated list of
//! `host[:port][/path]=name` entries. An entry with a port matches only that port; one
//! with a path matches request paths under it. The most specific matching entry wins:
//! one with a port over one without, then the longest path. Hosts compare without
//! regard to case.
//!
//! `otel_kit_init::init()` reads the variable and sets the kit's global mapping
//! ([`set_global_peer_services`]); `Providers::peer_services` gives one to an
//! instrumentation instead. The HTTP, gRPC, database and GenAI client spans read it
//! when they start, so a sampler sees it.
//!
//! ```
//! use otel_kit_core::PeerServices;
//!
//! let (services, problems) =
//!     PeerServices::parse("10.0.3.17=payments, api.example.com:443/v2=orders-v2, api.example.com=orders");
//! assert!(problems.is_empty());
//! assert_eq!(services.resolve("10.0.3.17", Some(8443), "/"), Some("payments".into()));
//! assert_eq!(services.resolve("API.example.com", Some(443), "/v2/items"), Some("orders-v2".into()));
//! assert_eq!(services.resolve("api.example.com", Some(443), "/v1/items"), Some("orders".into()));
//! assert_eq!(services.resolve("elsewhere", None, "/"), None);
//! ```

use std::fmt;
use std::sync::Arc;

use opentelemetry::StringValue;

use crate::global_slot::GlobalSlot;

/// A mapping from addresses to peer service names. See the [module docs](self).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerServices {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// Lowercase.
    host: Box<str>,
    port: Option<u16>,
    /// Starts with `/`; `None` for any path.
    path: Option<Box<str>>,
    name: StringValue,
}

/// An entry [`PeerServices::parse`] or [`PeerServices::map`] refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerServiceError {
    /// The entry as written.
    pub entry: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl fmt::Display for PeerServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.entry, self.problem)
    }
}

impl std::error::Error for PeerServiceError {}

impl PeerServices {
    /// No entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `host[:port][/path]=name` entries separated by commas. Entries that cannot
    /// be read are left out and returned, each with its problem; the rest still apply.
    ///
    /// ```
    /// let (services, problems) = otel_kit_core::PeerServices::parse("db:5432=ledger,=x,cache:port=y");
    /// assert_eq!(services.len(), 1);
    /// assert_eq!(problems.len(), 2);
    /// ```
    pub fn parse(text: &str) -> (Self, Vec<PeerServiceError>) {
        let mut services = Self::new();
        let mut problems = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
            let parsed = match entry.split_once('=') {
                Some((address, name)) => Entry::new(address.trim(), name.trim()),
                None => Err("not `host[:port][/path]=name`"),
            };
            match parsed {
                Ok(parsed) => services.entries.push(parsed),
                Err(problem) => problems.push(PeerServiceError {
                    entry: entry.to_owned(),
                    problem,
                }),
            }
        }
        (services, problems)
    }

    /// Adds one entry: requests to `address` (`host[:port][/path]`) are to the service
    /// `name`.
    ///
    /// ```
    /// let services = otel_kit_core::PeerServices::new().map("db.internal:5432", "ledger")?;
    /// assert_eq!(services.resolve("db.internal", Some(5432), ""), Some("ledger".into()));
    /// assert!(otel_kit_core::PeerServices::new().map("db.internal:x", "ledger").is_err());
    /// # Ok::<(), otel_kit_core::PeerServiceError>(())
    /// ```
    pub fn map(mut self, address: &str, name: &str) -> Result<Self, PeerServiceError> {
        let entry = Entry::new(address, name).map_err(|problem| PeerServiceError {
            entry: format!("{address}={name}"),
            problem,
        })?;
        self.entries.push(entry);
        Ok(self)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The service name for a request to `host` (and `port`, when known) at `path`
    /// (`""` when the protocol has none): the most specific matching entry's.
    pub fn resolve(&self, host: &str, port: Option<u16>, path: &str) -> Option<StringValue> {
        self.entries
            .iter()
            .filter(|entry| entry.host.eq_ignore_ascii_case(host))
            .filter(|entry| entry.port.is_none() || entry.port == port)
            .filter(|entry| entry.path.as_deref().is_none_or(|prefix| under(path, prefix)))
            .max_by_key(|entry| (entry.port.is_some(), entry.path.as_deref().map_or(0, str::len)))
            .map(|entry| entry.name.clone())
    }
}

/// Whether `path` is `prefix` or below it (`/api` covers `/api` and `/api/v1`, not
/// `/apis`).
fn under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl Entry {
    fn new(address: &str, name: &str) -> Result<Self, &'static str> {
        if name.is_empty() {
            return Err("no service name after `=`");
        }
        let (host_port, path) = match address.find('/') {
            Some(slash) => (&address[..slash], Some(&address[slash..])),
            None => (address, None),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            // An IPv6 literal in brackets keeps its colons: `[::1]:8080`.
            Some((host, port)) if !port.contains(']') => {
                let port = port
                    .parse::<u16>()
                    .map_err(|_| "the port is not a number from 0 to 65535")?;
                (host, Some(port))
            }
            _ => (host_port, None),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err("no host before `=`");
        }
        Ok(Self {
            host: host.to_ascii_lowercase().into(),
            port,
            path: path.map(Into::into),
            name: StringValue::from(name.to_owned()),
        })
    }
}

static GLOBAL: GlobalSlot<PeerServices> = GlobalSlot::new();

/// Makes `services` the mapping of every instrumentation given none
/// (`Providers::peer_services`). `otel_kit_init::init()` sets it from
/// `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`; the instrumentations read it
/// again at their next request.
///
/// ```
/// use otel_kit_core::PeerServices;
///
/// otel_kit_core::peer_service::set_global_peer_services(PeerServices::new().map("db", "ledger")?);
/// assert_eq!(otel_kit_core::peer_service::global_peer_services().map(|s| s.len()), Some(1));
/// # Ok::<(), otel_kit_core::PeerServiceError>(())
/// ```
pub fn set_global_peer_services(services: PeerServices) {
    GLOBAL.set((!services.is_empty()).then(|| Arc::new(services)));
}

/// The global mapping, if a non-empty one was set.
pub fn global_peer_services() -> Option<Arc<PeerServices>> {
    GLOBAL.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_entry_wins() {
        let (services, problems) = PeerServices::parse("h=any, h:80=port, h:80/api=api, h/api/v2=v2");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(services.resolve("h", Some(81), "/x"), Some("any".into()));
        assert_eq!(services.resolve("h", Some(80), "/x"), Some("port".into()));
        assert_eq!(services.resolve("h", Some(80), "/api/v1"), Some("api".into()));
        // A port outranks a longer path without one.
        assert_eq!(services.resolve("h", Some(80), "/api/v2/x"), Some("api".into()));
        assert_eq!(services.resolve("h", Some(81), "/api/v2/x"), Some("v2".into()));
        assert_eq!(services.resolve("h", Some(80), "/apis"), Some("port".into()));
    }

    #[test]
    fn bad_entries_are_named_and_the_rest_apply() {
        let (services, problems) =
            PeerServices::parse("a=1,,b,:80=2,c:99999=3,d=,[::1]:8080=six, e = spaced ");
        let bad: Vec<&str> = problems.iter().map(|p| p.entry.as_str()).collect();
        assert_eq!(bad, ["b", ":80=2", "c:99999=3", "d="]);
        assert_eq!(services.len(), 3);
        assert_eq!(services.resolve("::1", Some(8080), ""), Some("six".into()));
        assert_eq!(services.resolve("E", None, ""), Some("spaced".into()));
    }
}
