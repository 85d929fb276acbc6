//! otel-kit-runtime-metrics's integration tests, in one binary.

mod metrics;
