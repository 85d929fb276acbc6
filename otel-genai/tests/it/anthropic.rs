//! The Anthropic readers around real HTTP calls to the mock's `/v1/messages`, through
//! reqwest + otel-kit-http's `ClientMiddleware`, answered with the documented shapes of
//! Anthropic's Messages and streaming docs (`fixtures/anthropic_*`: a text answer, given
//! cache counts, a tool use, the basic and the tool-use streams, an `overloaded_error`
//! answer and stream event). Attributes are checked against the conventions (1.41's
//! Anthropic page: the cache counts added to `gen_ai.usage.input_tokens`). Each test
//! has its own harness, so they run in parallel.

use opentelemetry::trace::SpanKind;
use otel_kit_genai::anthropic::{self, ChatStream};
use otel_kit_genai::attributes::*;
use otel_kit_genai::content::CaptureMode;
use otel_kit_genai::{GenAi, StreamError};
use otel_kit_testing::{AttributeValue, SpanAssert, TestTelemetry};
use serde_json::{Value, json};

use crate::mock::{self, Mock};

fn attr(value: impl Into<AttributeValue>) -> AttributeValue {
    value.into()
}

/// A span attribute holding JSON (captured content), parsed.
fn json_attribute(span: &SpanAssert<'_>, key: &str) -> Value {
    let text = span.record().attribute(key).and_then(AttributeValue::as_str);
    serde_json::from_str(text.unwrap_or_else(|| panic!("{key} as a JSON string"))).expect("valid JSON")
}

fn request(model: &str) -> Value {
    json!({
        "model": model,
        "max_tokens": 1024,
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 40,
        "stop_sequences": ["\n\nHuman:"],
        "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": "What's the weather in Paris?"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "The tool knows.", "signature": "EqQBCgIYAhIM"},
                {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01", "content": "14°C, rain"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "text", "text": "And tomorrow?"}
            ]}
        ]
    })
}

/// Sends `request` to `/v1/messages` as `genai`'s call and records the answer.
async fn call(genai: &GenAi, mock: &Mock, request: &Value) {
    let call = genai.start(anthropic::chat(request).server_url(&mock.base_url));
    let (status, body) = call.in_call(mock.post("/messages", request)).await;
    if status == 200 {
        call.record_response(&anthropic::chat_response(&body).expect("a Messages body"));
    } else {
        call.record_error(&anthropic::api_error(status, &body));
    }
}

/// Streams `request` through a [`ChatStream`], network chunk by network chunk.
async fn stream(genai: &GenAi, mock: &Mock, request: &Value) -> Result<(), StreamError> {
    let mut call = genai.start(anthropic::chat(request));
    let mut response = call.in_call(mock.send("/messages", request)).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
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
async fn a_messages_call_has_the_conventions_attributes_and_the_http_span_as_its_child() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanOnly);
    let mock = Mock::with_providers(t.providers()).await;
    call(&genai, &mock, &request("claude-sonnet-4-5")).await;

    let spans = t.spans();
    spans
        .assert_single_trace()
        .assert_tree("chat claude-sonnet-4-5\n  POST");
    let chat = spans.span("chat claude-sonnet-4-5");
    spans.span("POST").has_kind(SpanKind::Client).has_parent(&chat);
    let chat = chat
        .has_kind(SpanKind::Client)
        .has_status_unset()
        .has_attribute(GEN_AI_OPERATION_NAME, "chat")
        .has_attribute(GEN_AI_PROVIDER_NAME, "anthropic")
        .has_attribute(GEN_AI_REQUEST_MODEL, "claude-sonnet-4-5")
        .has_attribute(GEN_AI_REQUEST_MAX_TOKENS, 1024)
        .has_attribute(GEN_AI_REQUEST_TEMPERATURE, 0.7)
        .has_attribute(GEN_AI_REQUEST_TOP_P, 0.9)
        .has_attribute(GEN_AI_REQUEST_TOP_K, 40.0)
        .has_attribute(GEN_AI_REQUEST_STOP_SEQUENCES, vec!["\n\nHuman:"])
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(mock.port))
        .has_attribute(GEN_AI_RESPONSE_ID, "msg_013Zva2CMHLNnXjNJJKqJ2EF")
        .has_attribute(GEN_AI_RESPONSE_MODEL, "claude-sonnet-4-5-20250929")
        // `end_turn` is the conventions' `stop`.
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        // input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 2095 + 100_000 + 248)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 503)
        .has_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 100_000)
        .has_attribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 248)
        .lacks_attribute(GEN_AI_REQUEST_STREAM)
        .lacks_attribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)
        .lacks_attribute("error.type")
        .lacks_attributes_under("openai.");
    assert_eq!(
        json_attribute(&chat, GEN_AI_SYSTEM_INSTRUCTIONS),
        json!([{"type": "text", "content": "You are terse."}])
    );
    assert_eq!(
        json_attribute(&chat, GEN_AI_INPUT_MESSAGES),
        json!([
            {"role": "user", "parts": [{"type": "text", "content": "What's the weather in Paris?"}]},
            {"role": "assistant", "parts": [
                {"type": "reasoning", "content": "The tool knows."},
                {"type": "tool_call", "id": "toolu_01", "name": "get_weather", "arguments": {"city": "Paris"}}
            ]},
            {"role": "user", "parts": [
                {"type": "tool_call_response", "id": "toolu_01", "response": "14°C, rain"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "text", "content": "And tomorrow?"}
            ]}
        ])
    );
    assert_eq!(
        json_attribute(&chat, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "Hi! My name is Claude."}], "finish_reason": "stop"}])
    );

    let metrics = t.metrics();
    let token = |kind: &str| {
        vec![
            (GEN_AI_PROVIDER_NAME, attr("anthropic")),
            (GEN_AI_RESPONSE_MODEL, attr("claude-sonnet-4-5-20250929")),
            (GEN_AI_TOKEN_TYPE, attr(kind)),
        ]
    };
    let usage = metrics.metric(GEN_AI_CLIENT_TOKEN_USAGE);
    usage.histogram_point(&token("input")).has_sum(102_343.0);
    usage.histogram_point(&token("output")).has_sum(503.0);
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(GEN_AI_PROVIDER_NAME, attr("anthropic"))])
        .has_count(1);
}

#[tokio::test]
async fn a_tool_use_answer_finishes_with_a_tool_call() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanOnly);
    let mock = Mock::with_providers(t.providers()).await;
    let mut request = request("claude-sonnet-4-5");
    request["messages"] = json!([{"role": "user", "content": "What's the weather like in San Francisco?"}]);
    request["tools"] = json!([{"name": "get_weather", "input_schema": {"type": "object"}}]);
    call(&genai, &mock, &request).await;

    let spans = t.spans();
    let chat = spans
        .span("chat claude-sonnet-4-5")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["tool_call"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 472)
        .lacks_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
    assert_eq!(
        json_attribute(&chat, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [
            {"type": "text", "content": "I'll check the current weather in San Francisco for you."},
            {"type": "tool_call", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
             "arguments": {"location": "San Francisco, CA", "unit": "celsius"}}
        ], "finish_reason": "tool_call"}])
    );
}

#[tokio::test]
async fn streams_record_time_to_first_chunk_usage_and_what_was_streamed() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanOnly);
    let mock = Mock::with_providers(t.providers()).await;
    let mut text = request("claude-sonnet-4-5");
    text["stream"] = json!(true);
    stream(&genai, &mock, &text).await.expect("the basic stream");
    let mut tools = text.clone();
    tools["model"] = json!("claude-opus-4-1");
    tools["messages"] = json!([{"role": "user", "content": "What's the weather like in San Francisco?"}]);
    tools["tools"] = json!([{"name": "get_weather", "input_schema": {"type": "object"}}]);
    stream(&genai, &mock, &tools).await.expect("the tool-use stream");

    let spans = t.spans();
    spans.assert_tree("chat claude-sonnet-4-5\n  POST\nchat claude-opus-4-1\n  POST");
    let seconds = |v: &AttributeValue| matches!(v, AttributeValue::Double(s) if *s >= 0.0 && *s < 10.0);
    let basic = spans
        .span("chat claude-sonnet-4-5")
        .has_attribute(GEN_AI_REQUEST_STREAM, true)
        .has_attribute(GEN_AI_RESPONSE_ID, "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 25)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 15)
        .has_attribute_satisfying(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, "seconds", seconds);
    assert_eq!(
        json_attribute(&basic, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "Hello!"}], "finish_reason": "stop"}])
    );
    let tool_use = spans
        .span("chat claude-opus-4-1")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["tool_call"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 472)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 89)
        .has_attribute_satisfying(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, "seconds", seconds);
    assert_eq!(
        json_attribute(&tool_use, GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [
            {"type": "text", "content": "Okay, let's check the weather for San Francisco, CA:"},
            {"type": "tool_call", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather",
             "arguments": {"location": "San Francisco, CA", "unit": "fahrenheit"}}
        ], "finish_reason": "tool_call"}])
    );
    let metrics = t.metrics();
    for model in ["claude-sonnet-4-5", "claude-opus-4-1"] {
        metrics
            .metric(GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)
            .histogram_point(&[
                (GEN_AI_PROVIDER_NAME, attr("anthropic")),
                (GEN_AI_REQUEST_MODEL, attr(model)),
            ])
            .has_count(1)
            .has_bucket_boundaries(&GENAI_DURATION_BUCKETS);
    }
}

#[tokio::test]
async fn an_overloaded_answer_and_an_error_event_set_the_provider_s_error_type() {
    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    let mock = Mock::with_providers(t.providers()).await;
    call(&genai, &mock, &request(mock::RATE_LIMITED_MODEL)).await;
    let mut streamed = request(mock::BROKEN_MODEL);
    streamed["stream"] = json!(true);
    let error = stream(&genai, &mock, &streamed)
        .await
        .expect_err("an error event");
    assert_eq!(error.error_type(), "overloaded_error");

    let spans = t.spans();
    let overloaded = spans
        .span("chat rate-limited")
        .is_error()
        .has_error_description("529 overloaded_error: Overloaded")
        .has_attribute("error.type", "overloaded_error")
        .lacks_attribute(GEN_AI_USAGE_INPUT_TOKENS);
    let event = spans
        .span("chat broken")
        .is_error()
        .has_error_description("overloaded_error: Overloaded")
        .has_attribute("error.type", "overloaded_error")
        .has_attribute_key(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    // The exception events name the error's Rust type.
    let logs = t.logs();
    for (span, exception_type) in [
        (&overloaded, "otel_kit_genai::errors::ProviderError"),
        (&event, "otel_kit_genai::errors::StreamError"),
    ] {
        let span_id = span.record().span_id.as_str();
        logs.record_where("the exception event", |r| {
            r.event_name == GEN_AI_CLIENT_OPERATION_EXCEPTION && r.span_id.as_deref() == Some(span_id)
        })
        .has_attribute("exception.type", exception_type);
    }
    let metrics = t.metrics();
    for model in [mock::RATE_LIMITED_MODEL, mock::BROKEN_MODEL] {
        metrics
            .metric(GEN_AI_CLIENT_OPERATION_DURATION)
            .histogram_point(&[
                (GEN_AI_REQUEST_MODEL, attr(model)),
                ("error.type", attr("overloaded_error")),
            ])
            .has_count(1);
    }
}
