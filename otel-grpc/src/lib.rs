//! OpenTelemetry layers for tonic gRPC servers and clients, following the RPC
//! semantic conventions 1.45 (`rpc.system.name`, fully qualified `rpc.method`,
//! `rpc.status_code` as a string, `rpc.{server,client}.call.duration`).
//!
#![cfg_attr(all(feature = "server", feature = "client"), doc = "```no_run")]
#![cfg_attr(not(all(feature = "server", feature = "client")), doc = "```ignore")]
//! use otel_kit_grpc::{ClientLayer, ServerLayer};
//! use tonic::transport::{Endpoint, Server};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::builder().layer(ServerLayer::new());
//! // server.add_service(GreeterServer::new(MyGreeter)).serve(addr).await?;
//!
//! let endpoint = Endpoint::from_static("http://localhost:50051");
//! let channel = tower::ServiceBuilder::new()
//!     .layer(ClientLayer::new(endpoint.uri()))
//!     .service(endpoint.connect().await?);
//! // let client = GreeterClient::new(channel);
//! # let _ = (server, channel);
//! # Ok(())
//! # }
//! ```
//!
//! - [`server`]: [`ServerLayer`], one SERVER span per call, unknown methods as
//!   `_OTHER`, the server error rule.
//! - [`client`]: [`ClientLayer`], one CLIENT span per call with its context injected,
//!   the client error rule, transport failures as the code tonic reports.
//! - [`ResponseFuture`] and [`ResponseBody`]: shared by both; the status is read
//!   from the response headers (trailers-only) or from the trailers, and the span
//!   ends when the response stream ends.
//! - [`status`]: status code names and the error rules; [`method`]: `rpc.method`
//!   from the request path; [`HeaderCapture`] (`capture_headers`): opt-in metadata capture by
//!   allow-list, never `authorization`.
//!
//! - Hooks on both layers, to shape what is recorded: `exclude_when`, `span_name`,
//!   `span_attributes_from_request` (before sampling), `span_attributes_from_response`
//!   (with the [`CallOutcome`]), `metric_attributes_from_request` (bounded, at most
//!   [`MAX_METRIC_ATTRIBUTES`]); and [`ServerSpan`], the call's SERVER span from handler
//!   code inside its own `tracing` spans.
//!
//! Both read the OpenTelemetry globals (tracer, meter, propagator) that
//! `otel_kit_init::init()` installs, per thread, read again as soon as the kit sets a
//! global, unless given
//! their own [`Providers`] with `.providers(..)`.
//!
//! # Cargo features
//!
//! | feature | default | adds | pulls in |
//! | --- | --- | --- | --- |
//! | `server` | yes | [`server`]: [`ServerLayer`], [`ServerService`]; [`ServerSpan`] | tonic's `server` (hyper's server, h2, socket2), for the peer address in `TcpConnectInfo` |
//! | `client` | yes | [`client`]: [`ClientLayer`], [`ClientService`] | tonic's `channel` (hyper's client, h2, tower's balance), whose `tonic::transport::Error` gives a failed call its code; opentelemetry-http |
//!
//! A service that only serves, or only calls, turns off the default features and picks
//! its side. With neither, only the conventions are left: [`status`], [`method`],
//! [`HeaderCapture`] and [`DEFAULT_EXCLUDED_SERVICES`].

#![cfg_attr(docsrs, feature(doc_cfg))]
// With neither side, the helpers the layers share in `method`, `status`, `metadata` and
// `exclude` are unused.
#![cfg_attr(not(any(feature = "server", feature = "client")), allow(dead_code))]

// `ResponseBody`: the response stream whose end ends the call.
#[cfg(any(feature = "server", feature = "client"))]
mod body;
// `Call`: a call in flight, ended once however it ends.
#[cfg(any(feature = "server", feature = "client"))]
mod call;
// `CallOutcome` and `CallHooks`: what the hooks see.
#[cfg(any(feature = "server", feature = "client"))]
mod call_outcome;
// The client layer.
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
// The status code of a service error or a transport failure.
#[cfg(any(feature = "server", feature = "client"))]
mod error_code;
// The exception events of a call.
#[cfg(any(feature = "server", feature = "client"))]
mod exception;
// Excluded services.
mod exclude;
// `ResponseFuture`, both layers' response future.
#[cfg(any(feature = "server", feature = "client"))]
mod future;
// The duration histograms.
#[cfg(any(feature = "server", feature = "client"))]
mod instruments;
// The builder both sides share: `GrpcLayer<Side>`.
#[cfg(any(feature = "server", feature = "client"))]
mod layer;
// Metadata capture under the `rpc.request.header.<key>`, `rpc.response.header.<key>` and
// `rpc.response.trailer.<key>` names.
mod metadata;
// `rpc.method` and the span name.
pub mod method;
// `INSTRUMENTATION_SCOPE`.
mod scope;
// The server layer.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub mod server;
// Status codes and the error rules.
pub mod status;
// `grpc-timeout`.
#[cfg(any(feature = "server", feature = "client"))]
mod timeout;

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
/// otel_kit_grpc::set_global_logger_provider(SdkLoggerProvider::builder().build());
/// ```
pub use otel_kit_core::log_events::set_global_logger_provider;
pub use otel_kit_core::{HeaderCapture, PeerServiceError, PeerServices, Providers};
pub use scope::INSTRUMENTATION_SCOPE;

#[cfg(any(feature = "server", feature = "client"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "server", feature = "client"))))]
pub use body::ResponseBody;
#[cfg(any(feature = "server", feature = "client"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "server", feature = "client"))))]
pub use call::ERROR_TYPE_PANIC;
#[cfg(any(feature = "server", feature = "client"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "server", feature = "client"))))]
pub use call_outcome::CallOutcome;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{ClientLayer, ClientService};
pub use exclude::DEFAULT_EXCLUDED_SERVICES;
#[cfg(any(feature = "server", feature = "client"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "server", feature = "client"))))]
pub use future::ResponseFuture;
#[cfg(any(feature = "server", feature = "client"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "server", feature = "client"))))]
pub use layer::{GrpcLayer, LayerSide};
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use server::{ServerLayer, ServerService};

// The README and the guide use both sides.
#[cfg(all(doctest, feature = "server", feature = "client"))]
#[doc = include_str!("../README.md")]
struct Readme;

#[cfg(all(doctest, feature = "server", feature = "client"))]
#[doc = include_str!("../../docs/grpc.md")]
struct GrpcGuide;
