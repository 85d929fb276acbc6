//! The client side: [`ClientMiddleware`] for
//! [reqwest-middleware](https://docs.rs/reqwest-middleware), following the HTTP
//! semantic conventions 1.45 for client spans and `http.client.request.duration`.
//!
//! # Spans
//!
//! Each attempt gets one span of kind CLIENT, a child of [`opentelemetry::Context::current`]
//! (with `tracing-opentelemetry`'s context activation, the current `tracing` span). Its
//! name is `{method}`, or `{method} {template}` when the request carries a
//! [`UrlTemplate`]; an unknown method (see [`KnownMethods`](crate::conventions::KnownMethods))
//! names it `HTTP`. Attributes:
//!
//! | attribute | when |
//! | --- | --- |
//! | `http.request.method` (+ `http.request.method_original`) | always (`_OTHER` for unknown methods) |
//! | `url.full` | always, credentials and signed query values redacted |
//! | `server.address`, `server.port` | always; the port is the effective one (443 for `https` without a port) |
//! | `url.template` | with a [`UrlTemplate`] |
//! | `http.request.resend_count` | from the second attempt on (1, 2, ...) |
//! | `http.response.status_code` (int) | when a response arrived |
//! | `network.protocol.version` | when a response arrived (`1.1`, `2`, ...) |
//! | `error.type` | status code (`"404"`, `"503"`) for 400 and above, or the transport failure: `timeout`, `connect`, `redirect`, `body`, `decode`, `request`, `builder`, `middleware`, `_OTHER`; none when the caller cancelled the request (see below) |
//! | `http.request.header.*`, `http.response.header.*` | opt-in, see [`ClientMiddleware::capture_headers`] |
//!
//! Status: Error for any status code of 400 and above (the client rule: the caller did
//! not get what it asked for) and for every transport error, whose description lists
//! the error's causes (never the URL).
//!
//! # Exception events
//!
//! A request that raised (the chain below returned `Err`: a transport or a middleware
//! error) is also one `http.client.request.exception` log record, severity WARN, in the
//! span's context, with `exception.type` (`reqwest::error::Error`, or `anyhow::Error`
//! for a middleware's) and `exception.message` (the status description). A panic below
//! the middleware is one too (`exception.type = "panic"`). A response, whatever its
//! status, is none: a 404 is an answer, not an exception. See `docs/errors.md`.
//!
//! # Hooks
//!
//! [`ClientMiddleware::exclude_when`] (no span, no metric, the context still injected),
//! [`span_name`](ClientMiddleware::span_name),
//! [`span_attributes_from_request`](ClientMiddleware::span_attributes_from_request)
//! (before the span starts, so samplers see them),
//! [`span_attributes_from_response`](ClientMiddleware::span_attributes_from_response) and
//! [`metric_attributes_from_request`](ClientMiddleware::metric_attributes_from_request)
//! (bounded values only) shape what is recorded.
//!
//! # Propagation
//!
//! The span's context is injected into the request headers with the global propagator
//! ([`opentelemetry::global::get_text_map_propagator`]), so the server's span becomes a
//! child of the CLIENT span. Add the [`NoPropagation`] extension to a request, or set
//! [`ClientMiddleware::propagate_if`], to keep trace context away from third parties.
//!
//! # Metric
//!
//! `http.client.request.duration` (histogram, seconds, the conventions' boundaries)
//! with `http.request.method`, `server.address`, `server.port`,
//! `http.response.status_code`, `error.type` and `network.protocol.version` where
//! known, recorded with the span's context current.
//!
//! # Where to put it in the chain
//!
//! Middlewares run in the order they are added. Put `ClientMiddleware` after (inside)
//! a retry middleware: the retry middleware then runs it once per attempt, and each
//! attempt gets its own span, the second with `http.request.resend_count` 1. Attempts
//! are counted in the request's extensions, so an `Extensions` reused for a new
//! request through `execute_with_extensions` keeps counting. Put before the retry
//! middleware, it records one span for all attempts. Redirects are followed inside
//! reqwest and are not counted.
//!
//! Two `ClientMiddleware`s in one chain (a library's and the application's, say)
//! record one span: the inner one sees that the outer one is already tracing this
//! request, through a marker kept both in the request's extensions and in the context
//! while the rest of the chain runs, and passes the request on untouched. A different
//! request made while the chain runs (a token fetch from a middleware, with its own
//! extensions) gets its own span, a child of this one.
//!
//! # Globals
//!
//! The tracer, meter and propagator are read from the OpenTelemetry globals on every
//! request, so a client built before the providers are installed still reports to
//! them.
//!
//! # Cancellation
//!
//! A request whose future the caller drops before the response arrives (its own
//! `tokio::time::timeout` around `send`, a `select!`, an aborted task) was cancelled on
//! purpose, which the HTTP conventions (1.41 and later) say is not an error: its span
//! ends with status Unset, no `error.type` and no `http.response.status_code`, and its
//! duration is recorded the same way, so cancellations do not count as client errors.
//! A reqwest timeout (`RequestBuilder::timeout`) is not a cancellation: the request
//! failed, with `error.type = "timeout"`.
//!
//! ```
//! use otel_kit_http::{ClientMiddleware, UrlTemplate};
//!
//! # async fn run() -> Result<(), reqwest_middleware::Error> {
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(ClientMiddleware::default())
//!     .build();
//! let response = client
//!     .get("http://localhost:8080/users/42")
//!     .with_extension(UrlTemplate::new("/users/{id}"))
//!     .send()
//!     .await?;
//! # drop(response);
//! # Ok(())
//! # }
//! ```

mod middleware;
mod outcome;

pub use crate::outgoing::{NoPropagation, UrlTemplate};
pub use middleware::ClientMiddleware;
