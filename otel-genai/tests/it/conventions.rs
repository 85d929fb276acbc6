//! Details of the GenAI conventions (1.41) that each took a fix: agent spans (their
//! name, their Required provider and so their metrics), `gen_ai.request.stream` only on
//! streaming requests, the embeddings dimension count from the request, the required
//! `finish_reason` of every output message, and `gen_ai.client.operation.time_per_output_chunk`.
//! Calls go to a `GenAi` given the harness's providers, so these tests run in parallel.

use std::time::Duration;

use opentelemetry::trace::SpanKind;
use otel_kit_genai::attributes::*;
use otel_kit_genai::content::{CaptureMode, ChatMessage};
use otel_kit_genai::openai::{self, ChatStream};
use otel_kit_genai::{CallBuilder, GenAi, GenAiOperation, Response};
use otel_kit_testing::{AttributeValue, TestTelemetry};
use serde_json::{Value, json};

fn genai(t: &TestTelemetry) -> GenAi {
    GenAi::new().providers(t.providers())
}

fn attr(value: impl Into<AttributeValue>) -> AttributeValue {
    value.into()
}

#[test]
fn create_agent_spans_are_named_after_the_agent_not_the_model() {
    let t = TestTelemetry::new();
    let genai = genai(&t);
    genai
        .start(otel_kit_genai::create_agent("openai", "weather-bot").model("gpt-4o"))
        .end();
    genai
        .start(
            CallBuilder::new(GenAiOperation::CreateAgent, "openai")
                .model("gpt-4o")
                .agent_name("planner"),
        )
        .end();
    genai
        .start(CallBuilder::new(GenAiOperation::CreateAgent, "openai").model("gpt-4o"))
        .end();

    let spans = t.spans();
    spans.assert_count(3);
    spans
        .span("create_agent weather-bot")
        .has_kind(SpanKind::Client)
        .has_attribute(GEN_AI_OPERATION_NAME, "create_agent")
        .has_attribute(GEN_AI_PROVIDER_NAME, "openai")
        .has_attribute(GEN_AI_REQUEST_MODEL, "gpt-4o")
        .has_attribute(GEN_AI_AGENT_NAME, "weather-bot");
    spans.span("create_agent planner");
    // No agent name: the operation alone, never the model.
    spans.span("create_agent").lacks_attribute(GEN_AI_AGENT_NAME);
}

#[test]
fn invoke_agent_has_its_required_provider_and_records_the_client_metrics() {
    let t = TestTelemetry::new();
    let genai = genai(&t);
    genai
        .start(otel_kit_genai::invoke_agent("openai", "weather-bot").agent_id("bot-1"))
        .end();

    t.spans()
        .span("invoke_agent weather-bot")
        .has_kind(SpanKind::Internal)
        .has_attribute(GEN_AI_OPERATION_NAME, "invoke_agent")
        .has_attribute(GEN_AI_PROVIDER_NAME, "openai")
        .has_attribute(GEN_AI_AGENT_NAME, "weather-bot")
        .has_attribute(GEN_AI_AGENT_ID, "bot-1");
    t.metrics()
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (GEN_AI_OPERATION_NAME, attr("invoke_agent")),
            (GEN_AI_PROVIDER_NAME, attr("openai")),
        ])
        .has_count(1);
}

#[test]
fn request_stream_is_recorded_only_for_a_streaming_request() {
    let t = TestTelemetry::new();
    let genai = genai(&t);
    let unary = json!({"model": "unary", "stream": false, "messages": []});
    genai.start(openai::chat("openai", &unary)).end();
    genai
        .start(otel_kit_genai::chat("openai", "plain").stream(false))
        .end();
    genai
        .start(
            otel_kit_genai::chat("openai", "changed")
                .stream(true)
                .stream(false),
        )
        .end();
    genai
        .start(otel_kit_genai::chat("openai", "streamed").stream(true))
        .end();

    let spans = t.spans();
    for name in ["chat unary", "chat plain", "chat changed"] {
        spans.span(name).lacks_attribute(GEN_AI_REQUEST_STREAM);
    }
    spans
        .span("chat streamed")
        .has_attribute(GEN_AI_REQUEST_STREAM, true);
}

#[test]
fn the_embeddings_dimension_count_is_the_one_the_request_asks_for() {
    let t = TestTelemetry::new();
    let genai = genai(&t);
    // The recorded answer has vectors of 8 numbers: not what the attribute says.
    let answer = openai::embeddings_response(crate::mock::EMBEDDINGS.as_bytes()).expect("body");
    let asked = json!({"model": "asked", "input": ["a"], "dimensions": 256});
    genai
        .start(openai::embeddings("openai", &asked))
        .record_response(&answer);
    let not_asked = json!({"model": "not-asked", "input": ["a"]});
    genai
        .start(openai::embeddings("openai", &not_asked))
        .record_response(&answer);
    genai
        .start(otel_kit_genai::embeddings("openai", "built").embedding_dimensions(512))
        .end();

    let spans = t.spans();
    spans
        .span("embeddings asked")
        .has_attribute(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 256);
    spans
        .span("embeddings not-asked")
        .lacks_attribute(GEN_AI_EMBEDDINGS_DIMENSION_COUNT);
    spans
        .span("embeddings built")
        .has_attribute(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 512);
}

/// `gen_ai.output.messages` of the one span named `name`, parsed.
fn output_messages(t: &TestTelemetry, name: &str) -> Value {
    let spans = t.spans();
    let json = spans
        .span(name)
        .record()
        .attribute(GEN_AI_OUTPUT_MESSAGES)
        .and_then(AttributeValue::as_str)
        .map(str::to_owned)
        .expect("output messages");
    serde_json::from_str(&json).expect("valid JSON")
}

#[test]
fn every_output_message_has_its_required_finish_reason() {
    let t = TestTelemetry::new();
    let genai = genai(&t).capture_mode(CaptureMode::SpanOnly);
    genai
        .start(otel_kit_genai::chat("openai", "built"))
        .record_response(
            &Response::new()
                .output_message(ChatMessage::assistant("Hi"))
                .output_message(ChatMessage::assistant("Hello").with_finish_reason("length")),
        );
    // A stream cut before its choice's finish reason arrived.
    let mut stream = ChatStream::new();
    stream.push(b"data: {\"model\":\"cut\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Rai\"}}]}\n\n");
    genai
        .start(otel_kit_genai::chat("openai", "streamed"))
        .record_response(&stream.finish());

    assert_eq!(
        output_messages(&t, "chat built"),
        json!([
            {"role": "assistant", "parts": [{"type": "text", "content": "Hi"}], "finish_reason": "error"},
            {"role": "assistant", "parts": [{"type": "text", "content": "Hello"}], "finish_reason": "length"}
        ])
    );
    assert_eq!(
        output_messages(&t, "chat streamed"),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "Rai"}], "finish_reason": "error"}])
    );
    // The response's own list stays what the provider said: nothing.
    t.spans()
        .span("chat streamed")
        .lacks_attribute(GEN_AI_RESPONSE_FINISH_REASONS);
}

#[test]
fn neither_a_content_hook_nor_the_size_limit_leaves_an_output_message_without_its_finish_reason() {
    let t = TestTelemetry::new();
    // A redaction hook that rebuilds each message from its text alone.
    let hooked =
        genai(&t)
            .capture_mode(CaptureMode::SpanOnly)
            .content_hook(|_, content: serde_json::Value| {
                let texts = content
                    .as_array()?
                    .iter()
                    .map(|m| json!({"role": m["role"], "parts": m["parts"]}));
                Some(serde_json::Value::Array(texts.collect()))
            });
    hooked
        .start(otel_kit_genai::chat("openai", "hooked"))
        .record_response(
            &Response::new().output_message(ChatMessage::assistant("Hi").with_finish_reason("stop")),
        );
    assert_eq!(
        output_messages(&t, "chat hooked"),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "Hi"}], "finish_reason": "error"}])
    );

    // A limit so tight that every string is cut: the schema's enumerations stay whole.
    let t = TestTelemetry::new();
    let limited = genai(&t).capture_mode(CaptureMode::SpanOnly).content_limit(120);
    limited
        .start(otel_kit_genai::chat("openai", "cut"))
        .record_response(
            &Response::new().output_message(
                ChatMessage::assistant("x".repeat(1000)).with_finish_reason("content_filter"),
            ),
        );
    let recorded = output_messages(&t, "chat cut");
    assert_eq!(recorded[0]["finish_reason"], "content_filter");
    assert_eq!(recorded[0]["role"], "assistant");
    assert_eq!(recorded[0]["parts"][0]["type"], "text");
}

#[test]
fn a_stream_records_the_time_between_chunks_after_the_first() {
    let t = TestTelemetry::new();
    let genai = genai(&t);
    let mut call = genai.start(otel_kit_genai::chat("openai", "gpt-4o").stream(true));
    for _ in 0..3 {
        call.record_chunk();
        std::thread::sleep(Duration::from_millis(20));
    }
    call.end();
    // One chunk: no time between chunks. No chunk (not a stream): none either.
    let mut single = genai.start(otel_kit_genai::chat("openai", "single").stream(true));
    single.record_chunk();
    single.end();
    genai.start(otel_kit_genai::chat("openai", "unary")).end();

    let metrics = t.metrics();
    let metric = metrics
        .metric(GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK)
        .has_unit("s")
        .has_point_count(1);
    metric
        .histogram_point(&[
            (GEN_AI_OPERATION_NAME, attr("chat")),
            (GEN_AI_PROVIDER_NAME, attr("openai")),
            (GEN_AI_REQUEST_MODEL, attr("gpt-4o")),
        ])
        .has_count(2)
        .has_sum_in(0.04..=10.0)
        .has_bucket_boundaries(&GENAI_DURATION_BUCKETS);
}

#[test]
fn a_mapped_server_names_the_peer_service_on_client_spans() {
    let t = TestTelemetry::new();
    let services = otel_kit_genai::PeerServices::new()
        .map("llm.internal:8443", "model-gateway")
        .expect("entry");
    let genai = GenAi::new().providers(t.providers().peer_services(services));
    genai
        .start(otel_kit_genai::chat("openai", "gpt-4o").server("llm.internal", 8443))
        .end();
    genai
        .start(otel_kit_genai::chat("openai", "gpt-4o").server("llm.internal", 443))
        .end();

    let spans = t.spans();
    let [mapped, other] = <[_; 2]>::try_from(spans.named("chat gpt-4o")).expect("two spans");
    mapped
        .has_kind(SpanKind::Client)
        .has_attribute("server.service.name", "model-gateway");
    other.lacks_attribute("server.service.name");
}
