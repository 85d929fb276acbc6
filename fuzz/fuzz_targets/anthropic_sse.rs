//! `otel_kit_genai::anthropic::ChatStream`: a streamed Messages answer fed in pieces.
//!
//! Input: as `openai_sse` (`otel_kit_fuzz::sse_input`): a 4-byte header seeding the split
//! points and, in 1 of 16 inputs, a line just under or over `MAX_LINE` spliced in; then
//! the SSE body (`event:`/`data:` lines of `message_start`, `content_block_*`,
//! `message_delta`, `error`...).
//!
//! Invariants: the body gives the same `finish()`, `is_done()`, `chunks()` and
//! `skipped()` whether it is pushed whole, in random pieces or byte by byte; and what
//! the stream keeps stays within its bounds whatever the blocks hold (unknown block
//! types and tool inputs included: `otel_kit_fuzz::assert_held_within_bounds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_fuzz::sse_same_however_split;
use otel_kit_genai::anthropic::{ChatStream, MAX_LINE};

fuzz_target!(|data: &[u8]| sse_same_however_split::<ChatStream>(data, MAX_LINE));
