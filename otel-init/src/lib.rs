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
//! Three parts:
//!
//! - **The setup**: [`init`], [`builder`], [`Builder`]: read the environment once into a
//!   [`config::Config`], lay the builder's values over it into the
//!   [`config::EffectiveConfig`], build the resource and the OTLP or console pipelines,
//!   install the globals and the `tracing` [`subscriber`], and return the [`Telemetry`]
//!   guard.
//! - **The `OTEL_*` specification**: [`config`], every variable typed, with a warning
//!   naming the variable and the default used for each bad value.
//! - **SDK plug-ins**, each usable on a plain SDK provider builder without `init()`, each
//!   with its own settings and its own reading of its variables: [`batch`] (a span
//!   processor with a bounded queue and counted drops), [`sampling`] (sampler presets),
//!   [`redaction`] (drops, hashes and scrubs sensitive attributes, log records and
//!   outgoing baggage; on by default in `init()`), [`resource`] (service, host, OS,
//!   process, container and Kubernetes attributes), [`propagation`] (propagators and
//!   carriers), [`console_exporter`] (human-readable exporters for
//!   `OTEL_*_EXPORTER=console`), and [`subscriber`] (the `tracing` layers, with trace ids
//!   on every console line).
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
mod signal;
pub mod subscriber;
mod telemetry;

pub use builder::Builder;
pub use config::Exporter;
pub use error::{InitError, ShutdownError};
pub use signal::Signal;
pub use telemetry::{DEFAULT_SHUTDOWN_TIMEOUT, Telemetry};

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
