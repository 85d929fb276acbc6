//! The Prometheus pull exporter, moved to otel-kit-prometheus: this path stays for one
//! minor release.

pub use otel_kit_prometheus::*;
