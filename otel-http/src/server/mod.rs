//! The server side: a tower layer that gives each HTTP request a SERVER span and the
//! `http.server.*` metrics of the HTTP semantic conventions 1.45.
//!
//! ```
//! use axum::{Router, routing::get};
//! use otel_kit_http::ServerLayer;
//!
//! let app: Router = Router::new()
//!     .route("/users/{id}", get(|| async { "user" }))
//!     .layer(ServerLayer::new());
//! # let _ = app;
//! ```
//!
//! What it does per request:
//!
//! - Extracts the caller's context with the **global** text-map propagator (installed by
//!   `otel_kit_init`), and starts a SERVER span through the OpenTelemetry API (not through
//!   `tracing`: about five times cheaper) from the **global** tracer provider. Each
//!   thread keeps a copy of the globals it needs and resolves it again when they change,
//!   so the layer may be built before the providers are installed. Every attribute known from
//!   the request head is present at start, for samplers.
//! - Names the span `{method} {http.route}` from axum's `MatchedPath` (so add the layer
//!   with `Router::layer`, where the route is known), or `{method}` when no route
//!   matched. Unknown methods become `_OTHER` (name `HTTP`), with
//!   `http.request.method_original`.
//! - Makes the span's context current on every poll of the handler, so `tracing` spans
//!   and logs inside become its children regardless of `tracing` level filters.
//! - Ends the span when the response head is ready (body streaming is not included),
//!   with status Error for 5xx (4xx stays Unset), an error the inner service returned
//!   (`error.type` its type path), a panic (`error.type = "panic"`, then the panic
//!   continues) or cancellation (`error.type = "cancelled"`). The returned error and the
//!   panic are each one `http.server.request.exception` log record (severity ERROR, in
//!   the span's context); a response, 5xx included, is none (`docs/errors.md`).
//! - Records `http.server.request.duration` (seconds, advisory buckets
//!   [`HTTP_RPC_DURATION_BUCKETS`](crate::conventions::HTTP_RPC_DURATION_BUCKETS)) in the span's
//!   context; optionally `http.server.active_requests` and the body-size histograms.
//! - Skips [`DEFAULT_EXCLUDED_PATHS`] and other excluded requests entirely (no span, no
//!   metric) while still running their handler in the caller's context.
//! - Runs the application's hooks, when set ([`ServerLayer::exclude_when`],
//!   [`span_name`](ServerLayer::span_name),
//!   [`span_attributes_from_request`](ServerLayer::span_attributes_from_request) before
//!   the span starts, [`span_attributes_from_response`](ServerLayer::span_attributes_from_response),
//!   [`metric_attributes_from_request`](ServerLayer::metric_attributes_from_request)), and
//!   stores a recorded span in the request's context, so handler code reaches it as
//!   [`ServerSpan::current()`](crate::ServerSpan::current) from inside its own spans.
//!
//! Span attributes: `http.request.method`, `url.path`, `url.query` (redacted),
//! `url.scheme`, `http.route`, `network.protocol.version`, `server.address`,
//! `server.port` (when the `Host`/`:authority` names one), `client.address`,
//! `network.peer.address` and `network.peer.port` (from axum's
//! `ConnectInfo<SocketAddr>`), `user_agent.original`, `http.response.status_code`,
//! `error.type`, and captured headers.
//!
//! `url.scheme` is `https` for a request marked [`TlsConnection`] (a TLS acceptor
//! inserts it, per connection), else the request URI's (HTTP/2 `:scheme`), else
//! `https` when the layer was told the server terminates TLS
//! ([`ServerLayer::served_over_tls`]), else `http`. Behind a reverse proxy,
//! [`ServerLayer::trust_forwarded_headers`] takes the scheme, the server address and
//! the client address from `Forwarded` / `X-Forwarded-*` (the original client's
//! scheme wins): only when told, because clients can forge those headers.
//!
//! The `axum` cargo feature (on by default) reads `MatchedPath` and `ConnectInfo`;
//! without it the layer works on any tower service, with no route and no peer.

pub(crate) mod call;
pub(crate) mod config;
pub(crate) mod exclude;
pub(crate) mod framework;
mod future;
pub(crate) mod head;
pub(crate) mod hooks;
pub(crate) mod instruments;
pub(crate) mod layer;
pub(crate) mod origin;
mod service;
pub(crate) mod start;
mod tls_connection;

pub use crate::scope::INSTRUMENTATION_SCOPE;
pub use call::{ERROR_TYPE_CANCELLED, ERROR_TYPE_PANIC};
pub use exclude::DEFAULT_EXCLUDED_PATHS;
pub use framework::ServerFramework;
pub use future::ResponseFuture;
pub use layer::{ServerLayer, ServerService};
pub use tls_connection::TlsConnection;
