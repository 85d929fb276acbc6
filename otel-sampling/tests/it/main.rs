//! otel-kit-sampling's integration tests, in one binary: the presets, their environment
//! variables, route exclusion, consistent probability sampling, the parent-based sampler
//! with five delegates, run-time control, the observed sampler's metrics, and the
//! Jaeger remote sampler against a loopback strategies endpoint. What the tests share
//! is in `pipeline` and `own_process`.

mod consistent;
mod control;
mod env;
mod interop;
mod jaeger_remote;
#[cfg(target_os = "linux")]
mod jaeger_remote_thread;
mod observed;
mod own_process;
mod parent_based;
mod pipeline;
mod presets;
mod routes;
mod strategies_server;
