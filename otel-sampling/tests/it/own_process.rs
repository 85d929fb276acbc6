//! Running one test alone in a child process of this binary, through
//! [`otel_kit_testing::ran_alone`], as a guard at the top of the test, which also suits
//! `async` tests.
//!
//! All of otel-kit-sampling's integration tests share one binary and run in parallel. A test
//! that installs something process-wide (the OpenTelemetry globals, a global `tracing`
//! subscriber, the global propagator), counts the process's allocations, or finds a
//! worker thread by its name would see, or change, what the others do. Such a test
//! starts with
//!
//! ```ignore
//! if ran_in_own_process(module_path!(), "the_test_function") {
//!     return;
//! }
//! ```
//!
//! In the shared process that runs the test again, alone, in a child process, and
//! passes only if it passed there; in the child it does nothing, and the test goes on.

/// `true` in the shared test process, after the test `name` of `module` (the caller's
/// `module_path!()`) ran alone in a child process and passed there; `false` in that
/// child, which then runs the test's body (see [`otel_kit_testing::ran_alone`]).
pub(crate) fn ran_in_own_process(module: &str, name: &str) -> bool {
    // The harness names tests by their path without the crate (`it::`).
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    otel_kit_testing::ran_alone(&format!("{module}::{name}"))
}
