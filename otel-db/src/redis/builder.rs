//! [`RedisBuilder`]: what a Redis wrapper records, and where to.

use ::redis::aio::ConnectionLike;
use ::redis::{ConnectionAddr, ConnectionInfo};

use super::call::Shared;
use super::connection::InstrumentedRedis;
use super::system::{DEFAULT_PORT, SYSTEM};
use crate::Providers;
use crate::front_end::endpoint::Endpoint;
use crate::options::{QueryText, QueryTextSetting};

/// Builds an [`InstrumentedRedis`]; from [`InstrumentedRedis::builder`].
///
/// ```
/// use otel_kit_db::{Providers, QueryText};
/// use otel_kit_db::redis::InstrumentedRedis;
///
/// # struct Connection; // any `redis::aio::ConnectionLike`
/// let client = redis::Client::open("redis://127.0.0.1/").unwrap();
/// let conn = InstrumentedRedis::builder(Connection, client.get_connection_info())
///     .providers(Providers::new()) // the globals, as by default
///     .query_text(QueryText::Sanitized)
///     .build();
/// # drop(conn);
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct RedisBuilder<C> {
    connection: C,
    endpoint: Endpoint,
    providers: Providers,
    query_text: QueryTextSetting,
}

impl<C> RedisBuilder<C> {
    pub(crate) fn new(connection: C, info: &ConnectionInfo) -> Self {
        Self {
            connection,
            endpoint: endpoint(info),
            providers: Providers::new(),
            query_text: QueryTextSetting::default(),
        }
    }

    /// The tracer, meter and logger providers (and propagator, unused here) to report
    /// to, instead of the globals. The globals are read when commands run, so a wrapper
    /// built before they are installed reports to them.
    pub fn providers(mut self, providers: Providers) -> Self {
        self.providers = providers;
        self
    }

    /// `db.query.text`: [`QueryText::Sanitized`] (the default) records the command, its
    /// key and a `?` for every other argument; [`QueryText::Off`] records none.
    pub fn query_text(mut self, query_text: QueryText) -> Self {
        self.query_text.set(query_text);
        self
    }

    /// The traced connection.
    pub fn build(self) -> InstrumentedRedis<C> {
        InstrumentedRedis::new(
            self.connection,
            Shared::new(self.endpoint, self.query_text, self.providers),
        )
    }
}

/// `server.address`, `server.port` (when not 6379) and `db.namespace` (the database
/// index the connection was made with) from `info`, part by part: never the password.
fn endpoint(info: &ConnectionInfo) -> Endpoint {
    let index = info.redis_settings().db().to_string();
    match info.addr() {
        ConnectionAddr::Tcp(host, port) | ConnectionAddr::TcpTls { host, port, .. } => {
            Endpoint::network(SYSTEM, Some(&index), host, *port, DEFAULT_PORT)
        }
        ConnectionAddr::Unix(path) => Endpoint::socket(SYSTEM, Some(&index), &path.to_string_lossy()),
        // An address kind added after redis 1.8: no address rather than a wrong one.
        _ => Endpoint::socket(SYSTEM, Some(&index), ""),
    }
}

/// Wraps `connection`, made from a client built with `info`
/// (`client.get_connection_info()`), with the defaults: the global providers, read
/// when commands run, and the sanitised `db.query.text`. The same as
/// `InstrumentedRedis::builder(connection, info).build()`.
///
/// `info` gives `server.address`, `server.port` and `db.namespace` (the database
/// index); nothing else is read from it (never the password).
pub fn instrument<C: ConnectionLike>(connection: C, info: &ConnectionInfo) -> InstrumentedRedis<C> {
    RedisBuilder::new(connection, info).build()
}

impl<C> InstrumentedRedis<C> {
    /// A builder for `connection`, made from a client built with `info`.
    ///
    /// ```no_run
    /// # async fn run() -> redis::RedisResult<()> {
    /// use otel_kit_db::QueryText;
    ///
    /// let client = redis::Client::open("redis://cache.internal:6380/2")?;
    /// let manager = client.get_connection_manager().await?;
    /// let conn = otel_kit_db::redis::InstrumentedRedis::builder(manager, client.get_connection_info())
    ///     .query_text(QueryText::Off)
    ///     .build();
    /// # drop(conn);
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder(connection: C, info: &ConnectionInfo) -> RedisBuilder<C> {
        RedisBuilder::new(connection, info)
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::Value;
    use otel_kit_semconv::attribute::{DB_NAMESPACE, DB_SYSTEM_NAME, SERVER_ADDRESS, SERVER_PORT};
    use redis::IntoConnectionInfo as _;

    use super::*;

    fn attributes(url: &str) -> Vec<(String, Value)> {
        let info = url.into_connection_info().expect("url");
        endpoint(&info)
            .attributes(SYSTEM)
            .map(|kv| (kv.key.to_string(), kv.value))
            .collect()
    }

    #[test]
    fn the_endpoint_is_read_part_by_part_without_the_password() {
        let all = attributes("redis://user:s3cr3t@cache.internal:6380/4");
        assert_eq!(
            all,
            [
                (DB_SYSTEM_NAME.to_owned(), Value::from("redis")),
                (DB_NAMESPACE.to_owned(), Value::from("4")),
                (SERVER_ADDRESS.to_owned(), Value::from("cache.internal")),
                (SERVER_PORT.to_owned(), Value::from(6380_i64)),
            ]
        );
        let default = attributes("redis://127.0.0.1");
        assert!(default.contains(&(DB_NAMESPACE.to_owned(), Value::from("0"))));
        assert!(
            !default.iter().any(|(k, _)| k == SERVER_PORT),
            "6379 is the default: {default:?}"
        );
        let socket = attributes("unix:///run/redis.sock?db=2");
        assert!(socket.contains(&(SERVER_ADDRESS.to_owned(), Value::from("/run/redis.sock"))));
        assert!(socket.contains(&(DB_NAMESPACE.to_owned(), Value::from("2"))));
    }
}
