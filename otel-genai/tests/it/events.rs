//! The two log events of a call, read from the harness's logs: the details event of
//! captured content (`gen_ai.client.inference.operation.details`: INFO, structured
//! content, the inference attributes, never tool arguments or results) and the
//! exception event of a failed call (`gen_ai.client.operation.exception`: WARN, once per
//! failed call, none for a cancelled one), each in its call's span context; and neither
//! without a logger provider. Calls go to a `GenAi` given the harness's providers, so
//! these tests run in parallel.

use opentelemetry::logs::Severity;
use otel_kit_genai::attributes::*;
use otel_kit_genai::content::{CaptureMode, ChatMessage};
use otel_kit_genai::openai::ApiError;
use otel_kit_genai::{GenAi, Response, Usage};
use otel_kit_semconv::attribute::{EXCEPTION_MESSAGE, EXCEPTION_TYPE};
use otel_kit_testing::{LogRecord, TestTelemetry, alone};
use serde_json::json;

use crate::json::to_json;

fn genai(t: &TestTelemetry, mode: CaptureMode) -> GenAi {
    GenAi::new().providers(t.providers()).capture_mode(mode)
}

fn named(name: &'static str) -> impl Fn(&LogRecord) -> bool {
    move |record| record.event_name == name
}

#[test]
fn the_details_event_has_structured_content_its_severity_and_the_inference_attributes() {
    let t = TestTelemetry::new();
    let mut call = genai(&t, CaptureMode::EventOnly).start(
        otel_kit_genai::chat("openai", "gpt-4o")
            .temperature(0.2)
            .top_p(0.9)
            .top_k(40.0)
            .max_tokens(512)
            .seed(7)
            .stop_sequences(["END"])
            .choice_count(2)
            .frequency_penalty(0.1)
            .presence_penalty(0.3)
            .stream(true)
            .output_type("json")
            .conversation_id("conv-1")
            .server("api.openai.com", 443)
            .system_instructions(json!([{"type": "text", "content": "Be terse."}]))
            .input_messages(vec![ChatMessage::user("Weather in Paris?")]),
    );
    call.record_chunk();
    call.record_response(
        &Response::new()
            .id("chatcmpl-1")
            .model("gpt-4o-2024-08-06")
            .finish_reason("stop")
            .usage(Usage {
                input_tokens: Some(19),
                output_tokens: Some(10),
                cache_read_input_tokens: Some(4),
                cache_creation_input_tokens: Some(2),
                reasoning_output_tokens: Some(1),
            })
            .output_message(ChatMessage::assistant("Rainy, 14°C.").with_finish_reason("stop")),
    );

    let spans = t.spans();
    // EVENT_ONLY: the content is on the event, not on the span.
    let chat = spans
        .span("chat gpt-4o")
        .lacks_attribute(GEN_AI_INPUT_MESSAGES)
        .lacks_attribute(GEN_AI_OUTPUT_MESSAGES)
        .lacks_attribute(GEN_AI_SYSTEM_INSTRUCTIONS);
    let logs = t.logs();
    logs.assert_count(1);
    let event = logs
        .record_where(
            "the details event",
            named(GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS),
        )
        .has_severity(Severity::Info)
        .is_in_span(&chat)
        .has_attribute(GEN_AI_OPERATION_NAME, "chat")
        .has_attribute(GEN_AI_PROVIDER_NAME, "openai")
        .has_attribute(GEN_AI_REQUEST_MODEL, "gpt-4o")
        .has_attribute(GEN_AI_REQUEST_TEMPERATURE, 0.2)
        .has_attribute(GEN_AI_REQUEST_TOP_P, 0.9)
        .has_attribute(GEN_AI_REQUEST_MAX_TOKENS, 512)
        .has_attribute(GEN_AI_REQUEST_SEED, 7)
        .has_attribute(GEN_AI_REQUEST_STOP_SEQUENCES, vec!["END"])
        .has_attribute(GEN_AI_REQUEST_CHOICE_COUNT, 2)
        .has_attribute(GEN_AI_REQUEST_FREQUENCY_PENALTY, 0.1)
        .has_attribute(GEN_AI_REQUEST_PRESENCE_PENALTY, 0.3)
        .has_attribute(GEN_AI_REQUEST_STREAM, true)
        .has_attribute(GEN_AI_OUTPUT_TYPE, "json")
        .has_attribute(GEN_AI_CONVERSATION_ID, "conv-1")
        .has_attribute("server.address", "api.openai.com")
        .has_attribute("server.port", 443)
        .has_attribute(GEN_AI_RESPONSE_ID, "chatcmpl-1")
        .has_attribute(GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
        .has_attribute(GEN_AI_RESPONSE_FINISH_REASONS, vec!["stop"])
        .has_attribute(GEN_AI_USAGE_INPUT_TOKENS, 19)
        .has_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, 10)
        .has_attribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 4)
        .has_attribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 2)
        .has_attribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 1)
        // The inference span's own `top_k` is not in the event's definition.
        .lacks_attribute(GEN_AI_REQUEST_TOP_K)
        .lacks_attribute("error.type");
    let record = event.record();
    assert_eq!(record.severity_text, "INFO");
    assert!(
        record
            .attribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)
            .and_then(|v| v.as_f64())
            .is_some(),
        "{record:?}"
    );
    let structured = |key: &str| {
        to_json(
            record
                .attribute(key)
                .unwrap_or_else(|| panic!("{key} on the event")),
        )
    };
    assert_eq!(
        structured(GEN_AI_INPUT_MESSAGES),
        json!([{"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}])
    );
    assert_eq!(
        structured(GEN_AI_OUTPUT_MESSAGES),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "Rainy, 14°C."}], "finish_reason": "stop"}])
    );
    assert_eq!(
        structured(GEN_AI_SYSTEM_INSTRUCTIONS),
        json!([{"type": "text", "content": "Be terse."}])
    );
}

#[test]
fn tool_arguments_and_results_stay_on_the_span_and_never_reach_the_details_event() {
    let t = TestTelemetry::new();
    let tool = genai(&t, CaptureMode::EventOnly).start(
        otel_kit_genai::execute_tool("get_weather")
            .tool_arguments(json!({"city": "Paris"}))
            .input_messages(vec![ChatMessage::user("Weather in Paris?")]),
    );
    tool.record_tool_result(&json!({"temperature_c": 14}));

    let spans = t.spans();
    let span = spans
        .span("execute_tool get_weather")
        .has_attribute(GEN_AI_TOOL_CALL_ARGUMENTS, r#"{"city":"Paris"}"#)
        .has_attribute(GEN_AI_TOOL_CALL_RESULT, r#"{"temperature_c":14}"#)
        .lacks_attribute(GEN_AI_INPUT_MESSAGES);
    t.logs()
        .assert_count(1)
        .record_where(
            "the details event",
            named(GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS),
        )
        .is_in_span(&span)
        .has_attribute(GEN_AI_OPERATION_NAME, "execute_tool")
        .lacks_attribute(GEN_AI_TOOL_CALL_ARGUMENTS)
        .lacks_attribute(GEN_AI_TOOL_CALL_RESULT);
}

#[test]
fn a_failed_call_emits_one_exception_event_at_warn_in_its_span() {
    let t = TestTelemetry::new();
    // Capture off (the default): the exception event is no content, it is emitted anyway.
    let genai = genai(&t, CaptureMode::NoContent);
    let rate_limited = ApiError::from_response(429, crate::mock::RATE_LIMITED.as_bytes());
    genai
        .start(otel_kit_genai::chat("openai", "gpt-4o"))
        .record_error(&rate_limited);
    genai
        .start(otel_kit_genai::chat("openai", "gpt-4o-mini"))
        .record_error(&std::io::Error::other("connection reset"));
    let long = "é".repeat(3000);
    genai
        .start(otel_kit_genai::execute_tool("get_weather"))
        .record_error_type("tool_failed", &long);
    // Neither a success nor a cancellation is an exception.
    genai.start(otel_kit_genai::chat("openai", "ok")).end();
    drop(genai.start(otel_kit_genai::chat("openai", "dropped")));

    let spans = t.spans();
    let logs = t.logs();
    logs.assert_count(3);
    assert!(
        logs.as_slice()
            .iter()
            .all(|r| r.event_name == GEN_AI_CLIENT_OPERATION_EXCEPTION && r.severity_text == "WARN"),
        "{}",
        logs.listing()
    );
    let of_type = |exception_type: &'static str| {
        move |r: &LogRecord| r.attribute(EXCEPTION_TYPE).and_then(|v| v.as_str()) == Some(exception_type)
    };
    logs.record_where(
        "the API error",
        of_type("otel_kit_genai::openai::error::ApiError"),
    )
    .has_severity(Severity::Warn)
    .is_in_span(&spans.span("chat gpt-4o"))
    .has_attribute(EXCEPTION_MESSAGE, rate_limited.to_string().as_str());
    logs.record_where("the I/O error", of_type("std::io::error::Error"))
        .is_in_span(&spans.span("chat gpt-4o-mini"))
        .has_attribute(EXCEPTION_MESSAGE, "connection reset");
    let tool = spans.span("execute_tool get_weather");
    let bounded = "é".repeat(512);
    logs.record_where("the tool's error", of_type("tool_failed"))
        .is_in_span(&tool)
        .has_attribute(EXCEPTION_MESSAGE, bounded.as_str());
    // The span's status description is bounded the same way.
    tool.has_error_description(&bounded)
        .has_attribute("error.type", "tool_failed");
}

#[test]
fn without_a_logger_provider_no_event_is_emitted_and_nothing_panics() {
    // Alone: no other test has set the kit's global logger provider in this process.
    alone(
        "events::without_a_logger_provider_no_event_is_emitted_and_nothing_panics",
        || {
            assert!(otel_kit_core::log_events::global_logger_provider().is_none());
            let t = TestTelemetry::new();
            let providers = otel_kit_genai::Providers::new()
                .tracer_provider(t.tracer_provider().clone())
                .meter_provider(t.meter_provider().clone());
            let genai = GenAi::new()
                .providers(providers)
                .capture_mode(CaptureMode::EventOnly);
            genai
                .start(otel_kit_genai::chat("openai", "gpt-4o").input_messages(vec![ChatMessage::user("Hi")]))
                .record_error(&std::io::Error::other("connection reset"));
            t.spans().span("chat gpt-4o").is_error();
            t.logs().assert_count(0);
        },
    );
}
