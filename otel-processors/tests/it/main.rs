//! otel-kit-processors' integration tests, in one binary: one build and one link for all
//! of them. A module per part of the crate; what the tests share is in `support`. Each
//! builds the SDK's providers with this crate's processors, as any SDK user would.
//!
//! The tests run in parallel in one process, so those that install something
//! process-wide (a global `tracing` subscriber), count allocations or find threads by
//! name re-run themselves alone in a child process ([`support::own_process`]).

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

mod baggage;
mod batch;
mod redaction;
mod support;

/// Counts every allocation of the process, for the tests that bound what a call
/// allocates (`redaction::alloc`); it holds the `unsafe impl GlobalAlloc` this workspace
/// forbids in its own code.
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;
