//! Bad input never panics and costs bounded time and memory: malformed JSON, SSE
//! garbage split anywhere, 10 MB bodies and lines, content far over the limit.

use std::time::{Duration, Instant};

use otel_kit_genai::content::{ChatMessage, bounded_json};
use otel_kit_genai::openai::{self, ApiError, ChatStream, MAX_LINE, MAX_TEXT};
use proptest::prelude::*;
use serde_json::{Value, json};

const TEN_MB: usize = 10 * 1024 * 1024;

#[test]
fn malformed_bodies_are_errors_not_panics() {
    for body in [
        &b""[..],
        b"{",
        b"null",
        b"[]",
        b"<html>502 Bad Gateway</html>",
        b"{\"choices\": 3}",
        b"{\"usage\": {\"prompt_tokens\": -1}}",
        b"{\"usage\": {\"prompt_tokens\": \"12\"}}",
        b"\xff\xfe",
    ] {
        assert!(openai::chat_response(body).is_err(), "{body:?}");
        if !body.starts_with(b"{\"choices") {
            assert!(openai::embeddings_response(body).is_err(), "{body:?}");
        }
        let err = ApiError::from_response(502, body);
        assert_eq!(err.to_string(), "HTTP status 502");
    }
    // Deep nesting is refused by serde_json's recursion limit, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(openai::chat_response(deep.as_bytes()).is_err());
    // Unknown fields and odd-but-valid shapes are fine.
    let odd = br#"{"choices":[{"message":"not an object","finish_reason":null}],"extra":{"a":[1,2]},"service_tier":3,"system_fingerprint":{"a":1}}"#;
    let response = openai::chat_response(odd).expect("odd but valid");
    assert!(response.finish_reasons.is_empty() && response.output_messages.is_empty());
    assert_eq!((response.service_tier, response.system_fingerprint), (None, None));
}

#[test]
fn request_fields_of_the_wrong_type_are_ignored() {
    let request =
        json!({"model": 4, "temperature": "hot", "max_tokens": -5, "stop": [1, "x"], "messages": "hi"});
    let call = openai::chat("openai", &request).capture_content(true).start();
    call.end();
}

#[test]
fn a_ten_megabyte_response_is_read_in_linear_time() {
    let body = json!({
        "id": "c", "model": "m",
        "choices": [{"message": {"role": "assistant", "content": "x".repeat(TEN_MB)}, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2}
    })
    .to_string();
    let start = Instant::now();
    let response = openai::chat_response(body.as_bytes()).expect("big but valid");
    assert_eq!(response.usage.output_tokens, Some(2));
    // Recording it with content on keeps only the limit.
    let json = bounded_json(
        Value::Array(
            response
                .output_messages
                .iter()
                .map(ChatMessage::to_value)
                .collect(),
        ),
        32 * 1024,
    );
    assert!(json.len() <= 32 * 1024);
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
}

#[test]
fn a_ten_megabyte_sse_line_is_skipped_without_buffering_it() {
    let mut stream = ChatStream::new();
    stream.push(b"data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    let junk = vec![b'x'; 64 * 1024];
    for _ in 0..(TEN_MB / junk.len()) {
        stream.push(&junk);
    }
    stream.push(b"\"}}]}\n\ndata: {\"id\":\"b\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n");
    assert_eq!(stream.skipped(), 1);
    assert!(stream.is_done());
    let response = stream.finish();
    assert_eq!(response.id.as_deref(), Some("b"));
    assert_eq!(response.usage.input_tokens, Some(3));
    const { assert!(MAX_LINE < TEN_MB) };
}

#[test]
fn ten_megabytes_of_streamed_text_keep_at_most_the_text_limit() {
    let mut stream = ChatStream::new();
    let chunk = format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}}}}]}}\n\n",
        "y".repeat(60 * 1024)
    );
    for _ in 0..(TEN_MB / chunk.len() + 1) {
        stream.push(chunk.as_bytes());
    }
    let response = stream.finish();
    let otel_kit_genai::content::Part::Text(text) = &response.output_messages[0].parts[0] else {
        panic!("a text part");
    };
    assert_eq!(text.len(), MAX_TEXT);
}

#[test]
fn hostile_indexes_do_not_allocate() {
    let mut stream = ChatStream::new();
    for i in 0..1000u64 {
        let line = format!(
            "data: {{\"choices\":[{{\"index\":{},\"delta\":{{\"tool_calls\":[{{\"index\":{},\"function\":{{\"name\":\"f\"}}}}]}}}}]}}\n",
            u64::MAX - i,
            u64::MAX - i
        );
        stream.push(line.as_bytes());
    }
    let response = stream.finish();
    assert!(response.output_messages.len() <= 16);
}

proptest! {
    #[test]
    fn any_bytes_split_anywhere_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), split in 0usize..2048) {
        let mut stream = ChatStream::new();
        let split = split.min(bytes.len());
        stream.push(&bytes[..split]);
        stream.push(&bytes[split..]);
        let _ = stream.finish();
        let _ = openai::chat_response(&bytes);
        let _ = openai::embeddings_response(&bytes);
        let _ = ApiError::from_response(500, &bytes);
    }

    #[test]
    fn an_sse_stream_split_anywhere_reads_the_same(split in 0usize..2000) {
        let body = include_str!("fixtures/stream_with_usage.sse").as_bytes();
        let split = split.min(body.len());
        let mut stream = ChatStream::new();
        stream.push(&body[..split]);
        stream.push(&body[split..]);
        let response = stream.finish();
        prop_assert_eq!(response.usage.output_tokens, Some(5));
        prop_assert_eq!(response.finish_reasons, vec!["stop".to_owned()]);
    }

    #[test]
    fn bounded_json_is_valid_and_within_the_limit(texts in proptest::collection::vec(".{0,300}", 0..12), max in 0usize..600) {
        let value = Value::Array(texts.into_iter().map(|t| json!({"role": "user", "parts": [{"type": "text", "content": t}]})).collect());
        let json = bounded_json(value, max);
        prop_assert!(json.len() <= max.max(2), "{} > {}", json.len(), max);
        prop_assert!(serde_json::from_str::<Value>(&json).is_ok());
    }
}

/// A gateway that echoes a caller's model name, id and stop reason back, 1 MiB each, and
/// a thousand finish reasons: the span keeps each value within 4 KiB and at most 128
/// reasons, and the metrics key their series by at most `MAX_METRIC_VALUE_BYTES` of the
/// model name.
#[test]
fn response_identifiers_from_the_answer_are_cut_on_the_span_and_shorter_on_the_metrics() {
    use otel_kit_genai::attributes::{
        GEN_AI_CLIENT_OPERATION_DURATION, GEN_AI_RESPONSE_FINISH_REASONS, GEN_AI_RESPONSE_ID,
        GEN_AI_RESPONSE_MODEL,
    };
    use otel_kit_genai::{GenAi, MAX_METRIC_VALUE_BYTES, Response};
    use otel_kit_testing::{AttributeValue, TestTelemetry};

    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    let huge = |c: &str| c.repeat(1024 * 1024);
    let mut response = Response::new().id(huge("i")).model(huge("m"));
    for _ in 0..1000 {
        response = response.finish_reason("r".repeat(1024));
    }
    genai
        .start(otel_kit_genai::chat("openai", "asked"))
        .record_response(&response);
    let spans = t.spans();
    let record = spans.span("chat asked").record();
    let text = |key: &str| {
        record
            .attribute(key)
            .and_then(AttributeValue::as_str)
            .map(str::len)
            .unwrap_or_else(|| panic!("{key} is missing"))
    };
    assert_eq!(text(GEN_AI_RESPONSE_ID), 4096);
    assert_eq!(text(GEN_AI_RESPONSE_MODEL), 4096);
    let Some(AttributeValue::Array(reasons)) = record.attribute(GEN_AI_RESPONSE_FINISH_REASONS) else {
        panic!("no finish reasons: {record:?}");
    };
    assert_eq!(reasons.len(), 128);
    t.metrics()
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(
            GEN_AI_RESPONSE_MODEL,
            AttributeValue::from("m".repeat(MAX_METRIC_VALUE_BYTES)),
        )])
        .has_count(1);
}
