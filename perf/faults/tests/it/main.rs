//! The reliability tests of perf/faults, one binary, each driving the `faults-service`
//! binary as a child process: collector faults under load (`faults`) and SIGTERM under
//! load (`sigterm`), both when `TEST_RELIABILITY` is set; the soak (`soak`, when
//! `TEST_SOAK_SECONDS` is set); and the span queue's bound in bytes (`queue_bound`, in
//! a child process of this binary, so that allocations are counted for it only).
//!
//! `.ci/run` runs the soak from this binary alone (`soak::...` with `--exact`) beside
//! the workspace's tests, then `faults::` and `sigterm::` with `--test-threads=1`.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

// Counts allocations for `queue_bound` (otel-kit-testing's `allocations`).
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

mod faults;
mod matrix;
mod queue_bound;
mod sigterm;
mod soak;
