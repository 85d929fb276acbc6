//! A 10 MB LLM response, as one JSON body (`openai::chat_response`) and as an SSE
//! stream (`openai::ChatStream`), recorded with content capture on (`SPAN_ONLY`): the
//! documented limits hold (`MAX_LINE` 1 MiB lines skipped, `MAX_TEXT` 256 KiB of text
//! kept per choice, `gen_ai.output.messages` at most the 32 KiB `content_limit` and
//! valid JSON), time is bounded, and the bytes allocated are a small multiple of the
//! input. Each test prints what it measured.
//!
//! Memory is counted by otel-kit-testing's `allocations` (this binary's global
//! allocator): "allocated" is every byte allocated during the call, by any thread (an
//! upper bound on the peak above what was allocated before). Each test runs alone in a
//! child process of this binary, so that no other test's allocations are counted.

use std::time::Duration;

use otel_kit_genai::GenAi;
use otel_kit_genai::content::{CaptureMode, Part, TRUNCATION_MARKER};
use otel_kit_genai::openai::{self, ChatStream, MAX_LINE, MAX_TEXT};
use otel_kit_testing::allocations::measure;
use otel_kit_testing::{TestTelemetry, alone};
use serde_json::{Value, json};

const TEN_MB: usize = 10 * 1024 * 1024;
/// `GenAi::content_limit`'s default (docs/genai.md, "Size limit").
const CONTENT_LIMIT: usize = 32 * 1024;
/// Generous for debug on a loaded 2-core machine; a quadratic pass over 10 MB would
/// take hours.
const TIME_BOUND: Duration = Duration::from_secs(5);

/// Checks `gen_ai.output.messages` on the one `chat` span: within the limit, valid
/// JSON, the text cut with the marker.
fn assert_output_bounded(t: &TestTelemetry, what: &str) {
    let spans = t.spans();
    let record = spans.span("chat gpt-4o").record();
    let json = record
        .attribute("gen_ai.output.messages")
        .and_then(|v| v.as_str())
        .expect("gen_ai.output.messages");
    println!("{what}: gen_ai.output.messages is {} B", json.len());
    assert!(json.len() <= CONTENT_LIMIT, "{what}: {} B", json.len());
    let value: Value = serde_json::from_str(json).expect("valid JSON");
    let text = value[0]["parts"][0]["content"].as_str().expect("a text part");
    assert!(text.ends_with(TRUNCATION_MARKER), "{what}");
    assert!(
        json.len() > CONTENT_LIMIT - 256,
        "{what}: the limit is used, {} B",
        json.len()
    );
}

#[test]
fn a_ten_megabyte_json_response_is_read_and_recorded_within_the_limits() {
    alone(
        "oversized_input::a_ten_megabyte_json_response_is_read_and_recorded_within_the_limits",
        || {
            let t = TestTelemetry::new().install_global();
            let genai = GenAi::new().capture_mode(CaptureMode::SpanOnly);
            let body = json!({
            "id": "c", "model": "gpt-4o",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "x".repeat(TEN_MB)}, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2}
        })
        .to_string();
            let request = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]});

            let (response, cost) = measure("chat_response, 10 MB body", body.len(), || {
                openai::chat_response(body.as_bytes()).expect("big but valid")
            });
            assert_eq!(response.usage.output_tokens, Some(2));
            assert!(cost.elapsed < TIME_BOUND, "{:?}", cost.elapsed);
            // The JSON value's string and the message's copy of it: two copies, one of them
            // kept in the `Response`. Never more than that.
            assert!(cost.allocated < 3 * body.len(), "{} B", cost.allocated);

            let call = genai.start(openai::chat("openai", &request));
            assert!(call.captures_content());
            let ((), cost) = measure("record_response, 10 MB output, SPAN_ONLY", body.len(), || {
                call.record_response(&response)
            });
            assert!(cost.elapsed < TIME_BOUND, "{:?}", cost.elapsed);
            // Measured: 3.0x the input (about 31 MB) and 1.5 s in debug. The output messages
            // are cloned into JSON values (`to_array`), `bounded_json` serialises them whole
            // (10 MB) to learn that they are over the limit, and walks every char to count
            // escaped lengths before cutting to 32 KiB. Linear, but three transient copies of a
            // 10 MB answer; the bound is set to catch a fourth.
            assert!(cost.allocated < 4 * body.len(), "{} B", cost.allocated);
            assert_output_bounded(&t, "10 MB JSON body");
        },
    );
}

#[test]
fn a_ten_megabyte_stream_keeps_the_documented_limits() {
    alone(
        "oversized_input::a_ten_megabyte_stream_keeps_the_documented_limits",
        || {
            let t = TestTelemetry::new().install_global();
            let genai = GenAi::new().capture_mode(CaptureMode::SpanOnly);
            let request =
                json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "Hi"}]});

            // 10 MB of ordinary chunks of 60 KB of text each, read in 16 KB network reads.
            let chunk = format!(
                "data: {{\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}}}}]}}\n\n",
                "y".repeat(60 * 1024)
            );
            let mut body = chunk.repeat(TEN_MB / chunk.len() + 1).into_bytes();
            body.extend_from_slice(b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n");
            let (response, cost) = measure("ChatStream, 10 MB of 60 KB text chunks", body.len(), || {
                let mut stream = ChatStream::new();
                for read in body.chunks(16 * 1024) {
                    stream.push(read);
                }
                assert!(stream.is_done());
                stream.finish()
            });
            let Part::Text(text) = &response.output_messages[0].parts[0] else {
                panic!("a text part");
            };
            assert_eq!(text.len(), MAX_TEXT, "256 KiB of text kept");
            assert_eq!(response.usage.output_tokens, Some(4));
            assert!(cost.elapsed < TIME_BOUND, "{:?}", cost.elapsed);
            // Per line: the line buffer and serde's copy of the delta; the text kept is 256 KiB.
            // Proportional to the input (each chunk is parsed), but one 10 MB copy is never made.
            assert!(cost.allocated < 2 * body.len(), "{} B", cost.allocated);

            let call = genai.start(openai::chat("openai", &request));
            let ((), cost) = measure(
                "record_response, 256 KiB streamed output, SPAN_ONLY",
                MAX_TEXT,
                || call.record_response(&response),
            );
            assert!(cost.allocated < 4 * MAX_TEXT, "{} B", cost.allocated);
            assert_output_bounded(&t, "10 MB stream");
            t.reset();

            // One 10 MB line (a single chunk of 10 MB of text): longer than MAX_LINE (1 MiB),
            // skipped without being buffered; the stream goes on.
            let mut stream = ChatStream::new();
            let head = b"data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
            let junk = vec![b'x'; 64 * 1024];
            let tail = b"\"}}]}\n\ndata: {\"id\":\"b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n";
            let ((), cost) = measure("ChatStream, one 10 MB line", TEN_MB, || {
                stream.push(head);
                for _ in 0..(TEN_MB / junk.len()) {
                    stream.push(&junk);
                }
                stream.push(tail);
            });
            assert_eq!(stream.skipped(), 1);
            assert!(stream.is_done());
            assert!(cost.elapsed < TIME_BOUND, "{:?}", cost.elapsed);
            // At most one line buffer of MAX_LINE (grown by doubling: 2 MiB in all).
            assert!(cost.allocated < 2 * MAX_LINE + 64 * 1024, "{} B", cost.allocated);
            let response = stream.finish();
            assert_eq!(response.id.as_deref(), Some("b"));
        },
    );
}
