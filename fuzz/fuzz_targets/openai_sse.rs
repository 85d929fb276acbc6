//! `otel_kit_genai::openai::ChatStream`: a streamed chat completion fed in pieces.
//!
//! Input: a 4-byte header, then the SSE body. The header seeds the choice of split
//! points; when the top four bits of its first byte are set, a run of `MAX_LINE - 64 + n` bytes
//! (n from the second byte) of JSON-string text is spliced into the body at a position
//! the third and fourth bytes choose, so lines just under and over `MAX_LINE` are tried.
//!
//! Invariant: the body pushed whole, pushed in random pieces (empty pieces included),
//! and (for short bodies) pushed byte by byte, gives the same `finish()` result, the
//! same `is_done()`, `chunks()` and `skipped()`: where the transport splits the bytes
//! does not matter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_genai::openai::{ChatStream, MAX_LINE};

/// Everything observable about a stream after the body.
fn outcome(pieces: impl IntoIterator<Item = impl AsRef<[u8]>>) -> String {
    let mut stream = ChatStream::new();
    for piece in pieces {
        stream.push(piece.as_ref());
    }
    let summary = format!(
        "done={} chunks={} skipped={}",
        stream.is_done(),
        stream.chunks(),
        stream.skipped()
    );
    format!("{summary} {:?}", stream.finish())
}

/// A small xorshift generator: the split points follow from the header alone.
struct Rng(u32);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((header, body)) = data.split_first_chunk::<4>() else {
        return;
    };
    let mut body = body.to_vec();
    let long = header[0] & 0xf0 == 0xf0;
    if long {
        let len = MAX_LINE - 64 + usize::from(header[1]);
        let at = usize::from(u16::from_le_bytes([header[2], header[3]])) % (body.len() + 1);
        body.splice(at..at, std::iter::repeat_n(b'a', len));
    }

    let whole = outcome([&body]);

    let mut rng = Rng(u32::from_le_bytes(*header) | 1);
    // Short pieces for short bodies, longer ones for the long mode.
    let scale = if long { 64 * 1024 } else { 16 };
    let mut pieces = Vec::new();
    let mut rest = &body[..];
    while !rest.is_empty() {
        let n = (rng.next_u32() as usize % scale).min(rest.len());
        let (piece, tail) = rest.split_at(n);
        pieces.push(piece);
        rest = tail;
    }
    assert_eq!(outcome(pieces), whole, "split at random points");

    if !long {
        assert_eq!(outcome(body.chunks(1)), whole, "byte by byte");
    }
});
