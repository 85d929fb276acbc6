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
//!   path's method in `rpc.method_original` and the span renamed `grpc`. Either way
//!   `rpc.method` and the span name are set when the span starts, where samplers see
//!   them, for every well-formed path of a service that is not excluded: in the default
//!   mode, a call to a method not yet known to exist (no call to it has ended with
//!   another status) starts with the path's method, and is corrected when it ends
//!   `UNIMPLEMENTED` (`rpc.method = _OTHER`, `rpc.method_original`, the span renamed
//!   `grpc`, the duration point recorded with `_OTHER`), as the conventions ask of a
//!   method the server does not have. The SDK keeps both values of `rpc.method`; the
//!   kit's exporters send the last. Method names are shared only once known to exist.
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

pub use layer::{ServerLayer, ServerService, ServerSide};
