//! Hostile bodies for the Anthropic and Bedrock stream readers: streams cut mid-event
//! and mid-frame, a 10 MB event, unknown event types, invalid JSON, bad checksums,
//! frames whose length fields lie (0, below the prelude, huge), malformed headers,
//! hostile block indexes, random bytes split anywhere. Never a panic, never an
//! unbounded buffer, and a call ends with the `error.type` the stream's failure gives
//! (`stream_truncated`, `stream_invalid`), as the conventions ask of a call that ended in
//! an error. The two 10 MB cases count allocations, each alone in a child process of this
//! binary (otel-kit-testing's `alone`, as `oversized_input` does).

use std::time::Duration;

use otel_kit_genai::content::Part;
use otel_kit_genai::{GenAi, StreamError, anthropic, bedrock};
use otel_kit_testing::allocations::measure;
use otel_kit_testing::{TestTelemetry, alone};
use proptest::prelude::*;
use serde_json::json;

use crate::event_stream::{self, crc32, frame};
use crate::mock;

const TEN_MB: usize = 10 * 1024 * 1024;
/// Generous for debug on a loaded 2-core machine.
const TIME_BOUND: Duration = Duration::from_secs(10);

fn anthropic_stream(chunks: &[&[u8]]) -> anthropic::ChatStream {
    let mut stream = anthropic::ChatStream::new();
    for chunk in chunks {
        stream.push(chunk);
    }
    stream
}

fn bedrock_stream(chunks: &[&[u8]]) -> bedrock::ChatStream {
    let mut stream = bedrock::ChatStream::new();
    for chunk in chunks {
        stream.push(chunk);
    }
    stream
}

/// Ends a call with each outcome and returns the `error.type` of each span.
fn error_types(outcomes: Vec<Result<otel_kit_genai::Response, StreamError>>) -> Vec<String> {
    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    for (i, outcome) in outcomes.iter().enumerate() {
        let call = genai.start(otel_kit_genai::chat("aws.bedrock", format!("m{i}")).stream(true));
        match outcome {
            Ok(response) => call.record_response(response),
            Err(error) => call.record_error(error),
        }
    }
    let spans = t.spans();
    (0..outcomes.len())
        .map(|i| {
            let span = spans.span(&format!("chat m{i}"));
            match span.record().attribute("error.type") {
                Some(otel_kit_testing::AttributeValue::String(s)) => s.clone(),
                _ => String::new(),
            }
        })
        .collect()
}

#[test]
fn an_anthropic_stream_cut_anywhere_before_message_stop_is_truncated() {
    let body = mock::ANTHROPIC_STREAM_TOOL_USE.as_bytes();
    let stop = mock::ANTHROPIC_STREAM_TOOL_USE
        .find("data: {\"type\":\"message_stop\"}")
        .expect("message_stop");
    let complete = stop + "data: {\"type\":\"message_stop\"}\n".len();
    for cut in 0..=body.len() {
        let outcome = anthropic_stream(&[&body[..cut]]).finish();
        if cut < complete {
            assert_eq!(outcome, Err(StreamError::Truncated), "cut at {cut}");
        } else {
            assert!(outcome.is_ok(), "cut at {cut}: {outcome:?}");
        }
    }
    // Cut mid-event, the call ends with the conventions' error.
    let cut = anthropic_stream(&[&body[..stop + 10]]).finish();
    let whole = anthropic_stream(&[body]).finish();
    assert_eq!(error_types(vec![cut, whole]), ["stream_truncated", ""]);
}

#[test]
fn anthropic_unknown_events_invalid_json_and_hostile_indexes_stay_bounded() {
    let mut stream = anthropic::ChatStream::new();
    stream.push(b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":3}}}\n\n");
    stream.push(b"event: brand_new\ndata: {\"type\":\"brand_new\",\"index\":\"x\",\"delta\":[1,2],\"usage\":\"many\"}\n\n");
    stream.push(b"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"\n\n");
    stream.push(b"data: not json at all\n\ndata: [1, 2, 3]\n\ndata: {\"no_type\": true}\n\n");
    stream.push(b"data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":-5}}\n\n");
    stream.push(b"data: {\"type\":\"content_block_start\",\"index\":1}\n\n");
    for i in 0..1000u64 {
        let event = json!({"type": "content_block_delta", "index": u64::MAX - i, "delta": {"type": "text_delta", "text": "y".repeat(1024)}});
        stream.push(format!("data: {event}\n\n").as_bytes());
    }
    stream.push(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    assert_eq!(
        stream.skipped(),
        4,
        "the cut JSON, `not json`, the array, the event without a type"
    );
    let response = stream.finish().expect("unknown events are ignored, not failed");
    assert_eq!(response.id.as_deref(), Some("msg_1"));
    // A count of the wrong type is no count: the one of `message_start` stays.
    assert_eq!(
        (response.usage.input_tokens, response.usage.output_tokens),
        (Some(3), None)
    );
    let parts = &response.output_messages[0].parts;
    assert!(parts.len() <= 64, "{} parts", parts.len());
    let text: usize = parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    assert!(text <= anthropic::MAX_TEXT, "{text} bytes kept");
}

#[test]
fn a_ten_megabyte_anthropic_event_is_skipped_without_buffering_it() {
    alone(
        "hostile_streams::a_ten_megabyte_anthropic_event_is_skipped_without_buffering_it",
        || {
            let body = mock::ANTHROPIC_STREAM.as_bytes();
            let start = mock::ANTHROPIC_STREAM.find("event: ping").expect("ping");
            let head = b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"";
            let junk = vec![b'x'; 64 * 1024];
            let mut stream = anthropic::ChatStream::new();
            stream.push(&body[..start]);
            let ((), cost) = measure("anthropic::ChatStream, one 10 MB event", TEN_MB, || {
                stream.push(head);
                for _ in 0..(TEN_MB / junk.len()) {
                    stream.push(&junk);
                }
                stream.push(b"\"}}\n\n");
            });
            assert!(cost.elapsed < TIME_BOUND, "{:?}", cost.elapsed);
            // At most one line buffer of MAX_LINE (grown by doubling: 2 MiB in all).
            assert!(
                cost.allocated < 2 * anthropic::MAX_LINE + 64 * 1024,
                "{} B",
                cost.allocated
            );
            stream.push(&body[start..]);
            assert_eq!(stream.skipped(), 1);
            let response = stream.finish().expect("the stream goes on");
            assert_eq!(response.output_messages[0].parts, [Part::Text("Hello!".into())]);
        },
    );
}

/// The fixture's frames, one by one.
fn bedrock_frames() -> Vec<Vec<u8>> {
    include_str!("fixtures/bedrock_stream.jsonl")
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).expect("a fixture line");
            event_stream::event(line[":event-type"].as_str().expect("a type"), &line["payload"])
        })
        .collect()
}

#[test]
fn a_bedrock_stream_cut_anywhere_before_message_stop_or_inside_a_frame_is_truncated() {
    let frames = bedrock_frames();
    let body = frames.concat();
    assert_eq!(body, event_stream::converse_stream());
    let mut boundaries = vec![0];
    for frame in &frames {
        boundaries.push(boundaries.last().expect("a boundary") + frame.len());
    }
    // `messageStop` is the ninth frame: from its end on, a cut between frames loses only
    // the usage of `metadata`.
    let stop = boundaries[9];
    for cut in 0..=body.len() {
        let outcome = bedrock_stream(&[&body[..cut]]).finish();
        if cut >= stop && boundaries.contains(&cut) {
            let response = outcome.unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
            assert_eq!(response.finish_reasons, ["tool_call"]);
            assert_eq!(response.usage.output_tokens, (cut == body.len()).then_some(36));
        } else {
            assert_eq!(outcome, Err(StreamError::Truncated), "cut at {cut}");
        }
    }
    let mid_frame = bedrock_stream(&[&body[..boundaries[3] + 7]]).finish();
    assert_eq!(error_types(vec![mid_frame]), ["stream_truncated"]);
}

/// A prelude with a matching checksum whatever its lengths say.
fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut prelude = total.to_be_bytes().to_vec();
    prelude.extend_from_slice(&headers.to_be_bytes());
    prelude.extend_from_slice(&crc32(&prelude).to_be_bytes());
    prelude
}

#[test]
fn bad_checksums_and_lying_lengths_end_the_bedrock_stream() {
    let good = event_stream::converse_stream();
    let start = event_stream::event("messageStart", &json!({"role": "assistant"}));
    let flipped = |at: usize| {
        let mut frame = start.clone();
        frame[at] ^= 0x01;
        frame
    };
    let last = start.len() - 1;
    let mut bad_header = frame(&[(":message-type", "event")], b"{}");
    // The header's value type, 7 (string), becomes 42 (none such); checksum kept right.
    bad_header[12 + 1 + ":message-type".len()] = 42;
    let crc_at = bad_header.len() - 4;
    let crc = crc32(&bad_header[..crc_at]).to_be_bytes();
    bad_header[crc_at..].copy_from_slice(&crc);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a flipped length bit", flipped(3), "prelude checksum mismatch"),
        (
            "a flipped prelude checksum bit",
            flipped(9),
            "prelude checksum mismatch",
        ),
        (
            "a flipped payload bit",
            flipped(last - 5),
            "message checksum mismatch",
        ),
        (
            "a flipped message checksum bit",
            flipped(last),
            "message checksum mismatch",
        ),
        (
            "a total length of 0",
            prelude(0, 0),
            "total length shorter than a prelude and a checksum",
        ),
        (
            "a total length inside the prelude",
            prelude(8, 0),
            "total length shorter than a prelude and a checksum",
        ),
        (
            "a total length of 15",
            prelude(15, 0),
            "total length shorter than a prelude and a checksum",
        ),
        (
            "a huge total length",
            prelude(u32::MAX, 0),
            "total length over the framing's 16 MiB",
        ),
        (
            "17 MiB",
            prelude(17 << 20, 0),
            "total length over the framing's 16 MiB",
        ),
        (
            "headers past the payload",
            prelude(32, 17),
            "headers length past the end of the message",
        ),
        (
            "huge headers",
            prelude(1 << 20, 1 << 19),
            "headers length over the framing's 128 KiB",
        ),
        ("an unknown header value type", bad_header, "malformed headers"),
    ];
    let mut outcomes = Vec::new();
    for (what, bytes, reason) in cases {
        // The bad frame, then a whole good stream that must not be read.
        let mut stream = bedrock_stream(&[&bytes]);
        stream.push(&good);
        assert_eq!(stream.chunks(), 0, "{what}: nothing after a broken frame");
        let outcome = stream.finish();
        assert_eq!(outcome, Err(StreamError::Invalid(reason)), "{what}");
        outcomes.push(outcome);
    }
    let types = error_types(outcomes);
    assert!(types.iter().all(|t| t == "stream_invalid"), "{types:?}");
}

#[test]
fn bedrock_invalid_json_unknown_events_and_message_types_are_skipped() {
    let mut body = event_stream::event("messageStart", &json!({"role": "assistant"}));
    body.extend(frame(
        &[(":event-type", "contentBlockDelta"), (":message-type", "event")],
        b"{\"contentBlockIndex\":0,\"delta\":{\"text\":\"cut",
    ));
    body.extend(event_stream::event(
        "aBrandNewEvent",
        &json!({"contentBlockIndex": "x", "delta": [1]}),
    ));
    body.extend(frame(&[(":message-type", "something-else")], b"{}"));
    body.extend(frame(&[(":message-type", "event")], b"{}"));
    for i in 0..1000u64 {
        let delta = json!({"contentBlockIndex": u64::MAX - i, "delta": {"text": "y".repeat(1024)}});
        body.extend(event_stream::event("contentBlockDelta", &delta));
    }
    body.extend(event_stream::event(
        "messageStop",
        &json!({"stopReason": "guardrail_intervened"}),
    ));
    let stream = bedrock_stream(&[&body]);
    assert_eq!(
        stream.skipped(),
        3,
        "the cut JSON, the unknown message type, the event without a type"
    );
    let response = stream.finish().expect("skipped messages do not fail the stream");
    assert_eq!(response.finish_reasons, ["content_filter"]);
    let parts = &response.output_messages[0].parts;
    assert!(parts.len() <= 64, "{} parts", parts.len());
}

#[test]
fn a_bedrock_message_over_the_limit_is_skipped_and_one_at_it_is_read() {
    let sized = |total: usize| {
        let empty = event_stream::event(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": ""}}),
        );
        let text = "z".repeat(total - empty.len());
        event_stream::event(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": text}}),
        )
    };
    let at_limit = sized(bedrock::MAX_MESSAGE);
    let over = sized(bedrock::MAX_MESSAGE + 1);
    assert_eq!(
        (at_limit.len(), over.len()),
        (bedrock::MAX_MESSAGE, bedrock::MAX_MESSAGE + 1)
    );
    let stop = event_stream::event("messageStop", &json!({"stopReason": "max_tokens"}));
    let stream = bedrock_stream(&[&over, &at_limit, &stop]);
    assert_eq!((stream.chunks(), stream.skipped()), (2, 1));
    let response = stream.finish().expect("a whole stream");
    assert_eq!(response.finish_reasons, ["length"]);
    let Part::Text(text) = &response.output_messages[0].parts[0] else {
        panic!("a text part");
    };
    assert_eq!(
        text.len(),
        bedrock::MAX_TEXT,
        "the text of the message at the limit, cut to MAX_TEXT"
    );
}

#[test]
fn a_ten_megabyte_bedrock_event_is_skipped_without_buffering_it() {
    alone(
        "hostile_streams::a_ten_megabyte_bedrock_event_is_skipped_without_buffering_it",
        || {
            let frames = bedrock_frames();
            let huge = event_stream::event(
                "contentBlockDelta",
                &json!({"contentBlockIndex": 0, "delta": {"text": "x".repeat(TEN_MB)}}),
            );
            let mut stream = bedrock::ChatStream::new();
            stream.push(&frames[0]);
            let ((), cost) = measure("bedrock::ChatStream, one 10 MB event", huge.len(), || {
                for read in huge.chunks(16 * 1024) {
                    stream.push(read);
                }
            });
            assert!(cost.elapsed < TIME_BOUND, "{:?}", cost.elapsed);
            // The prelude and a checksum under way: never the message.
            assert!(cost.allocated < 64 * 1024, "{} B", cost.allocated);
            for frame in &frames[1..] {
                stream.push(frame);
            }
            assert_eq!(stream.skipped(), 1);
            let response = stream.finish().expect("the stream goes on");
            assert_eq!(response.usage.output_tokens, Some(36));

            // A length that lies about 4 GiB costs nothing either.
            let mut lying = bedrock::ChatStream::new();
            let ((), cost) = measure("bedrock::ChatStream, a 4 GiB length", 12, || {
                lying.push(&prelude(u32::MAX, 0));
                lying.push(&vec![0; 1024]);
            });
            assert!(cost.allocated < 4 * 1024, "{} B", cost.allocated);
            assert!(matches!(lying.finish(), Err(StreamError::Invalid(_))));
        },
    );
}

proptest! {
    #[test]
    fn any_bytes_split_anywhere_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), split in 0usize..2048) {
        let split = split.min(bytes.len());
        let _ = anthropic_stream(&[&bytes[..split], &bytes[split..]]).finish();
        let _ = bedrock_stream(&[&bytes[..split], &bytes[split..]]).finish();
        let _ = anthropic::chat_response(&bytes);
        let _ = bedrock::chat_response(&bytes);
        let _ = anthropic::api_error(500, &bytes);
        let _ = bedrock::api_error(500, std::str::from_utf8(&bytes).ok(), &bytes);
    }

    #[test]
    fn streams_split_anywhere_read_the_same(first in 0usize..4000, second in 0usize..4000) {
        let sse = mock::ANTHROPIC_STREAM_TOOL_USE.as_bytes();
        let (a, b) = (first.min(sse.len()), second.min(sse.len()));
        let (a, b) = (a.min(b), a.max(b));
        let response = anthropic_stream(&[&sse[..a], &sse[a..b], &sse[b..]]).finish().expect("whole");
        prop_assert_eq!(response.usage.output_tokens, Some(89));
        prop_assert_eq!(response.output_messages[0].parts.len(), 2);

        let frames = event_stream::converse_stream();
        let (a, b) = (first.min(frames.len()), second.min(frames.len()));
        let (a, b) = (a.min(b), a.max(b));
        let response = bedrock_stream(&[&frames[..a], &frames[a..b], &frames[b..]]).finish().expect("whole");
        prop_assert_eq!(response.usage.output_tokens, Some(36));
        prop_assert_eq!(response.output_messages[0].parts.len(), 2);
    }

    #[test]
    fn a_flipped_bit_anywhere_in_a_bedrock_stream_is_never_a_panic(at in 0usize..100_000, bit in 0u8..8) {
        let mut frames = event_stream::converse_stream();
        let at = at % frames.len();
        frames[at] ^= 1 << bit;
        // Every byte is under a checksum: the stream fails, whatever the bit.
        let outcome = bedrock_stream(&[&frames]).finish();
        prop_assert!(matches!(outcome, Err(StreamError::Invalid(_))), "{:?}", outcome);
    }
}

/// What each SSE format counts: a chunk (an event, Anthropic's `ping` included) is a
/// `data:` line the format reads; a `data:` line that is not JSON is skipped; comments
/// and `event:` lines are neither.
#[test]
fn each_sse_format_counts_its_chunks_and_skipped_lines() {
    let mut openai = otel_kit_genai::openai::ChatStream::new();
    openai.push(b"data: {\"choices\":[]}\n");
    openai.push(b"data: {not json\n: a comment\n");
    assert_eq!(
        (openai.chunks(), openai.skipped(), openai.is_done()),
        (1, 1, false)
    );
    openai.push(b"data: [DONE]\n");
    assert_eq!(
        (openai.chunks(), openai.skipped(), openai.is_done()),
        (1, 1, true)
    );

    let mut anthropic = otel_kit_genai::anthropic::ChatStream::new();
    anthropic.push(b"event: ping\ndata: {\"type\": \"ping\"}\n\n");
    assert_eq!((anthropic.chunks(), anthropic.skipped()), (1, 0));
    anthropic.push(b"data: {not json\n: a comment\nevent: ping\n");
    assert_eq!(
        (anthropic.chunks(), anthropic.skipped(), anthropic.is_done()),
        (1, 1, false)
    );
    anthropic.push(b"data: {\"type\": \"message_stop\"}\n");
    assert_eq!((anthropic.chunks(), anthropic.is_done()), (2, true));
}
