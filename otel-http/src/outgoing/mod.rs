//! An outgoing request, whichever client sends it: [`ClientLayer<F>`](ClientLayer), the
//! one client builder, and the core every framework's front-end shares (tower's layer
//! in `tower_client`, reqwest-middleware's in `client`, awc's in `awc`), so that all
//! follow one set of client rules.
//!
//! - [`layer`]: the builder and its methods, written once over the framework `F`.
//! - [`framework`]: [`ClientFramework`], the types a framework's hooks see, the hook
//!   signatures made from them, and, sealed, what the core needs of a framework besides
//!   them (its names, its settings, its cache); tower's implementation (the default
//!   framework).
//! - [`config`]: what a builder keeps (header capture and known methods from the
//!   builder or the switches, the propagation filter, the hooks, the resolver, what the
//!   framework alone keeps).
//! - [`start`]: the request-side facts read once (`http.request.method`, `url.full`
//!   redacted, `server.address`/`server.port` from the request's [`Target`], `url.template`,
//!   `http.request.resend_count`), the hooks' results, the CLIENT span started with
//!   `server.service.name`, the context injected, request headers captured, the
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
pub(crate) mod framework;
pub(crate) mod instruments;
mod layer;
pub(crate) mod start;

pub(crate) use config::Config;
pub use extensions::{NoPropagation, UrlTemplate};
pub use framework::ClientFramework;
pub use layer::ClientLayer;
pub(crate) use start::Target;
