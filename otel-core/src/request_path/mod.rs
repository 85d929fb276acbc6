//! The request path's machinery, shared by every instrumentation crate of the kit and
//! named by them through `__private`: from resolving the providers to ending the call.
//!
//! - Providers and scope: `resolver` ([`Resolver`](resolver::Resolver), the one way
//!   every instrumentation resolves its providers per request, with its `Instruments`
//!   and per-thread `Cache`, written by `instruments_cache!` in `instruments_cache`),
//!   `scope` ([`Scope`](scope::Scope), a crate's instrumentation scope, built once),
//!   `duration_histogram` (the one way a duration histogram is built, and the HTTP and
//!   RPC durations' advisory buckets), `bound_instruments` (whether this process's SDK
//!   binds), `bound_histograms` (histograms bound per attribute set, found by the
//!   instrumentation's own key), `shared_names` (span and method names kept for the
//!   process, within a byte budget).
//! - Starting the span: `carrier` (`BoundedExtractor`, the one propagation carrier over
//!   any `HeaderSource`), `incoming_context` (the state of a request's trace headers and
//!   its counter), `server_context` (the context a server's handler runs in),
//!   `head_sampling` (the sampler asked before a span is built), `hooks` (`Hooks`, the
//!   application's hooks on a layer), `network` (a client's peer when its server is an IP
//!   address).
//! - The call in flight: `call` (`CallFuture`, the one future a call runs in),
//!   `instrumented_service` (the service every tower front end wraps around the inner
//!   one), `response_future` (the front ends' response future over a `CallFuture`).
//! - Ending it in error: `error_type` (`error.type` of a Rust type, a panic, a
//!   cancellation), `exception` (the exception event, and the bound on every error
//!   message, from `message_bound`), `panic_payload` (what a caught panic says).

pub mod bound_histograms;
pub mod bound_instruments;
pub mod call;
pub mod carrier;
pub(crate) mod duration_histogram;
pub mod error_type;
pub mod exception;
pub mod head_sampling;
pub mod hooks;
pub mod incoming_context;
pub mod instrumented_service;
mod instruments_cache;
mod message_bound;
pub mod network;
pub mod panic_payload;
pub(crate) mod resolver;
pub mod response_future;
pub(crate) mod scope;
pub mod server_context;
pub mod shared_names;
