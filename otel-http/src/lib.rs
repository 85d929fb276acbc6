//! OpenTelemetry middleware for HTTP: a tower layer for axum/hyper servers and
//! reqwest-middleware for clients, following the HTTP semantic conventions 1.42.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//!
//! let app: Router = Router::new()
//!     .route("/users/{id}", get(|| async { "ok" }))
//!     .layer(otel_kit_http::ServerLayer::new());
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(otel_kit_http::ClientMiddleware::new())
//!     .build();
//! # let _ = (app, client);
//! ```
//!
//! - [`server`]: [`ServerLayer`], one SERVER span per request named from the route
//!   template, `http.server.request.duration`, excluded health paths, header capture.
//! - [`client`]: [`ClientMiddleware`], one CLIENT span per attempt with context
//!   injected, redacted `url.full`, `http.client.request.duration`.
//! - [`conventions`]: the rules both share (method normalisation, URL and query
//!   redaction, header capture, duration buckets).
//! - [`carrier`]: [`HeaderMapExtractor`](carrier::HeaderMapExtractor), a propagation
//!   carrier over request headers that the server (and otel-kit-grpc) extract with.
//! - [`globals`]: per-thread copies of the OpenTelemetry globals a request needs,
//!   refreshed every 10 ms; the server layer's and otel-kit-grpc's.
//! - [`shared_names`] and [`panic_payload`]: small pieces otel-kit-grpc uses too.
//!
//! Both use the OpenTelemetry globals (tracer, meter, propagator) that `otel_kit_init::init()`
//! installs, read when requests are served (not when the layer is built), so the order
//! of set-up does not matter. Conformance (the W3C trace-context suite), interop (the
//! Python SDK) and cost (against axum-tracing-opentelemetry and tower-http) are in the
//! crate README.

pub mod carrier;
pub mod client;
pub mod conventions;
pub mod globals;
pub mod panic_payload;
mod scope;
pub mod server;
pub mod shared_names;

pub use client::{ClientMiddleware, NoPropagation, UrlTemplate};
pub use server::{ServerLayer, ServerService};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

#[cfg(doctest)]
#[doc = include_str!("../../docs/getting-started.md")]
struct GettingStarted;

#[cfg(doctest)]
#[doc = include_str!("../../docs/http.md")]
struct HttpGuide;
