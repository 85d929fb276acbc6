//! `otel_kit_genai::openai::ChatStream`: a streamed chat completion fed in pieces.
//!
//! Input: a 4-byte header, then the SSE body. The header seeds the choice of split
//! points; when the top four bits of its first byte are set, a run of `MAX_LINE - 64 + n` bytes
//! (n from the second byte) of JSON-string text is spliced into the body at a position
//! the third and fourth bytes choose, so lines just under and over `MAX_LINE` are tried
//! (`otel_kit_fuzz::sse_input`).
//!
//! Invariant: the body pushed whole, pushed in random pieces (empty pieces included),
//! and (for short bodies) pushed byte by byte, gives the same `finish()` result, the
//! same `is_done()`, `chunks()` and `skipped()`: where the transport splits the bytes
//! does not matter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_fuzz::sse_same_however_split;
use otel_kit_genai::openai::{ChatStream, MAX_LINE};

fuzz_target!(|data: &[u8]| sse_same_however_split::<ChatStream>(data, MAX_LINE));
