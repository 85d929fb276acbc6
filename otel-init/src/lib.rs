//! One call that sets up OpenTelemetry traces, metrics and logs from the standard
//! `OTEL_*` environment variables.
//!
//! ```no_run
//! # fn main() -> Result<(), otel_kit_init::InitError> {
//! let telemetry = otel_kit_init::init()?; // everything from OTEL_* variables
//! tracing::info!("started");          // a log line with trace ids, also exported over OTLP
//! telemetry.shutdown().ok();          // or let it drop at the end of main
//! # Ok(())
//! # }
//! ```
//!
//! Override in code with [`builder()`]; values set in code win over the environment,
//! except `service.name` (operators rename services, code does not).
//!
//! What is in here:
//! - [`init`], [`builder`], [`Builder`]: read [`config`], build [`resource`], pick
//!   [`sampling`] and [`propagation`], build OTLP or [`console_exporter`] pipelines, install
//!   the globals and the `tracing` [`subscriber`]; return the [`Telemetry`] guard.
//! - [`batch`]: the span batch processor with a bounded queue and counted drops.
//! - [`config`]: the whole `OTEL_*` environment-variable spec, typed, with warnings.
//! - [`sampling`]: sampler presets. [`propagation`]: propagators and carriers.
//! - [`redaction`]: drops, hashes and scrubs sensitive attributes, log records and
//!   outgoing baggage before they leave the process (on by default).
//! - [`resource`]: service, host, OS, process, container and Kubernetes attributes.
//! - [`subscriber`]: the `tracing` layers, with trace ids on every console line.
//! - [`console_exporter`]: human-readable exporters for `OTEL_*_EXPORTER=console`.
//!
//! The configuration reference (every variable, default, and builder method) is
//! `docs/configuration.md`.

pub mod batch;
mod builder;
pub mod config;
pub mod console_exporter;
mod env;
mod error;
mod export_runtime;
mod http_client;
mod otlp_exporter;
mod pipelines;
pub mod propagation;
pub mod redaction;
mod report_gate;
pub mod resource;
pub mod sampling;
pub mod subscriber;
mod telemetry;

pub use builder::{Builder, Exporter};
pub use error::{InitError, ShutdownError};
pub use telemetry::{DEFAULT_SHUTDOWN_TIMEOUT, Telemetry};

pub(crate) use config::Warnings;

/// Sets up traces, metrics and logs from the `OTEL_*` environment variables alone.
/// The same as `builder().init()`.
pub fn init() -> Result<Telemetry, InitError> {
    builder().init()
}

/// A [`Builder`] to override the environment in code.
pub fn builder() -> Builder {
    Builder::default()
}

/// The OpenTelemetry crates this kit is built on, so an application uses exactly these
/// versions: with a second copy of `opentelemetry` in the graph, instrumentation made
/// with it reports to a provider nobody installed, and silently records nothing.
pub mod reexports {
    pub use opentelemetry;
    pub use opentelemetry_sdk;
    pub use tracing_opentelemetry;
}

#[cfg(doctest)]
#[doc = include_str!("../../docs/configuration.md")]
struct ConfigurationGuide;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
