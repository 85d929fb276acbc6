//! The `OTEL_*` environment-variable spec.

mod env;
mod otlp_cases;
mod sdk_cases;
