//! The `OTEL_*` environment-variable spec.

mod env;
mod hostile_values;
mod otlp_cases;
mod sdk_cases;
