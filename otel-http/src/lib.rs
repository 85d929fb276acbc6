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
//! - [`Providers`]: what both send their telemetry to. By default the OpenTelemetry
//!   globals (tracer, meter, propagator) that `otel_kit_init::init()` installs, read
//!   when requests are served (not when the layer is built), so the order of set-up
//!   does not matter; or providers passed in with `.providers(..)`.
//!
//! Conformance (the W3C trace-context suite), interop (the Python SDK) and cost (against axum-tracing-opentelemetry and tower-http) are in the
//! crate README.

pub mod client;
pub mod conventions;
pub mod server;

pub use client::{ClientMiddleware, NoPropagation, UrlTemplate};
pub use otel_kit_core::Providers;
pub use server::{ServerLayer, ServerService};

/// The name of the instrumentation scope of this crate's spans and metrics (its version
/// is this crate's).
///
/// ```
/// assert_eq!(otel_kit_http::INSTRUMENTATION_SCOPE, "otel-kit-http");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = "otel-kit-http";

static SCOPE: otel_kit_core::Scope =
    otel_kit_core::Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

#[cfg(doctest)]
#[doc = include_str!("../../docs/getting-started.md")]
struct GettingStarted;

#[cfg(doctest)]
#[doc = include_str!("../../docs/http.md")]
struct HttpGuide;
