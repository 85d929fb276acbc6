//! The Bedrock readers around real HTTP calls to the mock's `/model/{modelId}/converse`
//! and `/converse-stream`, through reqwest + otel-kit-http's `ClientMiddleware`,
//! answered with the documented shapes of Bedrock's Converse and ConverseStream
//! references (`fixtures/bedrock_*`: a text answer with cache counts, a tool use, the
//! stream's events framed by `event_stream`'s encoder, a throttling answer with its
//! `x-amzn-errortype`, a `ValidationException` body, an exception message in a stream).
//! Attributes are checked against the conventions (1.41's Bedrock page: the cache counts
//! included in `gen_ai.usage.input_tokens`). Each test has its own harness, so they run
//! in parallel.

use opentelemetry::trace::SpanKind;
use otel_kit_genai::attributes::*;
use otel_kit_genai::bedrock::{self, ChatStream};
use otel_kit_genai::content::CaptureMode;
use otel_kit_genai::{GenAi, StreamError};
use otel_kit_testing::{AttributeValue, SpanAssert, TestTelemetry};
use serde_json::{Value, json};

use crate::mock::{self, Mock};

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn attr(value: impl Into<AttributeValue>) -> AttributeValue {
    value.into()
}

/// A span attribute holding JSON (captured content), parsed.
fn json_attribute(span: &SpanAssert<'_>, key: &str) -> Value {
    let text = span.record().attribute(key).and_then(AttributeValue::as_str);
    serde_json::from_str(text.unwrap_or_else(|| panic!("{key} as a JSON string"))).expect("valid JSON")
}

fn request() -> Value {
    json!({
        "messages": [
            {"role": "user", "content": [
                {"text": "What is the most popular song on WZPZ?"},
                {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
                {"cachePoint": {"type": "default"}}
            ]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "The tool knows.", "signature": "sig"}}},
                {"toolUse": {"toolUseId": "tooluse_1", "name": "top_song", "input": {"sign": "WZPZ"}}}
            ]},
            {"role": "user", "content": [
                {"toolResult": {"toolUseId": "tooluse_1", "content": [{"json": {"song": "Elemental Hotel"}}], "status": "success"}}
            ]}
        ],
        "system": [{"text": "You are a radio DJ."}, {"cachePoint": {"type": "default"}}],
        "inferenceConfig": {"maxTokens": 512, "temperature": 0.5, "topP": 0.9, "stopSequences": ["END"]},
        "additionalModelRequestFields": {"top_k": 200},
        "guardrailConfig": {"guardrailIdentifier": "sgi5gkybzqak", "guardrailVersion": "1"}
    })
}

/// Sends `request` to `/model/{model_id}/converse` as `genai`'s call, records the answer.
async fn converse(genai: &GenAi, mock: &Mock, model_id: &str, request: &Value) {
    let call = genai.start(bedrock::chat(model_id.to_owned(), request).server_url(&mock.root));
    let url = format!("{}/model/{model_id}/converse", mock.root);
    let response = call.in_call(mock.send_to(&url, request)).await;
    let status = response.status().as_u16();
    let error_type = response.headers().get("x-amzn-errortype").cloned();
    let body = response.bytes().await.expect("body");
    if status == 200 {
        call.record_response(&bedrock::chat_response(&body).expect("a Converse body"));
    } else {
        let header = error_type.as_ref().and_then(|v| v.to_str().ok());
        call.record_error(&bedrock::api_error(status, header, &body));
    }
}

/// Streams `/model/{model_id}/converse-stream` through a [`ChatStream`], network chunk by
/// network chunk.
async fn converse_stream(
    genai: &GenAi,
    mock: &Mock,
    model_id: &str,
    request: &Value,
) -> Result<(), StreamError> {
    let mut call = genai.start(bedrock::chat(model_id.to_owned(), request).stream(true));
    let url = format!("{}/model/{model_id}/converse-stream", mock.root);
    let mut response = call.in_call(mock.send_to(&url, request)).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let mut stream = ChatStream::new();
    while let Some(chunk) = call.in_call(response.chunk()).await.expect("chunk") {
        call.record_chunk();
        stream.push(&chunk);
    }
    match stream.finish() {
        Ok(answer) => {
            call.record_response(&answer);
            Ok(())
        }
        Err(error) => {
            call.record_error(&error);
            Err(error)
        }
    }
}

#[tokio::test]
async fn a_converse_call_has_the_conventions_attributes_and_the_http_span_as_its_child() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanOnly);
    let mock = Mock::with_providers(t.providers()).await;
    converse(&genai, &mock, MODEL, &request()).await;

    let spans = t.spans();
    let name = format!("chat {MODEL}");
    spans
        .assert_single_trace()
        .assert_tree(&format!("{name}\n  POST"));
    let chat = spans.span(&name);
    spans.span("POST").has_kind(SpanKind::Client).has_parent(&chat);
    let chat = chat
        .has_kind(SpanKind::Client)
        .has_status_unset()
        .has_attribute(GEN_AI_OPERATION_NAME, "chat")
        .has_attribute(GEN_AI_PROVIDER_NAME, "aws.bedrock")
        .has_attribute(GEN_AI_REQUEST_MODEL, MODEL)
        .has_attribute(GEN_AI_REQUEST_MAX_TOKENS, 512)
        .has_attribute(GEN_AI_REQUEST_TEMPERATURE, 0.5)
        .has_attribute(GEN_AI_REQUEST_TOP_P, 0.9)
        .has_attribute(GEN_AI_REQUEST_TOP_K, 200.0)
        .has_attribute(GEN_AI_REQUEST_STOP_SEQUENCES, vec!["END"])
        .has_attribute(AWS_BEDROCK_GUARDRAIL_ID, "sgi5gkybzqak")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(mock.port))
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        // inputTokens + cacheReadInputTokens + cacheWriteInputTokens (= totalTokens - outputTokens).
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 125 + 1000 + 24)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 60)
        .has_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 1000)
        .has_attribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 24)
        // Converse answers have neither.
        .lacks_attribute(GEN_AI_RESPONSE_ID)
        .lacks_attribute(GEN_AI_RESPONSE_MODEL)
        .lacks_attribute(GEN_AI_REQUEST_STREAM)
        .lacks_attribute("error.type")
        .lacks_attributes_under("openai.");
    assert_eq!(
        json_attribute(&chat, GEN_AI_SYSTEM_INSTRUCTIONS),
        json!([{"type": "text", "content": "You are a radio DJ."}])
    );
    assert_eq!(
        json_attribute(&chat, GEN_AI_INPUT_MESSAGES),
        json!([
            {"role": "user", "parts": [
                {"type": "text", "content": "What is the most popular song on WZPZ?"},
                {"type": "image", "format": "png", "source": {"bytes": "iVBORw0KGgo="}}
            ]},
            {"role": "assistant", "parts": [
                {"type": "reasoning", "content": "The tool knows."},
                {"type": "tool_call", "id": "tooluse_1", "name": "top_song", "arguments": {"sign": "WZPZ"}}
            ]},
            {"role": "user", "parts": [
                {"type": "tool_call_response", "id": "tooluse_1", "response": [{"json": {"song": "Elemental Hotel"}}]}
            ]}
        ])
    );
    assert_eq!(
        json_attribute(&chat, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [
            {"type": "text", "content": "The most popular song on WZPZ is Elemental Hotel by 8 Storey Hike."}
        ], "finish_reason": "stop"}])
    );
    let metrics = t.metrics();
    let token = |kind: &str| {
        vec![
            (GEN_AI_PROVIDER_NAME, attr("aws.bedrock")),
            (GEN_AI_TOKEN_TYPE, attr(kind)),
        ]
    };
    let usage = metrics.metric(GEN_AI_CLIENT_TOKEN_USAGE);
    usage.histogram_point(&token("input")).has_sum(1149.0);
    usage.histogram_point(&token("output")).has_sum(60.0);
}

#[tokio::test]
async fn a_tool_use_answer_finishes_with_a_tool_call() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanOnly);
    let mock = Mock::with_providers(t.providers()).await;
    let request = json!({
        "messages": [{"role": "user", "content": [{"text": "What is the most popular song on WZPZ?"}]}],
        "toolConfig": {"tools": [{"toolSpec": {"name": "top_song", "inputSchema": {"json": {"type": "object"}}}}]}
    });
    converse(&genai, &mock, MODEL, &request).await;

    let spans = t.spans();
    let chat = spans
        .span(&format!("chat {MODEL}"))
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["tool_call"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 375)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 36)
        .lacks_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)
        .lacks_attribute(AWS_BEDROCK_GUARDRAIL_ID);
    assert_eq!(
        json_attribute(&chat, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [
            {"type": "tool_call", "id": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "top_song", "arguments": {"sign": "WZPZ"}}
        ], "finish_reason": "tool_call"}])
    );
}

#[tokio::test]
async fn a_converse_stream_records_time_to_first_chunk_usage_and_what_was_streamed() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanOnly);
    let mock = Mock::with_providers(t.providers()).await;
    converse_stream(&genai, &mock, MODEL, &request())
        .await
        .expect("a whole stream");

    let spans = t.spans();
    let name = format!("chat {MODEL}");
    spans.assert_tree(&format!("{name}\n  POST"));
    let chat = spans
        .span(&name)
        .has_status_unset()
        .has_attribute(GEN_AI_REQUEST_STREAM, true)
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["tool_call"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 375)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 36)
        .has_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 0)
        .has_attribute_satisfying(
            GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
            "seconds",
            |v| matches!(v, AttributeValue::Double(s) if *s >= 0.0 && *s < 10.0),
        );
    assert_eq!(
        json_attribute(&chat, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [
            {"type": "text", "content": "The most popular song on WZPZ is Elemental Hotel."},
            {"type": "tool_call", "id": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "top_song", "arguments": {"sign": "WZPZ"}}
        ], "finish_reason": "tool_call"}])
    );
    t.metrics()
        .metric(GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)
        .histogram_point(&[(GEN_AI_PROVIDER_NAME, attr("aws.bedrock"))])
        .has_count(1);
}

#[tokio::test]
async fn error_answers_and_stream_exceptions_set_the_exception_s_name() {
    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    let mock = Mock::with_providers(t.providers()).await;
    converse(&genai, &mock, mock::THROTTLED_MODEL, &request()).await;
    converse(&genai, &mock, mock::INVALID_MODEL, &request()).await;
    let thrown = converse_stream(&genai, &mock, mock::THROWING_STREAM_MODEL, &request()).await;
    assert!(matches!(thrown, Err(StreamError::Provider(_))), "{thrown:?}");
    let cut = converse_stream(&genai, &mock, mock::CUT_STREAM_MODEL, &request()).await;
    assert_eq!(cut, Err(StreamError::Truncated));

    let spans = t.spans();
    spans
        .span("chat throttled")
        .is_error()
        .has_error_description("429 ThrottlingException: Too many requests, please wait before trying again.")
        .has_attribute("error.type", "ThrottlingException");
    spans
        .span("chat invalid")
        .is_error()
        .has_error_description("400 ValidationException: The provided model identifier is invalid.")
        .has_attribute("error.type", "ValidationException");
    spans
        .span("chat throwing")
        .is_error()
        .has_error_description("ThrottlingException: Too many requests, please wait before trying again.")
        .has_attribute("error.type", "ThrottlingException")
        .has_attribute(GEN_AI_REQUEST_STREAM, true);
    spans
        .span("chat cut")
        .is_error()
        .has_error_description("the stream ended before its last event")
        .has_attribute("error.type", "stream_truncated");
    let metrics = t.metrics();
    for (model, error_type) in [
        (mock::THROTTLED_MODEL, "ThrottlingException"),
        (mock::INVALID_MODEL, "ValidationException"),
        (mock::THROWING_STREAM_MODEL, "ThrottlingException"),
        (mock::CUT_STREAM_MODEL, "stream_truncated"),
    ] {
        metrics
            .metric(GEN_AI_CLIENT_OPERATION_DURATION)
            .histogram_point(&[
                (GEN_AI_REQUEST_MODEL, attr(model)),
                ("error.type", attr(error_type)),
            ])
            .has_count(1);
    }
    metrics.assert_absent(GEN_AI_CLIENT_TOKEN_USAGE);
}
