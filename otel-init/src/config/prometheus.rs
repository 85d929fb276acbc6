//! `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`: where the
//! Prometheus exporter's own listener serves `/metrics`; and the listener's limits
//! (set in code only: no SDK has variables for them).

use std::time::Duration;

use crate::env::Env;

/// The specification's default host.
pub(crate) const DEFAULT_HOST: &str = "localhost";
/// The specification's default port.
pub(crate) const DEFAULT_PORT: u16 = 9464;
/// The variable naming the listener's host.
pub(crate) const HOST: &str = "OTEL_EXPORTER_PROMETHEUS_HOST";
/// The variable naming the listener's port.
pub(crate) const PORT: &str = "OTEL_EXPORTER_PROMETHEUS_PORT";

/// Where the Prometheus exporter (`OTEL_METRICS_EXPORTER=prometheus`) listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrometheusConfig {
    /// `OTEL_EXPORTER_PROMETHEUS_HOST` (default `localhost`).
    pub host: String,
    /// `OTEL_EXPORTER_PROMETHEUS_PORT` (default 9464; 0 takes any free port).
    pub port: u16,
    /// Whether the exporter opens its own listener; `false` when the application
    /// mounts the handler on its router instead
    /// ([`Builder::without_prometheus_listener`](crate::Builder::without_prometheus_listener)).
    pub listener: bool,
    /// The listener's connection cap and timeouts
    /// ([`Builder::prometheus_listener_limits`](crate::Builder::prometheus_listener_limits)).
    pub limits: PrometheusListenerLimits,
}

/// What one client may hold of the Prometheus exporter's own listener: it serves
/// scrapers on the service's own file descriptors, so a client that connects and says
/// nothing, sends half a request or never reads the answer is cut off.
///
/// | limit | default | what happens at the limit |
/// | --- | --- | --- |
/// | `max_connections` | 32 | a new connection closes the oldest connection not being answered (a silent one, or one idle between scrapes) of the address holding the most places; at most half the cap is answered at once (an address with none in progress always is), the rest get `503` without a collection |
/// | `header_read_timeout` | 10 s | a request head not complete this long after the connection opened (or after the previous answer) closes the connection |
/// | `idle_timeout` | 5 s | a connection with no byte of a request this long after it opened (or after the previous answer) is closed |
/// | `write_timeout` | 10 s | an answer not written to the socket this long after its first byte (a client that does not read) closes the connection and frees the exposition |
///
/// Prometheus sends its request head as soon as it connects and gives up a scrape
/// after its `scrape_timeout` (10 s by default), so the defaults never cut off a
/// working scraper.
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_init::config::PrometheusListenerLimits;
///
/// let limits = PrometheusListenerLimits {
///     max_connections: 8,
///     write_timeout: Duration::from_secs(5),
///     ..PrometheusListenerLimits::DEFAULT
/// };
/// assert_eq!(limits.header_read_timeout, Duration::from_secs(10));
/// assert!(limits.check().is_ok());
/// let none = PrometheusListenerLimits { max_connections: 0, ..limits };
/// assert!(none.check().unwrap_err().contains("max_connections"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrometheusListenerLimits {
    /// Connections open at once (default 32).
    pub max_connections: usize,
    /// Longest wait for a complete request head (default 10 s).
    pub header_read_timeout: Duration,
    /// Longest wait for the first byte of a request (default 5 s).
    pub idle_timeout: Duration,
    /// Longest time one answer may take to be written (default 10 s).
    pub write_timeout: Duration,
}

impl PrometheusListenerLimits {
    /// The defaults (the table above).
    pub const DEFAULT: PrometheusListenerLimits = PrometheusListenerLimits {
        max_connections: 32,
        header_read_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(5),
        write_timeout: Duration::from_secs(10),
    };

    /// `Err` says which limit is unusable and what to give instead: every one must be
    /// positive (a zero timeout is not "no limit").
    pub fn check(&self) -> Result<(), String> {
        if self.max_connections == 0 {
            return Err(
                "max_connections is zero: no scrape could connect; give at least 1 (the default is 32)"
                    .into(),
            );
        }
        let timeouts = [
            (
                "header_read_timeout",
                self.header_read_timeout,
                Self::DEFAULT.header_read_timeout,
            ),
            ("idle_timeout", self.idle_timeout, Self::DEFAULT.idle_timeout),
            ("write_timeout", self.write_timeout, Self::DEFAULT.write_timeout),
        ];
        for (name, value, default) in timeouts {
            if value.is_zero() {
                return Err(format!(
                    "{name} is zero, and a zero timeout is not \"no limit\": give a positive duration (the default is {} s)",
                    default.as_secs()
                ));
            }
        }
        Ok(())
    }
}

impl Default for PrometheusListenerLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Default for PrometheusConfig {
    fn default() -> Self {
        PrometheusConfig {
            host: DEFAULT_HOST.to_owned(),
            port: DEFAULT_PORT,
            listener: true,
            limits: PrometheusListenerLimits::DEFAULT,
        }
    }
}

impl PrometheusConfig {
    pub(super) fn read(env: &mut Env<'_>) -> Self {
        let host = match env.get(HOST) {
            Some(h) if !is_host(&h) => {
                env.warn(
                    HOST,
                    &h,
                    format!("is not a host name or address; using the default {DEFAULT_HOST}"),
                );
                DEFAULT_HOST.to_owned()
            }
            Some(h) => h.trim().to_owned(),
            None => DEFAULT_HOST.to_owned(),
        };
        let port = match env.get(PORT) {
            None => DEFAULT_PORT,
            Some(p) => p.trim().parse::<u16>().unwrap_or_else(|_| {
                env.warn(
                    PORT,
                    &p,
                    format!("is not a port number (0 to 65535); using the default {DEFAULT_PORT}"),
                );
                DEFAULT_PORT
            }),
        };
        PrometheusConfig {
            host,
            port,
            listener: true,
            limits: PrometheusListenerLimits::DEFAULT,
        }
    }
}

/// Whether `host` can name a listener's host: not blank, no whitespace inside.
pub(crate) fn is_host(host: &str) -> bool {
    let host = host.trim();
    !host.is_empty() && !host.contains(char::is_whitespace)
}
