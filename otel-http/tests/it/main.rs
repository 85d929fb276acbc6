//! otel-kit-http's integration tests, one binary: the actix-web middleware (`actix`), the
//! tokio runtime metrics of actix's worker runtimes (`actix_runtimes`), the awc
//! middleware against an actix server (`awc`), propagation by hand over both header maps
//! (`propagation`), the client middleware (`client`,
//! `client_chain`, `client_errors`, `client_metrics`, its hooks in `client_hooks`), the
//! server layer (`server`, `server_context`, `server_errors`, `server_metrics`, its hooks in
//! `server_hooks`, the server span from handlers in `server_span`, HTTPS and reverse
//! proxies in `server_origin`), the incoming context counted on the tower layer and
//! actix (`incoming_context`) and scraped by Prometheus with the sampler's metrics
//! (`context_scraped`), providers passed
//! in to 50 tests in parallel
//! (`parallel_providers`), interop with the Python OpenTelemetry SDK
//! (`python_interop`, its scripts in `python/`) and oversized headers
//! (`oversized_input`), the tower client layer around hyper-util's client
//! (`tower_client`), and credentials kept out of spans by both sides (`credentials`).
//! `support` holds the servers and clients the tests share.
//!
//! Tests that install the harness globally run one at a time (the harness's global
//! lock); the others run in parallel. `oversized_input` runs each case alone in a
//! child process of this binary, so that allocations are counted for it only.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

// Counts allocations for `oversized_input` (otel-kit-testing's `allocations`).
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

mod actix;
mod actix_runtimes;
mod awc;
mod client;
mod client_chain;
mod client_errors;
mod client_hooks;
mod client_metrics;
mod context_scraped;
mod credentials;
mod incoming_context;
mod java_switches;
mod oversized_input;
mod parallel_providers;
mod propagation;
mod python_interop;
mod request_caps;
mod server;
mod server_context;
mod server_errors;
mod server_hooks;
mod server_metrics;
mod server_origin;
mod server_span;
mod support;
mod tower_client;
mod unsampled_cost;
