//! An outgoing request, whichever client sends it: what the reqwest middleware
//! ([`client`](crate::client), [`ClientMiddleware`](crate::ClientMiddleware)) and the
//! tower layer ([`tower_client`](crate::tower_client), [`ClientLayer`](crate::ClientLayer))
//! share, so that both follow one set of client rules.
//!
//! - [`config`]: the configuration both keep (header capture and known methods from the
//!   builder or the switches, the propagation filter, the hooks, the resolver), and the
//!   builder methods they share; a [`Frontend`] says what differs (the hooks' argument
//!   types, the switches' names).
//! - [`start`]: the request-side facts read once (`http.request.method`, `url.full`
//!   redacted, `server.address`/`server.port` from the request's [`Target`], `url.template`,
//!   `http.request.resend_count`), the hooks' results, the CLIENT span started with
//!   `service.peer.name`, the context injected, request headers captured, the
//!   nested-request marker set.
//! - [`call`]: the [`Call`](call::Call) in flight and how it ends (a response, a failure,
//!   a panic, a cancellation) on the span, the `http.client.request.duration` point and
//!   the exception event.
//! - [`extensions`]: the per-request settings a caller attaches ([`UrlTemplate`],
//!   [`NoPropagation`]) and the markers the front-ends keep (the active request, the
//!   attempts sent so far).
//! - [`instruments`]: the duration histogram.
//!
//! Each front-end reads its own request type into these pieces, calls its own hooks with
//! its own arguments, and classifies its own errors; nothing else is its own.

pub(crate) mod call;
pub(crate) mod config;
pub(crate) mod extensions;
pub(crate) mod instruments;
pub(crate) mod start;

pub(crate) use config::Config;
pub use extensions::{NoPropagation, UrlTemplate};
pub(crate) use start::Target;
