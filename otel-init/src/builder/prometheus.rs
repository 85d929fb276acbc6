//! The builder's Prometheus listener: mounted by the application instead, its address,
//! its connection cap and timeouts.

use super::Builder;
#[cfg(doc)]
use crate::InitError;

impl Builder {
    /// The Prometheus exporter (`metrics_exporter(Exporter::Prometheus)` or
    /// `OTEL_METRICS_EXPORTER=prometheus`) opens no listener of its own: the
    /// application mounts `Telemetry::prometheus_handler` (the `prometheus` feature)
    /// on its router instead.
    ///
    /// ```no_run
    /// # #[cfg(feature = "prometheus")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use otel_kit_init::Exporter;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .metrics_exporter(Exporter::OtlpAndPrometheus)
    ///     .without_prometheus_listener()
    ///     .init()?;
    /// let metrics = telemetry.prometheus_handler().expect("the Prometheus exporter is on");
    /// // axum: Router::new().route_service("/metrics", metrics)
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "prometheus"))]
    /// # fn main() {}
    /// ```
    pub fn without_prometheus_listener(mut self) -> Self {
        self.code.prometheus_listener = Some(false);
        self
    }

    /// Where the Prometheus exporter's own listener serves `/metrics`: `host` and
    /// `port` as `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT`
    /// would give them (port 0 takes any free port); wins over both variables. A blank
    /// host, or one with whitespace inside, makes `init` fail with
    /// [`InitError::InvalidValue`].
    ///
    /// ```
    /// # #[cfg(feature = "prometheus")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use otel_kit_init::Exporter;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .traces_exporter(Exporter::None)
    ///     .logs_exporter(Exporter::None)
    ///     .metrics_exporter(Exporter::Prometheus)
    ///     .prometheus_address("127.0.0.1", 0)
    ///     .init()?;
    /// let address = telemetry.prometheus_address().expect("the listener is up");
    /// assert!(address.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "prometheus"))]
    /// # fn main() {}
    /// ```
    pub fn prometheus_address(mut self, host: impl Into<String>, port: u16) -> Self {
        self.code.prometheus_address = Some((host.into(), port));
        self
    }

    /// The Prometheus exporter's own listener's connection cap and timeouts (the table
    /// of [`PrometheusListenerLimits`](crate::config::PrometheusListenerLimits)); a
    /// zero one makes `init` fail with [`InitError::InvalidValue`].
    ///
    /// ```
    /// # #[cfg(feature = "prometheus")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use std::time::Duration;
    ///
    /// use otel_kit_init::Exporter;
    /// use otel_kit_init::config::PrometheusListenerLimits;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .traces_exporter(Exporter::None)
    ///     .logs_exporter(Exporter::None)
    ///     .metrics_exporter(Exporter::Prometheus)
    ///     .prometheus_address("127.0.0.1", 0)
    ///     .prometheus_listener_limits(PrometheusListenerLimits {
    ///         max_connections: 4,
    ///         idle_timeout: Duration::from_secs(2),
    ///         ..PrometheusListenerLimits::DEFAULT
    ///     })
    ///     .init()?;
    /// assert_eq!(telemetry.effective_config().export.prometheus.limits.max_connections, 4);
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "prometheus"))]
    /// # fn main() {}
    /// ```
    pub fn prometheus_listener_limits(mut self, limits: crate::config::PrometheusListenerLimits) -> Self {
        self.code.prometheus_limits = Some(limits);
        self
    }
}
