//! The attributes that say which database an operation went to.

use std::sync::Arc;

use opentelemetry::{KeyValue, StringValue};
use otel_kit_semconv::attribute::{
    DB_NAMESPACE, DB_SYSTEM_NAME, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, SERVER_ADDRESS, SERVER_PORT,
};

/// `db.system.name`, `db.namespace`, `server.address`, `server.port` (and
/// `network.peer.*` where known without the socket), read from a
/// pool's connect options. Built from parts, never from the connection URL, so no
/// credential can end up in an attribute.
#[derive(Debug, Clone)]
// Public for `InstrumentedDatabase::endpoint`, a trait of the pool wrapper's; the
// Redis wrapper alone keeps it inside.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(unreachable_pub)
)]
pub struct Endpoint {
    pub(crate) system: &'static str,
    pub(crate) namespace: Option<StringValue>,
    pub(crate) address: Option<StringValue>,
    /// Only when not the system's default port, as the conventions ask.
    pub(crate) port: Option<i64>,
    /// The port actually used, for the default pool name and `server.service.name`.
    pub(crate) actual_port: Option<u16>,
    /// `network.peer.address` and `network.peer.port`, where they are known without
    /// the socket: a host given as an IP address (no name to resolve to another peer),
    /// or a Unix socket's path.
    pub(crate) peer: Option<(StringValue, Option<i64>)>,
}

impl Endpoint {
    /// A server's (PostgreSQL, MySQL/MariaDB, Redis).
    #[cfg(any(
        feature = "postgres",
        feature = "mysql",
        feature = "redis",
        feature = "tokio-postgres",
        feature = "diesel"
    ))]
    pub(crate) fn network(
        system: &'static str,
        database: Option<&str>,
        host: &str,
        port: u16,
        default_port: u16,
    ) -> Self {
        Self {
            system,
            namespace: database.filter(|d| !d.is_empty()).map(shared),
            address: (!host.is_empty()).then(|| shared(host)),
            port: (port != default_port).then_some(i64::from(port)),
            actual_port: Some(port),
            peer: otel_kit_core::__private::network::ip_literal(host)
                .map(|ip| (shared(ip), Some(i64::from(port)))),
        }
    }

    /// A server's reached through a Unix domain socket: `server.address` is the
    /// socket's path, as the conventions ask, and there is no port.
    #[cfg(any(
        feature = "postgres",
        feature = "mysql",
        feature = "redis",
        feature = "tokio-postgres",
        feature = "diesel"
    ))]
    pub(crate) fn socket(system: &'static str, database: Option<&str>, path: &str) -> Self {
        Self {
            system,
            namespace: database.filter(|d| !d.is_empty()).map(shared),
            address: (!path.is_empty()).then(|| shared(path)),
            port: None,
            actual_port: None,
            peer: (!path.is_empty()).then(|| (shared(path), None)),
        }
    }

    /// A PostgreSQL server's. Over a Unix socket (`socket_directory` given, or a `host`
    /// that is a directory, as libpq reads it), the socket file the client connects
    /// to, `{directory}/.s.PGSQL.{port}`, is `server.address`.
    #[cfg(any(feature = "postgres", feature = "tokio-postgres", feature = "diesel"))]
    pub(crate) fn postgres(
        database: Option<&str>,
        host: &str,
        socket_directory: Option<&str>,
        port: u16,
    ) -> Self {
        const SYSTEM: &str = "postgresql";
        match socket_directory.or_else(|| host.starts_with('/').then_some(host)) {
            Some(directory) => Self::socket(SYSTEM, database, &format!("{directory}/.s.PGSQL.{port}")),
            None => Self::network(SYSTEM, database, host, port, 5432),
        }
    }

    /// A file's (SQLite).
    #[cfg(any(feature = "sqlite", feature = "diesel"))]
    pub(crate) fn file(system: &'static str, filename: &str) -> Self {
        Self {
            system,
            namespace: (!filename.is_empty()).then(|| shared(filename)),
            address: None,
            port: None,
            actual_port: None,
            peer: None,
        }
    }

    /// The attributes, with `system` as `db.system.name`. Their strings are shared:
    /// making them copies no text.
    pub(crate) fn attributes(&self, system: &'static str) -> impl Iterator<Item = KeyValue> + '_ {
        let namespace = self.namespace.clone().map(|n| KeyValue::new(DB_NAMESPACE, n));
        let address = self.address.clone().map(|a| KeyValue::new(SERVER_ADDRESS, a));
        let port = self.port.map(|p| KeyValue::new(SERVER_PORT, p));
        let peer = self.peer.as_ref().into_iter().flat_map(|(address, port)| {
            std::iter::once(KeyValue::new(NETWORK_PEER_ADDRESS, address.clone()))
                .chain(port.map(|p| KeyValue::new(NETWORK_PEER_PORT, p)))
        });
        std::iter::once(KeyValue::new(DB_SYSTEM_NAME, system))
            .chain(namespace)
            .chain(address)
            .chain(port)
            .chain(peer)
    }

    /// The `{target}` of a span that names no operation: `db.namespace`, else
    /// `server.address:server.port` (the port as recorded: only when not the default).
    /// Redis's namespace is a number, which its conventions keep out of span names.
    pub(crate) fn span_target(&self) -> Option<String> {
        let namespace = self.namespace.as_ref().filter(|_| self.system != "redis");
        if let Some(namespace) = namespace {
            return Some(namespace.as_str().to_owned());
        }
        let address = self.address.as_ref()?.as_str();
        Some(match self.port {
            Some(port) => format!("{address}:{port}"),
            None => address.to_owned(),
        })
    }

    /// The conventions' default pool name: `address:port/namespace`, or the file name.
    #[cfg(feature = "__sql-core")]
    pub(crate) fn pool_name(&self) -> String {
        let namespace = self.namespace.as_ref().map_or("", |n| n.as_str());
        match (&self.address, self.actual_port) {
            (Some(address), Some(port)) => format!("{}:{port}/{namespace}", address.as_str()),
            (Some(address), None) => format!("{}/{namespace}", address.as_str()),
            (None, _) => namespace.to_owned(),
        }
    }
}

/// A string value whose clones share one allocation.
fn shared(s: &str) -> StringValue {
    StringValue::from(Arc::<str>::from(s))
}
