//! otel-kit-sampling's integration tests, in one binary: the presets, their environment
//! variables, route exclusion, consistent probability sampling, the parent-based sampler
//! with five delegates, run-time control, the observed sampler's metrics, the Jaeger
//! remote sampler against a loopback strategies endpoint, and the X-Ray remote sampler
//! against a loopback X-Ray sampling API (`xray_*`, cross-checked against AWS's Python
//! sampler in `xray_interop`). What the tests share is in `pipeline` and `own_process`.

mod consistent;
mod control;
mod env;
mod head;
mod interop;
mod jaeger_remote;
mod observed;
mod own_process;
mod parent_based;
mod pipeline;
#[cfg(target_os = "linux")]
mod poller_thread;
mod presets;
mod routes;
mod strategies_server;
mod xray_hostile;
mod xray_interop;
mod xray_remote;
mod xray_reservoir;
mod xray_server;
