//! otel-kit-genai's integration tests, one binary: the OpenAI helpers against a mock
//! server over real HTTP (`openai`), bad and oversized input (`bad_input`,
//! `oversized_input`), the capture variable read from the environment (`capture_env`)
//! and the refresh of the global providers (`refresh`). `mock` is the mock server and
//! its recorded bodies (`fixtures/`).
//!
//! Tests that install the harness globally run one at a time (the harness's global
//! lock); the others run in parallel. `capture_env` and `oversized_input` run their
//! cases in child processes of this binary.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

// Counts allocations for `oversized_input` (otel-kit-testing's `allocations`).
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

mod bad_input;
mod capture_env;
mod mock;
mod openai;
mod oversized_input;
mod refresh;
