//! What one client may hold of the exporter's own listener
//! ([`PrometheusListener`](crate::PrometheusListener)): its connection cap and timeouts.

use std::time::Duration;

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
/// use otel_kit_prometheus::PrometheusListenerLimits;
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
