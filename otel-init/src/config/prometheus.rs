//! `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`: where the
//! Prometheus exporter's own listener serves `/metrics`; and the listener's limits
//! (set in code only: no SDK has variables for them).

use otel_kit_prometheus::PrometheusListenerLimits;

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
