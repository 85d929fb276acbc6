//! otel-kit-init's integration tests, in one binary: one build and one link for all of
//! them. A module per part of the crate; what the tests share is in `support`.
//!
//! The tests run in parallel in one process, so none of them may install anything
//! process-wide (the OpenTelemetry globals, a global `tracing` subscriber, the global
//! propagator) in it: those that must re-run themselves alone in a child process
//! ([`support::own_process`]), as do those that count allocations or find threads by
//! name. Every other `init()` keeps the globals off, and every one reads an injected
//! environment (`Builder::environment`), never the process's.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

mod baggage;
mod batch;
mod cardinality;
mod config;
#[cfg(feature = "config-file")]
mod config_file;
mod control;
mod init;
mod otlp_export;
mod prometheus;
mod propagation;
mod redaction;
mod resource;
#[cfg(feature = "runtime-metrics")]
mod runtime_metrics;
mod sampling;
mod subscriber;
mod support;

/// Counts every allocation of the process, for the tests that bound what a call
/// allocates (`propagation::oversized_input`); it holds the
/// `unsafe impl GlobalAlloc` this workspace forbids in its own code.
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;
