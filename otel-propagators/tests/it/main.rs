//! otel-kit-propagators' integration tests, in one binary: one build and one link for
//! all of them.
//!
//! The tests run in parallel in one process, so none of them may install anything
//! process-wide (the global propagator, a global `tracing` subscriber) in it: those
//! that must re-run themselves alone in a child process (`support::own_process`), as
//! do those that count allocations.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

mod baggage;
mod carriers;
mod global;
mod oversized_input;
mod properties;
mod roundtrip;
mod support;
mod untraced;
mod upstream;

/// Counts every allocation of the process, for the tests that bound what a call
/// allocates (`oversized_input`); it holds the `unsafe impl GlobalAlloc` this workspace
/// forbids in its own code.
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;
