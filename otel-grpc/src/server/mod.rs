//! The server side: a tower layer for `tonic::transport::Server::builder().layer(...)`
//! that gives each call a SERVER span and an `rpc.server.call.duration` point.
//!
//! - The caller's context is extracted from the request metadata with the global
//!   propagator; the span is started from the global tracer provider, with
//!   `rpc.system.name`, `server.address` / `server.port` (from `:authority`),
//!   `network.peer.address` / `network.peer.port` (from tonic's `TcpConnectInfo`) and
//!   the captured request metadata present at start.
//! - The span is named `package.Service/Method`. Which methods exist: the layer sits
//!   outside tonic's router and cannot see the registered services, so either the
//!   services are declared ([`ServerLayer::known_services`],
//!   [`ServerLayer::known_service`]) and any other path is `_OTHER` from the start, or
//!   (the default) a call answered `UNIMPLEMENTED` (what tonic's router and generated
//!   services answer for a path they do not serve) is recorded as `_OTHER`, with the
//!   path's method in `rpc.method_original` and the span renamed `grpc`. In the
//!   default mode a method is known once a call to it has ended with another status:
//!   from then on `rpc.method` is set
//!   when the span starts, where samplers see it; for the first calls of a method it is
//!   set when the call ends, since until then the layer cannot tell whether the method
//!   exists and the conventions ask for `_OTHER` in that case. Declare the services to
//!   have it at the start of every call.
//! - The call ends when the response stream ends: the status comes from the
//!   response headers (trailers-only responses) or from the trailers. Only
//!   `UNKNOWN`, `DEADLINE_EXCEEDED`, `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE` and
//!   `DATA_LOSS` make the span an error. A call the client cancels is `CANCELLED`
//!   (`DEADLINE_EXCEEDED` once its `grpc-timeout` has passed).
//! - [`DEFAULT_EXCLUDED_SERVICES`](crate::DEFAULT_EXCLUDED_SERVICES) get no span and
//!   no metric; their handler still runs in the caller's context.
//! - The application's hooks run when set (see [`ServerLayer::exclude_when`] and the
//!   methods after it), and a recorded span is stored in the call's context, so handler
//!   code reaches it as [`ServerSpan::current()`](crate::ServerSpan::current) from inside
//!   its own spans.

mod layer;
mod service;
mod start;

pub use layer::{ServerLayer, ServerService};
