//! What the two remote samplers (Jaeger's and X-Ray's) share: their
//! `OTEL_TRACES_SAMPLER_ARG` reading, their endpoint's checks, and with either remote
//! feature the HTTP client and the thread they poll on.

pub(crate) mod arg;
#[cfg(any(feature = "jaeger-remote", feature = "xray-remote"))]
pub(crate) mod http;
#[cfg(any(feature = "jaeger-remote", feature = "xray-remote"))]
pub(crate) mod poller_thread;
pub(crate) mod url;
