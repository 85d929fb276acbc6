//! Reliability under load: the kit must never hurt the service it watches.
//!
//! - [`service`]: an axum service with every otel-kit layer (server, client, database,
//!   GenAI, logs), run as a child process by the tests and the `faults` driver.
//! - [`scenario`]: the collector faults (down, killed, black-holed, slow, refusing),
//!   played by http-peers' counting sink.
//! - [`child`]: starting the service, reading its counters, stopping it with SIGTERM.
//! - [`run`]: one measured run under one fault.
//!
//! The figures and how to reproduce them are in `docs/reliability.md`.

pub mod child;
pub mod run;
pub mod scenario;
pub mod service;
