//! otel-kit's tests, one binary: what the facade promises beyond compiling, that the
//! crates it re-exports are the very ones its integrations record through
//! (`one_opentelemetry`).

mod one_opentelemetry;
