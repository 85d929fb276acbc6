//! otel-kit's tests, one binary: what the facade promises beyond compiling, that the
//! crates it re-exports are the very ones its integrations record through
//! (`one_opentelemetry`), and that the messaging core comes without a client crate
//! (`messaging_core`).

mod messaging_core;
mod one_opentelemetry;
