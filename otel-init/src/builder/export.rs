//! Where the builder sends each signal: the exporters, the fallback when nothing says,
//! and the OTLP endpoint, protocol, settings and proxy.

use super::Builder;
use crate::config::{Exporter, Protocol};

impl Builder {
    /// Where spans go (wins over `OTEL_TRACES_EXPORTER`).
    pub fn traces_exporter(mut self, exporter: Exporter) -> Self {
        self.code.traces = Some(exporter);
        self
    }

    /// Where metrics go (wins over `OTEL_METRICS_EXPORTER`).
    pub fn metrics_exporter(mut self, exporter: Exporter) -> Self {
        self.code.metrics = Some(exporter);
        self
    }

    /// Where log records go (wins over `OTEL_LOGS_EXPORTER`).
    pub fn logs_exporter(mut self, exporter: Exporter) -> Self {
        self.code.logs = Some(exporter);
        self
    }

    /// The same exporter for all three signals.
    pub fn exporter(self, exporter: Exporter) -> Self {
        self.traces_exporter(exporter)
            .metrics_exporter(exporter)
            .logs_exporter(exporter)
    }

    /// Where a signal goes when neither code nor the environment says: no
    /// `OTEL_<SIGNAL>_EXPORTER` and no OTLP endpoint for it. `Exporter::Console` makes a
    /// service print to the terminal on a laptop and export once deployed with an
    /// endpoint. For logs, a console fallback means none: the console subscriber already
    /// prints every event with its trace and span ids.
    pub fn fallback_exporter(mut self, exporter: Exporter) -> Self {
        self.code.fallback = Some(exporter);
        self
    }

    /// The OTLP base endpoint for every signal, as `OTEL_EXPORTER_OTLP_ENDPOINT` would
    /// give it (`/v1/<signal>` is appended for HTTP); wins over all endpoint variables.
    pub fn otlp_endpoint(mut self, url: impl Into<String>) -> Self {
        self.code.otlp_endpoint = Some(url.into());
        self
    }

    /// Sends every signal's OTLP exports through `proxy` (the `proxy` cargo feature);
    /// wins over `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`.
    ///
    /// ```no_run
    /// use otel_kit_init::Proxy;
    ///
    /// let proxy = Proxy::new("http://user:password@proxy.corp:3128")?.no_proxy("localhost,.internal");
    /// let telemetry = otel_kit_init::builder().proxy(proxy).init()?;
    /// # drop(telemetry);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn proxy(mut self, proxy: crate::Proxy) -> Self {
        self.code.builder_otlp = std::mem::take(&mut self.code.builder_otlp).proxy(Some(proxy));
        self
    }

    /// Sends every signal's OTLP exports directly, whatever the proxy variables say (the
    /// `proxy` cargo feature).
    #[cfg(feature = "proxy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "proxy")))]
    pub fn without_proxy(mut self) -> Self {
        self.code.builder_otlp = std::mem::take(&mut self.code.builder_otlp).proxy(None);
        self
    }

    /// The OTLP headers (fixed, or made at each export), timeout, compression and TLS
    /// material, for every signal and per signal: one [`OtlpOptions`](crate::OtlpOptions)
    /// value, whose settings win over the `OTEL_EXPORTER_OTLP_*` variables and the
    /// configuration file's (headers merged by name). Called twice, the last wins.
    ///
    /// ```no_run
    /// use otel_kit_init::{DynamicHeaders, OtlpOptions};
    ///
    /// // A token the application renews; each export sends the current one.
    /// fn current_token() -> String {
    ///     "from the secret cache".to_owned()
    /// }
    ///
    /// let otlp = OtlpOptions::new()
    ///     .dynamic_headers(DynamicHeaders::new(|| vec![("authorization".to_owned(), format!("Bearer {}", current_token()))]))
    ///     .timeout(std::time::Duration::from_secs(5));
    /// let telemetry = otel_kit_init::builder().otlp(otlp).init()?;
    /// # drop(telemetry);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn otlp(mut self, options: crate::OtlpOptions) -> Self {
        self.code.otlp = Some(options);
        self
    }

    /// The OTLP protocol for every signal; wins over the protocol variables.
    pub fn otlp_protocol(mut self, protocol: Protocol) -> Self {
        self.code.otlp_protocol = Some(protocol);
        self
    }
}
