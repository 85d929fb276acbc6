//! The Prometheus exporter as `init()` wires it (`prometheus` feature): its listener and
//! handler from the configuration. The exporter itself is tested in otel-kit-prometheus.

pub(crate) mod serving;
