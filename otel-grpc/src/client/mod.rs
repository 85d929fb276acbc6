//! The client side: a tower layer around a tonic `Channel`
//! (`ServiceBuilder::new().layer(ClientLayer::new(endpoint.uri())).service(channel)`)
//! that gives each call a CLIENT span and an `rpc.client.call.duration` point, and
//! injects the span's context into the request metadata with the global propagator.
//!
//! - The span is named `package.Service/Method` (a generated client only sends the
//!   methods of its service, so the method is recorded as is), with
//!   `rpc.system.name`, `rpc.method`, and `server.address` / `server.port` from the
//!   channel's target, the URI [`ClientLayer::new`] is given (never a resolved peer),
//!   or, when the request URI carries an authority, from it; when that host is an IP
//!   address, it is also `network.peer.address` / `network.peer.port`.
//! - The call ends when the response stream ends; its status comes from the response
//!   headers (trailers-only) or the trailers. A call that fails below gRPC gets the
//!   code tonic reports for it (a server that is down is `UNAVAILABLE`). Every code
//!   but `OK` makes the span an error, `CANCELLED` included: a call its caller drops
//!   before it ends (not past its deadline) is `CANCELLED`, an error, as the gRPC
//!   conventions say of every code but `OK` on the client.

mod layer;
mod service;
mod target;

pub use layer::{ClientLayer, ClientService, ClientSide};
