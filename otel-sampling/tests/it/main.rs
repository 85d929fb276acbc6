//! Sampler presets, their environment variables, route exclusion, consistent
//! probability sampling and the parent-based sampler with five delegates.

mod consistent;
mod env;
mod jaeger_remote;
#[cfg(target_os = "linux")]
mod jaeger_remote_thread;
mod interop;
mod parent_based;
mod presets;
mod routes;
mod strategies_server;
