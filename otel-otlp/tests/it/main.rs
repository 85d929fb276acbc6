//! otel-kit-otlp's integration tests, in one binary: one build and one link for all of
//! them. A module per part of the crate; what the tests share is in `support`. No test
//! here goes through otel-kit-init: each builds the SDK's providers with this crate's
//! exporters, as any SDK user would.
//!
//! The tests run in parallel in one process, so those that install something
//! process-wide (a global `tracing` subscriber), count allocations or find threads by
//! name re-run themselves alone in a child process ([`support::own_process`]).

mod export;
mod otlp_encoding;
mod proxy;
mod support;
