//! otel-kit-genai's integration tests, one binary: the OpenAI helpers against a mock
//! server over real HTTP (`openai`), the Anthropic and Bedrock readers the same way
//! (`anthropic`, `bedrock`), the `openai.*` attributes (`openai_provider`), the log
//! events of a call (`events`), the convention details that took a fix
//! (`conventions`), bad and oversized input (`bad_input`, `oversized_input`, and
//! `hostile_streams` for the Anthropic and Bedrock streams), the capture variable read
//! from the environment (`capture_env`), the refresh of the global providers
//! (`refresh`) and the registry check over every kind of call (`registry`). `mock` is the
//! mock server and its recorded bodies (`fixtures/`); `event_stream` encodes Bedrock's
//! binary frames for it; `json` reads a structured log attribute as JSON.
//!
//! Tests that install the harness globally run one at a time (the harness's global
//! lock); the others run in parallel. `capture_env`, `oversized_input` and one test of
//! `events` and two of `hostile_streams` run their cases in child processes of this
//! binary.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

// Counts allocations for `oversized_input` and `hostile_streams` (otel-kit-testing's
// `allocations`).
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

mod anthropic;
mod bad_input;
mod bedrock;
mod capture_env;
mod conventions;
mod event_stream;
mod events;
mod hostile_streams;
mod json;
mod mock;
mod openai;
mod openai_provider;
mod oversized_input;
mod pii;
mod refresh;
mod registry;
