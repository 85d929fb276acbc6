//! Running one test alone in a child process of this binary, through
//! [`otel_kit_testing::ran_alone`], as a guard at the top of a test that counts the
//! process's descriptors or memory, which the tests running beside it would change:
//!
//! ```ignore
//! if ran_in_own_process(module_path!(), "the_test_function") {
//!     return;
//! }
//! ```

/// `true` in the shared test process, after the test `name` of `module` (the caller's
/// `module_path!()`) ran alone in a child process and passed there; `false` in that
/// child, which then runs the test's body.
pub(crate) fn ran_in_own_process(module: &str, name: &str) -> bool {
    // The harness names tests by their path without the crate (`it::`).
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    otel_kit_testing::ran_alone(&format!("{module}::{name}"))
}
