//! The actix-web middleware (feature `actix`): [`ServerMiddleware`], which is
//! [`ServerLayer<Actix>`](crate::ServerLayer): the server layer's conventions, settings
//! and hooks (its methods, written once) for actix-web 4.
//!
//! ```
//! use actix_web::{App, web};
//! use otel_kit_http::actix::ServerMiddleware;
//!
//! let app = App::new()
//!     .wrap(ServerMiddleware::default())
//!     .route("/users/{id}", web::get().to(|| async { "user" }));
//! # let _ = app;
//! ```
//!
//! actix's model: a middleware is a `Transform` (here [`ServerMiddleware`], the value
//! the application makes with `ServerMiddleware::default()`, configures and passes to
//! `App::wrap`), which actix turns into a
//! `Service` per worker ([`ServerMiddlewareService`]) around the app; each request's
//! future is a [`ResponseFuture`]. The per-request work is the tower layer's, over
//! actix's types: the same code starts the span (`server/start.rs`), reads the origin
//! (`server/origin.rs`), applies the exclusion rules and ends the call
//! (`server/call.rs`); `head.rs` here is how that code reads actix's request and
//! response. So everything the [`server`](crate::server) module docs say holds, with
//! these differences:
//!
//! - `http.route` and the span name come from actix's match pattern
//!   (`HttpRequest::match_pattern`: `/users/{id}`, scopes included), read from the
//!   routed request when the response is ready: the middleware runs before routing, and
//!   looking the pattern up by the path at the start would run the router's regular
//!   expressions twice. So a sampler sees the span named `{method}` without
//!   `http.route`; the exported span and the metric have both. A request that panics
//!   or is dropped before its response has no routed request to read: its route is
//!   the app's routes matched against its path then. An error an inner middleware
//!   returns leaves them out.
//! - `client.address` and `network.peer.*` are the connection's peer, always known to
//!   actix; behind a proxy, [`trust_forwarded_headers`](crate::ServerLayer::trust_forwarded_headers)
//!   takes `client.address` from `Forwarded` / `X-Forwarded-For` as in the tower layer
//!   (actix's own `ConnectionInfo::realip_remote_addr` trusts them always, so it is not
//!   used).
//! - `url.scheme` is `https` on a listener actix serves over TLS (its `AppConfig`
//!   knows), else as in the tower layer.
//! - Errors: actix renders a handler's (or an inner middleware's) error as a response,
//!   so the status rules decide (5xx an error, 4xx not), and a 5xx rendered from an
//!   error is also one `http.server.request.exception` log record.
//! - The hooks see actix's `ServiceRequest` and the response's `ResponseHead`.
//! - Its Java-agent switch is `OTEL_INSTRUMENTATION_ACTIX_WEB_ENABLED` (with
//!   `..._HTTP_SERVER_ENABLED`, which turns both server front-ends off).
//!
//! [`ServerSpan::current()`](crate::ServerSpan::current) works in handlers as with axum.

mod future;
mod head;
mod middleware;

pub use future::ResponseFuture;
pub use middleware::{ServerMiddleware, ServerMiddlewareService};
