//! The client side for awc, actix's HTTP client: [`ClientMiddleware`], put on the client
//! with `awc::ClientBuilder::wrap`, following the same client conventions as the reqwest
//! middleware (`ClientMiddleware`) and the tower layer (`ClientLayer`): one core, three
//! front-ends.
//!
//! ```
//! use otel_kit_http::awc::ClientMiddleware;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = awc::ClientBuilder::new().wrap(ClientMiddleware::default()).finish();
//! let response = client.get("http://localhost:8080/users/42").send().await?;
//! # drop(response);
//! # Ok(())
//! # }
//! ```
//!
//! | what | value |
//! | --- | --- |
//! | span | one CLIENT span per request sent (per redirect hop: awc follows redirects outside every middleware), a child of the current context when `send()` is called, named `{method}` (`HTTP` for an unknown method) |
//! | span attributes | `http.request.method`, `url.full` (credentials and signed query values redacted), `server.address`, `server.port`, `http.response.status_code`, `network.protocol.version`, `error.type`, `server.service.name`, captured headers |
//! | metric | `http.client.request.duration` (seconds): method, server address and port, status code, protocol version, `error.type` |
//! | propagation | the span's context injected into the request headers with the propagator (the global one, or [`ClientMiddleware::providers`]) unless [`ClientMiddleware::propagate_if`] refuses the request |
//! | error | status 400 and above: status Error, `error.type` the status code; awc's error: status Error, `error.type` by the table below and one `http.client.request.exception` log event |
//! | switches | `OTEL_INSTRUMENTATION_HTTP_CLIENT_ENABLED`, `OTEL_INSTRUMENTATION_AWC_ENABLED` |
//!
//! | `error.type` | when |
//! | --- | --- |
//! | `timeout` | the client's timeout (`awc::ClientBuilder::timeout`, 5 s by default) or the connector's connect timeout fired |
//! | `connect` | no connection: refused, unreachable, DNS, TLS |
//! | `request` | sending, or reading the response head, failed after connecting |
//! | `body` | the request body failed |
//! | `builder` | the request could not be sent as built |
//! | `_OTHER` | any other error awc returns |
//!
//! The span ends when the response head arrives: reading the body afterwards is not
//! included.
//!
//! # With the actix-web middleware
//!
//! In an actix-web service the handler's SERVER span is current when it sends, so the
//! CLIENT span is its child. awc's `Client` is not `Send`: build one per worker, in the
//! app factory.
//!
//! ```no_run
//! use actix_web::error::ErrorBadGateway;
//! use actix_web::{App, HttpServer, web};
//! use otel_kit_http::actix::ServerMiddleware;
//! use otel_kit_http::awc::ClientMiddleware;
//!
//! async fn checkout(client: web::Data<awc::Client>) -> actix_web::Result<String> {
//!     // A child of the request's SERVER span, `traceparent` injected.
//!     let mut stock = client.get("http://inventory.internal:8080/items/42").send().await.map_err(ErrorBadGateway)?;
//!     Ok(format!("{:?}", stock.body().await?))
//! }
//!
//! # fn main() -> std::io::Result<()> {
//! let server = HttpServer::new(|| {
//!     // awc's `Client` is not `Send`: one per worker, built in the factory.
//!     let client = awc::ClientBuilder::new().wrap(ClientMiddleware::default()).finish();
//!     App::new()
//!         .wrap(ServerMiddleware::default())
//!         .app_data(web::Data::new(client))
//!         .route("/checkout", web::post().to(checkout))
//! });
//! # let _ = server; Ok(()) }
//! ```
//!
//! # Timeouts and cancellation
//!
//! awc applies its timeout outside every middleware, and drops the request inside when
//! it fires. The middleware therefore needs the client's timeout
//! ([`ClientMiddleware::client_timeout`]; awc's default, 5 s, when not set): a request
//! dropped once it has run that long ends as awc's `SendRequestError::Timeout` (status
//! Error, `error.type` `timeout`, the exception event). One the caller drops earlier
//! (its own timeout, a `select!`) was cancelled on purpose, which the HTTP conventions
//! say is not an error: status Unset, no `error.type`, its duration recorded the same
//! way.
//!
//! # Not traced
//!
//! WebSocket handshakes (`Client::ws`) are sent as they are. The request head awc hands
//! to middleware carries no extensions, so the per-request [`UrlTemplate`](crate::UrlTemplate)
//! and [`NoPropagation`](crate::NoPropagation) of the other clients have no awc
//! counterpart: name spans with [`ClientMiddleware::span_name`] and refuse propagation
//! with [`ClientMiddleware::propagate_if`].

mod future;
mod middleware;
mod outcome;
mod service;

pub use future::ResponseFuture;
pub use middleware::{ClientMiddleware, ClientService};
