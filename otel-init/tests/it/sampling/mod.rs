//! Sampler presets, their environment variables, and route exclusion.

mod env;
mod jaeger_remote;
#[cfg(target_os = "linux")]
mod jaeger_remote_thread;
mod presets;
mod routes;
mod strategies_server;
