//! The client side over tower: [`ClientLayer`] around any
//! `tower::Service<http::Request<B>>` HTTP client (hyper-util's legacy client, clients
//! generated over tower), following the same client conventions as the reqwest
//! middleware (`ClientMiddleware`): one core, two front-ends.
//!
//! ```
//! use http_body_util::Empty;
//! use hyper_util::client::legacy::Client;
//! use hyper_util::rt::TokioExecutor;
//! use otel_kit_http::{ClientLayer, UrlTemplate};
//! use tower::ServiceExt as _;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
//! let traced = tower::ServiceBuilder::new().layer(ClientLayer::new()).service(client);
//! let request = http::Request::get("http://localhost:8080/users/42")
//!     .extension(UrlTemplate::new("/users/{id}"))
//!     .body(Empty::new())?;
//! let response = traced.oneshot(request).await?;
//! # drop(response);
//! # Ok(())
//! # }
//! ```
//!
//! # Spans
//!
//! Each request sent through the layer gets one span of kind CLIENT, a child of
//! [`opentelemetry::Context::current`] when the service is called, named `{method}`, or
//! `{method} {template}` when the request carries a [`UrlTemplate`](crate::UrlTemplate)
//! extension; an unknown method names it `HTTP`. Its attributes are the reqwest
//! middleware's (the `client` module's table): `http.request.method`,
//! `url.full` (credentials and signed query values redacted), `server.address` and
//! `server.port`, `url.template`, `http.request.resend_count`,
//! `http.response.status_code`, `network.protocol.version`, `error.type`,
//! `server.service.name` ([`Providers::peer_services`](crate::Providers::peer_services)),
//! captured headers ([`ClientLayer::capture_headers`], or the Java agent's
//! `OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_*_HEADERS`).
//!
//! Where the request goes is read from its URI in absolute form (`http://host:port/path`,
//! what hyper-util's client requires); a request in origin form (`/path`, as hyper's
//! connection-level `SendRequest` takes) is read from its `Host` header, as `http`.
//!
//! The span ends when the response head arrives: status Error with `error.type` the
//! status code for 400 and above (the client rule). A request the client failed (it
//! returned an error) is status Error with the description `error.type: message: causes`
//! and one `http.client.request.exception` log record (WARN, in the span's context,
//! `exception.type` the error's type). Its `error.type` is `timeout` or `connect` when
//! an I/O error among the error's sources says so (a connect timeout; a refused or
//! unreachable connection), else the error's type path
//! (`hyper_util::client::legacy::client::Error`). A panic below the layer is
//! `error.type = "panic"` and one exception event, and unwinds on.
//!
//! # Cancellation
//!
//! A request whose future the caller drops before the response arrives (a timeout
//! around the call, tower's `Timeout` outside the layer, a `select!`) was cancelled on
//! purpose, which the HTTP conventions (1.41 and later) say is not an error: its span
//! ends with status Unset, no `error.type` and no `http.response.status_code`, and its
//! duration is recorded the same way.
//!
//! # Where to put it in the stack
//!
//! Around the client itself, below the layers that retry or give up: the inner
//! service's error must implement `std::error::Error` (hyper-util's does; tower's
//! `BoxError`, which `Timeout` and `Buffer` return, does not). Under tower's `Retry`
//! each attempt is a span of its own; the retry policy marks its copies with
//! [`mark_resend`] so that the second attempt carries `http.request.resend_count` 1,
//! as the reqwest middleware's does under a retry middleware. Two `ClientLayer`s around
//! one client (or a `ClientLayer` around a client that a `ClientMiddleware` also traces
//! with the same extensions) record one span, the outer one.
//!
//! # Propagation, hooks, metric
//!
//! The span's context is injected into the request headers with the propagator, unless
//! the request carries [`NoPropagation`](crate::NoPropagation) or
//! [`ClientLayer::propagate_if`] refuses its head. The hooks are the kit's
//! (`exclude_when`, `span_name`, `span_attributes_from_request`,
//! `span_attributes_from_response`, `metric_attributes_from_request`, `providers`), over
//! the request head (`http::request::Parts`). `http.client.request.duration` is recorded
//! as the reqwest middleware records it, in the span's context. The switches are
//! `OTEL_INSTRUMENTATION_HTTP_CLIENT_ENABLED` and `OTEL_INSTRUMENTATION_TOWER_CLIENT_ENABLED`.

mod future;
mod layer;
mod outcome;
mod resend;
mod service;

pub use crate::ClientLayer;
pub use future::ResponseFuture;
pub use layer::ClientService;
pub use resend::mark_resend;
