//! What the kit costs the servers of perf/http-peers in memory, counted by the allocator
//! (this binary's global allocator, otel-kit-testing's `allocations`): allocations per
//! realistic request, and the heap each in-flight request holds. Each variant is served
//! in a child process of this binary ([`child`]): the counts are the process's, and
//! `init()` and plain's subscriber are both global.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

mod allocations;
mod child;
mod client;
mod in_flight;
