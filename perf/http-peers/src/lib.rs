//! Load comparison of HTTP server tracing middleware on loopback.
//!
//! One axum hello-world route (`GET /users/{id}`) is served five ways ([`Variant`]): with
//! no middleware, with `otel_kit_http::ServerLayer`, with axum-tracing-opentelemetry's
//! `OtelAxumLayer` + `OtelInResponseLayer`, and with tower-http's `TraceLayer` (spans at
//! `INFO`); and on actix-web 4 ([`actix_server`]) three ways: with no middleware, with
//! `otel_kit_http::actix::ServerMiddleware`, and with opentelemetry-instrumentation-actix-web's
//! `RequestTracing` + `RequestMetrics`. These traced variants set telemetry up the same way, through `otel_kit_init`,
//! exporting to the endpoint and protocol in `OTEL_EXPORTER_OTLP_ENDPOINT` and
//! `OTEL_EXPORTER_OTLP_PROTOCOL`.
//!
//! A third scenario, [`realistic`], serves a handler that does what services do (a row
//! read with sqlx, an outgoing reqwest call, JSON, a log line) plain, with the kit, and with
//! axum-tracing-opentelemetry, tower-otel and opentelemetry-instrumentation-tower, under an
//! open loop at a fixed rate; [`realistic_report`] compares them with the guides' budgets.
//! There each peer's telemetry is set up as its users set it up ([`peer_setup`]).
//!
//! The `http-peers-server` binary serves one variant ([`server::run`]); the `compare`
//! binary starts a collector ([`collector::Collector`]: in process, or rotel in front of
//! the counting sink), runs each variant in a child process (pinned with [`pin`] if
//! asked), drives it with keep-alive HTTP/1.1 connections and prints a Markdown table
//! ([`report`]; see README.md).

pub mod actix_server;
pub mod collector;
pub mod load;
pub mod metric_count;
pub mod peer_setup;
pub mod pin;
pub mod process;
pub mod realistic;
pub mod realistic_report;
pub mod report;
pub mod server;
pub mod sink;
pub mod stats;
mod variant;
mod wire;
pub mod work;

pub use variant::{UnknownVariant, Variant};
