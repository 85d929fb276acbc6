//! OpenTelemetry middleware for HTTP: a tower layer for axum/hyper servers and
//! reqwest-middleware for clients, following the HTTP semantic conventions 1.45.
//!
#![cfg_attr(all(feature = "server", feature = "client"), doc = "```no_run")]
#![cfg_attr(not(all(feature = "server", feature = "client")), doc = "```ignore")]
//! use axum::{Router, routing::get};
//!
//! let app: Router = Router::new()
//!     .route("/users/{id}", get(|| async { "ok" }))
//!     .layer(otel_kit_http::ServerLayer::new());
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(otel_kit_http::ClientMiddleware::default())
//!     .build();
//! # let _ = (app, client);
//! ```
//!
//! - [`server`]: [`ServerLayer`], one SERVER span per request named from the route
//!   template, `http.server.request.duration`, excluded health paths, header capture.
//! - `actix` (feature `actix`): `actix::ServerMiddleware`, the same server telemetry
//!   for actix-web 4.
//! - [`client`]: [`ClientMiddleware`], one CLIENT span per attempt with context
//!   injected, redacted `url.full`, `http.client.request.duration`.
//! - `tower_client` (feature `tower-client`): `ClientLayer`, the same client spans and
//!   metric for any tower HTTP client (hyper-util's legacy client), through the same code.
//! - `awc` (feature `awc`): `awc::ClientMiddleware`, the same client spans and metric
//!   for awc, actix's HTTP client, through the same code.
//! - [`propagation`]: propagation by hand for any other client, over `http::HeaderMap`
//!   and (features `actix`, `awc`) actix's header map.
//! - [`conventions`]: the rules both share (method normalisation, URL and query
//!   redaction, header capture, duration buckets).
//! - Hooks on both, to shape what is recorded: `exclude_when`, `span_name`,
//!   `span_attributes_from_request` (before sampling), `span_attributes_from_response`,
//!   `metric_attributes_from_request` (bounded, at most [`MAX_METRIC_ATTRIBUTES`]); and
//!   [`ServerSpan`], the request's SERVER span from handler code inside its own
//!   `tracing` spans. The guide's "Shaping the telemetry" lists them.
//! - [`Providers`]: what both send their telemetry to. By default the OpenTelemetry
//!   globals (tracer, meter, propagator) that `otel_kit_init::init()` installs, read
//!   when requests are served (not when the layer is built), so the order of set-up
//!   does not matter; or providers passed in with `.providers(..)`.
//!
//! Conformance (the W3C trace-context suite), interop (the Python SDK) and cost (against axum-tracing-opentelemetry and tower-http) are in the
//! crate README.
//!
//! # Cargo features
//!
//! A server-only service turns off the default features and picks `server` (and `axum`):
//! it compiles no reqwest. [`conventions`] and [`Providers`] are there with any set;
//! the hooks' [`SpanAttributes`], [`MetricAttributes`] and [`MAX_METRIC_ATTRIBUTES`] with
//! either side.
//!
//! | feature | default | adds | pulls in |
//! | --- | --- | --- | --- |
//! | `server` | yes | [`server`]: [`ServerLayer`], [`ServerService`]; [`ServerSpan`] | tower, http-body |
//! | `bound-instruments` | yes | the server records `http.server.request.duration` through a histogram bound per attribute set (the API's experimental bound instruments) once the SDK binds (otel-kit-init's `bound-instruments`); implies `server` | no crate |
//! | `client` | yes | [`client`]: [`ClientMiddleware`], [`UrlTemplate`], [`NoPropagation`] | reqwest, reqwest-middleware, opentelemetry-http |
//! | `axum` | yes | the server reads axum's `MatchedPath` (`http.route`, the span name) and `ConnectInfo` (`client.address`); implies `server` | axum |
//! | `actix` | no | `actix`: `actix::ServerMiddleware`, the server layer's conventions, settings and hooks as an actix-web 4 middleware; implies `server` | actix-web (no default features) |
//! | `awc` | no | `awc`: `awc::ClientMiddleware` for awc 3 (`ClientBuilder::wrap`), the reqwest middleware's client rules; [`propagation`]'s carriers over actix's header map | awc, actix-http, actix-service (no default features: TLS and compression stay the application's choice) |
//! | `tower-client` | no | `tower_client`: `ClientLayer`, `ClientService` around any tower HTTP client (hyper-util's), the reqwest middleware's client rules | tower, opentelemetry-http |
//!
//! Without `axum` the server layer works on any tower service (hyper, tonic), with
//! neither route nor client address.

#![cfg_attr(docsrs, feature(doc_cfg))]
// The docs link each front end's items from wherever they are named, the crate root
// included. A build without some front end's feature lacks those items: its links are
// checked only where every front end is built (docs.rs, and CI's workspace build).
#![cfg_attr(
    not(all(
        feature = "server",
        feature = "client",
        feature = "actix",
        feature = "awc",
        feature = "tower-client"
    )),
    allow(rustdoc::broken_intra_doc_links)
)]

// The actix-web middleware, over the server's core.
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
// The awc middleware.
#[cfg(feature = "awc")]
#[cfg_attr(docsrs, doc(cfg(feature = "awc")))]
pub mod awc;
// The reqwest middleware.
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
// The rules both sides share: methods, URL redaction, header capture, buckets.
pub mod conventions;

pub mod framework;
// The one client builder, `ClientLayer<F>`, and the core every client framework shares.
// The durations through bound histograms, the server's and the clients'.
#[cfg(any(
    feature = "server",
    feature = "client",
    feature = "tower-client",
    feature = "awc"
))]
mod bound_duration;

// The server's routes, hosts and user agents; the clients' hosts.
#[cfg(any(
    feature = "server",
    feature = "client",
    feature = "tower-client",
    feature = "awc"
))]
#[cfg_attr(not(feature = "server"), allow(dead_code))]
mod interned;

// Framework `F`'s instruments of either side, resolved and switched per framework.
#[cfg(any(
    feature = "server",
    feature = "client",
    feature = "tower-client",
    feature = "awc"
))]
mod instruments;

#[cfg(any(feature = "client", feature = "tower-client", feature = "awc"))]
mod outgoing;
// Propagation by hand: the carriers over `http::HeaderMap` and actix's header map.
pub mod propagation;
// `INSTRUMENTATION_SCOPE`.
mod scope;
// The tower server layer and its core.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub mod server;
// The tower client layer.
#[cfg(feature = "tower-client")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-client")))]
pub mod tower_client;

// The kit's shared surface (otel-kit-core's), the same in every instrumentation crate:
// the providers, the request's server span, what the hooks write into, and
// `server.service.name` by address (for `Providers::peer_services`).
/// The OpenTelemetry API this crate is built on, re-exported so that the application
/// names the very version the kit records through: with a second `opentelemetry` in the
/// build, providers installed through one are invisible to the other and the
/// instrumentation silently records nothing.
pub use opentelemetry;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use otel_kit_core::ServerSpan;
pub use otel_kit_core::extra_attributes::{MAX_METRIC_ATTRIBUTES, MetricAttributes, SpanAttributes};
/// The logger provider the kit's log events (exception events) go to when
/// [`Providers`] gives none. `otel_kit_init::init()` sets it; a service without `init()`
/// sets it here, with no need to name the kit's shared core.
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
///
/// otel_kit_http::set_global_logger_provider(SdkLoggerProvider::builder().build());
/// ```
pub use otel_kit_core::log_events::set_global_logger_provider;
pub use otel_kit_core::{PeerServiceError, PeerServices, Providers};
pub use scope::INSTRUMENTATION_SCOPE;

#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::ClientMiddleware;
#[cfg(any(feature = "client", feature = "tower-client", feature = "awc"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "client", feature = "tower-client", feature = "awc")))
)]
pub use outgoing::{ClientFramework, ClientLayer, NoPropagation, UrlTemplate};
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use server::{ServerLayer, ServerService};
#[cfg(feature = "tower-client")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-client")))]
pub use tower_client::ClientService;

// The README and the guides use the server, the client and axum together.
#[cfg(all(doctest, feature = "server", feature = "client", feature = "axum"))]
#[doc = include_str!("../README.md")]
struct Readme;

// docs/getting-started.md is a doctest of otel-kit, the crate the guide depends on.

#[cfg(all(
    doctest,
    feature = "server",
    feature = "client",
    feature = "axum",
    feature = "actix",
    feature = "awc"
))]
#[doc = include_str!("../../docs/http.md")]
struct HttpGuide;
