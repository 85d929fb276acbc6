//! The helpers around real HTTP calls to an OpenAI-compatible mock server, through
//! reqwest + otel-kit-http's `ClientMiddleware`: spans, typed attributes, content only when
//! enabled, metrics and their buckets, and the HTTP client span nested under the GenAI
//! span. Every test installs the harness globally, so they run one at a time.

use opentelemetry::trace::SpanKind;
use otel_kit_genai::attributes::*;
use otel_kit_genai::content::CaptureMode;
use otel_kit_genai::openai::{self, ApiError, ChatStream};
use otel_kit_genai::{GenAi, Price, PriceTable};
use otel_kit_testing::{AttributeValue, TestTelemetry};
use serde_json::{Value, json};

use crate::json::to_json;
use crate::mock::{self, Mock};

fn chat_request(model: &str) -> Value {
    json!({
        "model": model,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 512,
        "seed": 7,
        "stop": ["\n\n", "END"],
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Weather in Paris?"}
        ]
    })
}

fn attr(value: impl Into<AttributeValue>) -> AttributeValue {
    value.into()
}

#[tokio::test]
async fn chat_span_has_typed_attributes_and_the_http_span_is_its_child() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    let request = chat_request("gpt-4o");

    let call = openai::chat("openai", &request)
        .server_url(&mock.base_url)
        .conversation_id("conv-1")
        .start();
    let (status, body) = call.in_call(mock.post("/chat/completions", &request)).await;
    assert_eq!(status, 200);
    call.record_response(&openai::chat_response(&body).expect("chat body"));

    let spans = t.spans();
    spans.assert_single_trace().assert_tree(
        "
        chat gpt-4o
          POST
        ",
    );
    let chat = spans.span("chat gpt-4o");
    spans.span("POST").has_kind(SpanKind::Client).has_parent(&chat);
    chat.has_kind(SpanKind::Client)
        .has_scope_name(otel_kit_genai::INSTRUMENTATION_SCOPE)
        .has_scope_version(env!("CARGO_PKG_VERSION"))
        .has_status_unset()
        .has_attribute(GEN_AI_OPERATION_NAME, "chat")
        .has_attribute(GEN_AI_PROVIDER_NAME, "openai")
        .has_attribute(GEN_AI_REQUEST_MODEL, "gpt-4o")
        .has_attribute(GEN_AI_REQUEST_TEMPERATURE, 0.2)
        .has_attribute(GEN_AI_REQUEST_TOP_P, 0.9)
        .has_attribute(GEN_AI_REQUEST_MAX_TOKENS, 512)
        .has_attribute(GEN_AI_REQUEST_SEED, 7)
        .has_attribute(GEN_AI_REQUEST_STOP_SEQUENCES, vec!["\n\n", "END"])
        .has_attribute(GEN_AI_CONVERSATION_ID, "conv-1")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(mock.port))
        .has_attribute(GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
        .has_attribute(GEN_AI_RESPONSE_ID, "chatcmpl-AZ9x1")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 19)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 10)
        .has_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 0)
        .has_attribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 0)
        // Content is off by default.
        .lacks_attribute(GEN_AI_INPUT_MESSAGES)
        .lacks_attribute(GEN_AI_OUTPUT_MESSAGES)
        .lacks_attribute(OTEL_GENAI_COST_ESTIMATE)
        .lacks_attribute("error.type")
        .has_event_count(0);

    let metrics = t.metrics();
    let common = [
        (GEN_AI_OPERATION_NAME, attr("chat")),
        (GEN_AI_PROVIDER_NAME, attr("openai")),
        (GEN_AI_REQUEST_MODEL, attr("gpt-4o")),
        (GEN_AI_RESPONSE_MODEL, attr("gpt-4o-2024-08-06")),
        ("server.address", attr("127.0.0.1")),
        ("server.port", attr(i64::from(mock.port))),
    ];
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .has_unit("s")
        .is_histogram()
        .histogram_point(&common)
        .has_count(1)
        .has_bucket_boundaries(&GENAI_DURATION_BUCKETS);
    let tokens = |token_type: &str| {
        let mut attributes = common.to_vec();
        attributes.push((GEN_AI_TOKEN_TYPE, attr(token_type)));
        attributes
    };
    metrics
        .metric(GEN_AI_CLIENT_TOKEN_USAGE)
        .has_unit("{token}")
        .histogram_point(&tokens("input"))
        .has_sum(19.0)
        .has_bucket_boundaries(&TOKEN_BUCKETS);
    metrics
        .metric(GEN_AI_CLIENT_TOKEN_USAGE)
        .histogram_point(&tokens("output"))
        .has_sum(10.0);
    metrics.assert_absent(GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK);
}

#[tokio::test]
async fn tool_calls_are_recorded_and_content_appears_only_when_enabled() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    let mut request = chat_request("gpt-4o");
    request["tools"] = json!([{"type": "function", "function": {"name": "get_weather"}}]);

    for capture in [false, true] {
        let call = openai::chat("openai", &request).capture_content(capture).start();
        let (_, body) = call.in_call(mock.post("/chat/completions", &request)).await;
        call.record_response(&openai::chat_response(&body).expect("tool-call body"));
    }

    let spans = t.spans();
    let [without, with] = spans.named("chat gpt-4o").try_into().expect("two chat spans");
    without
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["tool_calls"])
        .has_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 32)
        .lacks_attribute(GEN_AI_INPUT_MESSAGES)
        .lacks_attribute(GEN_AI_OUTPUT_MESSAGES);
    let with = with.record();
    let input: Value = serde_json::from_str(
        with.attribute(GEN_AI_INPUT_MESSAGES)
            .and_then(AttributeValue::as_str)
            .expect("input messages as a JSON string"),
    )
    .expect("valid JSON");
    assert_eq!(
        input,
        json!([
            {"role": "system", "parts": [{"type": "text", "content": "You are terse."}]},
            {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
        ])
    );
    let output: Value = serde_json::from_str(
        with.attribute(GEN_AI_OUTPUT_MESSAGES)
            .and_then(AttributeValue::as_str)
            .expect("output messages"),
    )
    .expect("valid JSON");
    assert_eq!(
        output,
        json!([{
            "role": "assistant",
            "parts": [{
                "type": "tool_call",
                "id": "call_VSPygqKTWdrhaFErNvMV18Yl",
                "name": "get_weather",
                "arguments": {"city": "Paris"}
            }],
            "finish_reason": "tool_calls"
        }])
    );
}

#[tokio::test]
async fn embeddings_record_the_requested_dimensions_and_input_tokens_only() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    let request = json!({"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "float", "dimensions": 8});

    let call = openai::embeddings("openai", &request)
        .server_url(&mock.base_url)
        .start();
    let (_, body) = call.in_call(mock.post("/embeddings", &request)).await;
    call.record_response(&openai::embeddings_response(&body).expect("embeddings body"));

    let spans = t.spans();
    spans.assert_tree(
        "
        embeddings text-embedding-3-small
          POST
        ",
    );
    spans
        .span("embeddings text-embedding-3-small")
        .has_kind(SpanKind::Client)
        .has_attribute(GEN_AI_OPERATION_NAME, "embeddings")
        .has_attribute(GEN_AI_REQUEST_ENCODING_FORMATS, vec!["float"])
        .has_attribute(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 8)
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 8)
        .lacks_attribute(GEN_AI_USAGE_OUTPUT_TOKENS);
    let metrics = t.metrics();
    metrics
        .metric(GEN_AI_CLIENT_TOKEN_USAGE)
        .has_point_count(1)
        .histogram_point(&[(GEN_AI_TOKEN_TYPE, attr("input"))])
        .has_sum(8.0);
}

/// Streams `/chat/completions` through a [`ChatStream`], chunk by chunk.
async fn stream_chat(mock: &Mock, include_usage: bool) {
    let mut request = chat_request("gpt-4o");
    request["stream"] = json!(true);
    if include_usage {
        request["stream_options"] = json!({"include_usage": true});
    }
    let mut call = openai::chat("openai", &request).start();
    let mut response = call.in_call(mock.send("/chat/completions", &request)).await;
    let mut stream = ChatStream::new();
    while let Some(chunk) = call.in_call(response.chunk()).await.expect("chunk") {
        call.record_chunk();
        stream.push(&chunk);
    }
    assert!(stream.is_done());
    call.record_response(&stream.finish());
}

#[tokio::test]
async fn a_stream_with_the_usage_chunk_records_usage_and_time_to_first_chunk() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    stream_chat(&mock, true).await;

    let spans = t.spans();
    spans.assert_tree("chat gpt-4o\n  POST");
    spans
        .span("chat gpt-4o")
        .has_attribute(GEN_AI_REQUEST_STREAM, true)
        .has_attribute(GEN_AI_RESPONSE_ID, "chatcmpl-AZ9x3")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 19)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 5)
        .has_attribute_satisfying(
            GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
            "a double of seconds",
            |v| matches!(v, AttributeValue::Double(s) if *s >= 0.0 && *s < 10.0),
        );
    let metrics = t.metrics();
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)
        .has_unit("s")
        .histogram_point(&[(GEN_AI_OPERATION_NAME, attr("chat"))])
        .has_count(1)
        .has_bucket_boundaries(&GENAI_DURATION_BUCKETS);
    metrics.metric(GEN_AI_CLIENT_TOKEN_USAGE).has_point_count(2);
}

#[tokio::test]
async fn a_stream_without_the_usage_chunk_records_no_made_up_counts() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    stream_chat(&mock, false).await;

    t.spans()
        .span("chat gpt-4o")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        .lacks_attribute(GEN_AI_USAGE_INPUT_TOKENS)
        .lacks_attribute(GEN_AI_USAGE_OUTPUT_TOKENS)
        .has_attribute_key(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    let metrics = t.metrics();
    metrics.assert_absent(GEN_AI_CLIENT_TOKEN_USAGE);
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&[])
        .has_count(1);
}

#[tokio::test]
async fn rate_limit_and_server_errors_set_error_type_and_status() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    for (model, status) in [(mock::RATE_LIMITED_MODEL, 429), (mock::BROKEN_MODEL, 500)] {
        let request = chat_request(model);
        let call = openai::chat("openai", &request).start();
        let (got, body) = call.in_call(mock.post("/chat/completions", &request)).await;
        assert_eq!(got, status);
        call.record_error(&ApiError::from_response(got, &body));
    }

    let spans = t.spans();
    spans.assert_tree(
        "
        chat rate-limited
          POST
        chat broken
          POST
        ",
    );
    spans
        .span("chat rate-limited")
        .is_error()
        .has_error_description(
            "429: Rate limit reached for gpt-4o in organization org-xyz on tokens per min (TPM): \
             Limit 30000, Used 30000, Requested 19.",
        )
        .has_attribute("error.type", "429")
        .lacks_attribute(GEN_AI_USAGE_INPUT_TOKENS);
    spans
        .span("chat broken")
        .is_error()
        .has_attribute("error.type", "500");
    let metrics = t.metrics();
    for (model, error_type) in [(mock::RATE_LIMITED_MODEL, "429"), (mock::BROKEN_MODEL, "500")] {
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

#[tokio::test]
async fn a_genai_captures_to_span_and_event_with_a_hook_and_a_limit() {
    let t = TestTelemetry::new().install_global();
    let genai = GenAi::new()
        .capture_mode(CaptureMode::SpanAndEvent)
        .content_limit(120)
        .content_hook(|kind, mut content: Value| {
            if kind == otel_kit_genai::content::ContentKind::InputMessages
                && let Some(messages) = content.as_array_mut()
            {
                // Drop the system prompt before it is recorded.
                messages.retain(|m| m["role"] != "system");
            }
            Some(content)
        })
        .prices(PriceTable::new("USD").with("gpt-4o", Price::per_million(2.5, 10.0)));
    let mock = Mock::start().await;
    let mut request = chat_request("gpt-4o");
    request["messages"][1]["content"] = json!("Weather in Paris? ".repeat(50));

    let call = genai.start(openai::chat("openai", &request));
    let (_, body) = call.in_call(mock.post("/chat/completions", &request)).await;
    call.record_response(&openai::chat_response(&body).expect("body"));

    let spans = t.spans();
    let chat = spans.span("chat gpt-4o");
    let input = chat
        .record()
        .attribute(GEN_AI_INPUT_MESSAGES)
        .and_then(AttributeValue::as_str)
        .expect("input messages");
    assert!(input.len() <= 120, "{input}");
    let input: Value = serde_json::from_str(input).expect("truncated content stays valid JSON");
    assert_eq!(
        input.as_array().map(Vec::len),
        Some(1),
        "system prompt redacted: {input}"
    );
    assert!(
        input[0]["parts"][0]["content"]
            .as_str()
            .is_some_and(|c| c.ends_with('…'))
    );
    // The details event is a log record named after it, in the chat span's context,
    // with the same (redacted, limited) content, structured, and the call's identity.
    let logs = t.logs();
    let event = logs
        .record_where("the details event", |r| {
            r.event_name == GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS
        })
        .is_in_span(&chat)
        .has_attribute(GEN_AI_OPERATION_NAME, "chat")
        .has_attribute(GEN_AI_REQUEST_MODEL, "gpt-4o")
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 19);
    let structured = event.record().attribute(GEN_AI_INPUT_MESSAGES).map(to_json);
    assert_eq!(structured, Some(input));
    chat.has_event_count(0)
        .has_attribute_key(GEN_AI_OUTPUT_MESSAGES)
        // 19 input tokens at 2.5 and 10 output tokens at 10 per million.
        .has_attribute_satisfying(
            OTEL_GENAI_COST_ESTIMATE,
            "the estimate",
            |v| matches!(v, AttributeValue::Double(c) if (c - 0.0001475).abs() < 1e-12),
        )
        .has_attribute(OTEL_GENAI_COST_CURRENCY, "USD");

    // A GenAi's NO_CONTENT wins over a per-call opt-in.
    let genai = GenAi::new().capture_mode(CaptureMode::NoContent);
    t.reset();
    let call = genai.start(openai::chat("openai", &request).capture_content(true));
    assert!(!call.captures_content());
    call.end();
    t.spans()
        .span("chat gpt-4o")
        .lacks_attribute(GEN_AI_INPUT_MESSAGES)
        .has_event_count(0);
}

#[tokio::test]
async fn an_agent_loop_nests_model_tool_and_http_spans() {
    let t = TestTelemetry::new().install_global();
    let mock = Mock::start().await;
    let mut request = chat_request("gpt-4o");
    request["tools"] = json!([{"type": "function", "function": {"name": "get_weather"}}]);

    let agent = otel_kit_genai::invoke_agent("openai", "weather-bot")
        .agent_id("bot-1")
        .start();
    agent
        .in_call(async {
            let call = openai::chat("openai", &request).start();
            let (_, body) = call.in_call(mock.post("/chat/completions", &request)).await;
            let response = openai::chat_response(&body).expect("tool calls");
            call.record_response(&response);

            let tool = otel_kit_genai::execute_tool("get_weather")
                .tool_call_id("call_VSPygqKTWdrhaFErNvMV18Yl")
                .start();
            tool.record_tool_result(&json!({"temperature": 14}));

            request["messages"].as_array_mut().expect("messages").push(
                json!({"role": "tool", "tool_call_id": "call_VSPygqKTWdrhaFErNvMV18Yl", "content": "14"}),
            );
            let call = openai::chat("openai", &request).start();
            let (_, body) = call.in_call(mock.post("/chat/completions", &request)).await;
            call.record_response(&openai::chat_response(&body).expect("answer"));
        })
        .await;
    agent.end();

    let spans = t.spans();
    spans.assert_single_trace().assert_tree(
        "
        invoke_agent weather-bot
          chat gpt-4o
            POST
          execute_tool get_weather
          chat gpt-4o
            POST
        ",
    );
    spans
        .span("invoke_agent weather-bot")
        .has_kind(SpanKind::Internal)
        .has_attribute(GEN_AI_AGENT_NAME, "weather-bot")
        .has_attribute(GEN_AI_AGENT_ID, "bot-1");
    spans
        .span("execute_tool get_weather")
        .has_kind(SpanKind::Internal)
        .has_attribute(GEN_AI_TOOL_NAME, "get_weather")
        .has_attribute(GEN_AI_TOOL_TYPE, "function")
        .has_attribute(GEN_AI_TOOL_CALL_ID, "call_VSPygqKTWdrhaFErNvMV18Yl")
        .lacks_attribute(GEN_AI_TOOL_CALL_RESULT);
    // Tools have no provider: no client metrics for them; the agent has its model's.
    let metrics = t.metrics();
    let duration = metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .has_point_count(2);
    duration
        .histogram_point(&[(GEN_AI_OPERATION_NAME, attr("chat"))])
        .has_count(2);
    duration
        .histogram_point(&[(GEN_AI_OPERATION_NAME, attr("invoke_agent"))])
        .has_count(1);
}

#[tokio::test]
async fn a_dropped_call_is_a_cancellation_not_an_error() {
    let t = TestTelemetry::new().install_global();
    drop(otel_kit_genai::chat("openai", "gpt-4o").start());
    t.spans()
        .span("chat gpt-4o")
        .has_status_unset()
        .lacks_attribute("error.type");
    let metrics = t.metrics();
    let point = metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .has_point_count(1)
        .histogram_point(&[(GEN_AI_OPERATION_NAME, attr("chat"))])
        .has_count(1);
    assert!(
        point.record().attributes.iter().all(|(k, _)| k != "error.type"),
        "the duration point is not an error"
    );
}

#[test]
fn a_call_can_cross_threads_and_tasks() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<otel_kit_genai::GenAiCall>();
    send_and_sync::<otel_kit_genai::CallBuilder<'static>>();
}
