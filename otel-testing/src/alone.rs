//! One test alone in a process: for a test that reads process-wide state which the
//! binary's other tests, running in parallel, would disturb (allocation counts, the
//! global `tracing` dispatcher seen from every thread).

use std::process::Command;
use std::time::Duration;

/// Set, in the child process [`alone`] starts, to the name of the test it runs there.
pub const ALONE_ENV: &str = "OTEL_KIT_TESTING_ALONE";

/// Runs `body` as the only test of a process, so that nothing the binary's other tests
/// do reaches it: the allocations [`measure`](crate::allocations::measure) counts, the
/// `tracing` data of their threads that a global harness would receive.
///
/// ```no_run
/// use otel_kit_testing::{TestTelemetry, alone};
///
/// #[test]
/// fn every_span_of_the_process_is_this_tests() {
///     alone("global::every_span_of_the_process_is_this_tests", || {
///         let t = TestTelemetry::new().install_global();
///         std::thread::spawn(|| tracing::info_span!("worker").in_scope(|| {}))
///             .join()
///             .unwrap();
///         t.spans().assert_count(1);
///     });
/// }
/// ```
///
/// `test` is the calling test's full name as the harness lists it
/// (`module::test_name`). In the parent this starts the test binary again, filtered
/// to exactly that test, with [`ALONE_ENV`] set; prints the child's output; and fails
/// unless exactly that one test ran and passed. In the child, it runs `body`.
///
/// # Panics
///
/// In the parent, if the child could not be started, or did not run exactly one test
/// that passed (a `test` that names no test fails here rather than passing unrun).
pub fn alone(test: &str, body: impl FnOnce()) {
    if !ran_alone(test) {
        body();
    }
}

/// How long the child waits before the test's body runs: the harness's main thread
/// files the test it has just started (a few allocations) while the test's thread
/// begins, and a test that counts the process's allocations must count only its own.
const SETTLE: Duration = Duration::from_millis(50);

/// [`alone`] as a guard at the top of a test, which also suits `async` tests: `true`
/// in the shared process, once `test` ran alone in a child process and passed there
/// (the caller then returns); `false` in that child, once the harness has settled
/// (the caller then runs its body).
///
/// ```no_run
/// #[tokio::test]
/// async fn installs_the_global_propagator() {
///     if otel_kit_testing::ran_alone("propagation::installs_the_global_propagator") {
///         return;
///     }
///     // ... the body, alone in its process ...
/// }
/// ```
///
/// # Panics
///
/// As [`alone`].
pub fn ran_alone(test: &str) -> bool {
    if std::env::var_os(ALONE_ENV).is_some_and(|running| running == test) {
        std::thread::sleep(SETTLE);
        return false;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ALONE_ENV, test)
        .output()
        .expect("start the test binary again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(
        output.status.success() && stdout.contains("running 1 test") && stdout.contains(" 1 passed;"),
        "{test}, alone in a child process: {} (it must run exactly this one test and pass)",
        output.status
    );
    true
}
