//! The kit's cross-crate tests, one binary: no secret reaches the collector from an
//! app with every instrumentation, exported through `otel_kit_init::init()`
//! (`secrets`, alone in a child process of this binary: `init()` installs the
//! process's globals), and the credentials in query strings that are not redacted yet
//! (`redaction_gaps`); and the guides in `docs/` against the code they describe
//! (`docs`); a panic and a returned error through `init()`, bounded and redacted
//! (`errors`); `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING` through `init()`
//! (`peer_service`); baggage members onto spans and logs across a real HTTP hop, to
//! rotel (`baggage`, alone in a child process); exemplars on every duration histogram, naming their operations'
//! spans (`exemplars`); every path and type `docs/architecture.md` names exists
//! (`architecture_doc`), and names every source file of the crates it maps and no retired
//! claim (`architecture_modules`); every example depends on the kit through the facade otel-kit
//! (`examples_facade`); perf/'s own workspace pins what the root pins (`perf_pins`). `echo` is the gRPC service they call.

mod architecture_doc;
mod architecture_modules;
mod baggage;
mod docs;
mod echo;
mod errors;
mod examples_facade;
mod exemplars;
mod peer_service;
mod perf_pins;
mod redaction_gaps;
mod secrets;

/// Runs `future` on a runtime of its own with two workers: a test that calls `init()`
/// runs alone in a child process, outside any runtime.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}
