//! What a stretch of code allocates, for tests that bound the memory a call may use.
//!
//! The counts come from `stats_alloc` installed as the test binary's global allocator
//! ([`COUNTING_ALLOCATOR`]); it holds the `unsafe impl GlobalAlloc`, as this workspace
//! forbids unsafe code. Its counters are the process's: every thread's allocations,
//! which is what a bound on a call that hands work to other threads (a runtime's
//! workers, SQLite's connection thread, a batch processor's worker) must see. So a
//! measuring test runs [`alone`](crate::alone): in a child process of the same test
//! binary that runs only that test, while the binary's other tests run in parallel in
//! the parent.
//!
//! ```standalone_crate
//! use otel_kit_testing::allocations::{self, COUNTING_ALLOCATOR, CountingAllocator};
//!
//! #[global_allocator]
//! static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;
//!
//! fn main() {
//!     let (text, cost) = allocations::measure("a 1 KiB string", 1024, || "x".repeat(1024));
//!     assert_eq!(text.len(), 1024);
//!     assert!(cost.allocated >= 1024, "{} B", cost.allocated);
//!     assert_eq!(cost.net, 1024, "the string is still held");
//! }
//! ```
//!
//! In a test (the test's full name as `cargo test -- --list` prints it):
//!
//! ```no_run
//! # use otel_kit_testing::{allocations, alone};
//! #[test]
//! fn a_megabyte_is_copied_once() {
//!     alone("oversized_input::a_megabyte_is_copied_once", || {
//!         let input = vec![0_u8; 1 << 20];
//!         let (_, cost) = allocations::measure("copy", input.len(), || input.clone());
//!         assert!(cost.allocated < 2 * input.len());
//!     });
//! }
//! ```

use std::alloc::System;
use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

/// The type of [`COUNTING_ALLOCATOR`], for the `#[global_allocator]` static.
pub type CountingAllocator = &'static StatsAlloc<System>;

/// The system allocator, counting every allocation of the process. A test binary that
/// measures declares it as its global allocator:
/// `#[global_allocator] static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;`.
pub const COUNTING_ALLOCATOR: CountingAllocator = &INSTRUMENTED_SYSTEM;

/// What one measured call cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Wall time of the call.
    pub elapsed: Duration,
    /// Bytes allocated during the call, by every thread of the process: an upper bound
    /// on the peak above what was allocated before.
    pub allocated: usize,
    /// Bytes allocated minus bytes freed during the call: what it left held.
    pub net: isize,
    /// Allocations made during the call.
    pub allocations: usize,
    /// Deallocations made during the call.
    pub deallocations: usize,
}

/// Runs `f`, prints what it cost (`what`, the input's size, time, bytes allocated and
/// their ratio to the input, net bytes) and returns its output with the [`Cost`].
///
/// # Panics
///
/// If [`COUNTING_ALLOCATOR`] is not this binary's global allocator: every count would
/// read zero and every bound would hold.
pub fn measure<T>(what: &str, input: usize, f: impl FnOnce() -> T) -> (T, Cost) {
    let measurement = Measurement::start();
    let out = f();
    (out, measurement.finish(what, input))
}

/// A measurement under way, for code that cannot be a closure (an `.await` inside an
/// `async` block): [`measure`] in two halves.
#[derive(Debug)]
pub struct Measurement {
    region: Region<'static, System>,
    start: Instant,
}

impl Measurement {
    /// Starts counting.
    ///
    /// # Panics
    ///
    /// If [`COUNTING_ALLOCATOR`] is not this binary's global allocator.
    pub fn start() -> Measurement {
        assert_counting();
        Measurement {
            region: Region::new(&INSTRUMENTED_SYSTEM),
            start: Instant::now(),
        }
    }

    /// Stops counting, prints what it cost as [`measure`] does, and returns the [`Cost`].
    pub fn finish(self, what: &str, input: usize) -> Cost {
        let elapsed = self.start.elapsed();
        let change = self.region.change();
        let net = change.bytes_allocated as isize - change.bytes_deallocated as isize;
        let ratio = if input == 0 {
            String::new()
        } else {
            format!(
                " ({:.2}x the input)",
                change.bytes_allocated as f64 / input as f64
            )
        };
        println!(
            "{what}: input {input} B, {elapsed:?}, allocated {} B{ratio}, net {net} B",
            change.bytes_allocated
        );
        Cost {
            elapsed,
            allocated: change.bytes_allocated,
            net,
            allocations: change.allocations,
            deallocations: change.deallocations,
        }
    }
}

/// Checks that the counting allocator is installed: a box must be counted.
fn assert_counting() {
    let region = Region::new(&INSTRUMENTED_SYSTEM);
    drop(std::hint::black_box(Box::new(0_u64)));
    assert!(
        region.change().allocations > 0,
        "otel-kit-testing: allocations are not counted; declare \
         `#[global_allocator] static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;` \
         in the test binary"
    );
}
