//! The `OTEL_*` environment-variable spec.

mod console_spans;
mod env;
mod hostile_values;
mod otlp_cases;
mod sdk_cases;
