//! One call that sets up OpenTelemetry traces, metrics and logs from the standard
//! `OTEL_*` environment variables.
//!
//! **Status: in progress.** What exists and is tested: reading the whole `OTEL_*`
//! environment-variable spec into a [`config::Config`] with one warning per bad value
//! ([`config`]), the sampler presets ([`sampling`]) and propagation helpers
//! ([`propagation`]). Installing providers (`init()`, the builder, exporters, resource
//! detection, the `tracing` subscriber and the shutdown guard) is not implemented yet;
//! see the crate README.

pub mod config;
mod env;
pub mod propagation;
pub mod sampling;
