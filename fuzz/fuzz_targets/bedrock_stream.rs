//! `otel_kit_genai::bedrock::ChatStream`: a ConverseStream answer (AWS's binary event
//! stream) fed in pieces.
//!
//! Input: a 4-byte header, then one message a line, `<message-type> <event-type>
//! <payload>` (`event contentBlockDelta {"contentBlockIndex":0,...}`; a line without two
//! spaces is an `event contentBlockDelta` payload). The target frames each message with
//! correct checksums (`otel_kit_fuzz::event_stream_message`), so the fuzzer reaches the
//! events rather than the framing. The header seeds the split points; when the low four
//! bits of its first byte are set, the byte the second and third header bytes choose is
//! flipped (broken framing); when the top four bits are set, a `contentBlockDelta`
//! message of `MAX_MESSAGE - 64 + n` bytes (n from the fourth byte) is added, just under
//! or over the limit of one message.
//!
//! Invariants: the body gives the same `finish()`, `is_done()`, `chunks()` and
//! `skipped()` whether it is pushed whole, in random pieces or (short bodies) byte by
//! byte; what the stream keeps stays within its bounds
//! (`otel_kit_fuzz::assert_held_within_bounds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_fuzz::{event_stream_message, lines, same_however_split};
use otel_kit_genai::bedrock::{ChatStream, MAX_MESSAGE};

fuzz_target!(|data: &[u8]| {
    let Some((header, input)) = data.split_first_chunk::<4>() else {
        return;
    };
    let mut body = Vec::new();
    for line in lines(input) {
        let mut fields = line.splitn(3, |&b| b == b' ');
        let message = match (fields.next(), fields.next(), fields.next()) {
            (Some(kind), Some(event), Some(payload)) => event_stream_message(kind, event, payload),
            _ => event_stream_message(b"event", b"contentBlockDelta", line),
        };
        body.extend_from_slice(&message);
    }
    let long = header[0] & 0xf0 == 0xf0;
    if long {
        let text = "a".repeat(MAX_MESSAGE - 64 + usize::from(header[3]));
        let payload = format!(r#"{{"contentBlockIndex":0,"delta":{{"text":"{text}"}}}}"#);
        body.extend_from_slice(&event_stream_message(
            b"event",
            b"contentBlockDelta",
            payload.as_bytes(),
        ));
    }
    if header[0] & 0x0f == 0x0f && !body.is_empty() {
        let at = usize::from(u16::from_le_bytes([header[1], header[2]])) % body.len();
        body[at] ^= 0x01;
    }
    let scale = if long { 64 * 1024 } else { 16 };
    same_however_split::<ChatStream>(
        u32::from_le_bytes(*header),
        &body,
        scale,
        !long && body.len() <= 4096,
    );
});
