//! The registry check (`otel_kit_testing::Conformance`) over every kind of call the
//! crate records: model calls (chat with every request attribute, a stream, embeddings,
//! the provider `openai` and another; Anthropic's and Bedrock's readers, whole answers
//! and streams, with the cache counts and the guardrail), tools, agents, failures (an
//! error answer, an error inside a stream), and content captured to span and event. Every attribute, metric and log event must be registered with its
//! type, and every Required attribute present; the crate's own `otel_genai.*` names
//! are its custom namespace.

use otel_kit_genai::content::{CaptureMode, ChatMessage};
use otel_kit_genai::openai::{self, ApiError, ChatStream};
use otel_kit_genai::{GenAi, Price, PriceTable, anthropic, bedrock};
use otel_kit_testing::{Conformance, TestTelemetry};
use serde_json::json;

use crate::{event_stream, mock};

#[test]
fn every_kind_of_call_conforms_to_the_registry() {
    let t = TestTelemetry::new();
    let genai = GenAi::new()
        .providers(t.providers())
        .capture_mode(CaptureMode::SpanAndEvent)
        .prices(PriceTable::new("USD").with("gpt-4o", Price::per_million(2.5, 10.0)));

    let agent = genai.start(otel_kit_genai::invoke_agent("openai", "weather-bot").agent_id("bot-1"));
    let _in_agent = agent.attach();
    let request = json!({
        "model": "gpt-4o", "temperature": 0.2, "top_p": 0.9, "max_tokens": 512, "seed": 7,
        "stop": ["END"], "n": 2, "frequency_penalty": 0.1, "presence_penalty": 0.2,
        "response_format": {"type": "json_object"}, "service_tier": "default",
        "messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Weather?"}],
    });
    genai
        .start(openai::chat("openai", &request).server_url("https://api.openai.com/v1"))
        .record_response(&openai::chat_response(mock::CHAT_TOOL_CALLS.as_bytes()).expect("body"));
    genai
        .start(
            otel_kit_genai::execute_tool("get_weather")
                .tool_call_id("call_1")
                .tool_description("The weather")
                .tool_arguments(json!({"city": "Paris"})),
        )
        .record_tool_result(&json!({"temperature_c": 14}));
    let streamed =
        json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "Hi"}]});
    let mut call = genai.start(openai::chat("openai", &streamed).conversation_id("conv-1"));
    let mut stream = ChatStream::new();
    for line in mock::STREAM_WITH_USAGE.split_inclusive("\n\n") {
        call.record_chunk();
        stream.push(line.as_bytes());
    }
    call.record_response(&stream.finish());
    drop(_in_agent);
    agent.end();

    genai
        .start(
            otel_kit_genai::chat("anthropic", "claude-sonnet-4")
                .top_k(40.0)
                .system_instructions(json!([{"type": "text", "content": "Be terse."}]))
                .input_messages(vec![ChatMessage::user("Hi")]),
        )
        .record_error(&ApiError::from_response(429, mock::RATE_LIMITED.as_bytes()));
    let embeddings = json!({"model": "text-embedding-3-small", "input": ["a"], "dimensions": 8, "encoding_format": "float"});
    genai
        .start(openai::embeddings("openai", &embeddings))
        .record_response(&openai::embeddings_response(mock::EMBEDDINGS.as_bytes()).expect("body"));
    genai
        .start(otel_kit_genai::create_agent("openai", "planner").model("gpt-4o"))
        .end();

    // Anthropic: a whole answer with cache counts, a tool-use stream, an error answer
    // and an error inside a stream.
    let messages = json!({
        "model": "claude-sonnet-4-5", "max_tokens": 1024, "temperature": 0.7, "top_p": 0.9,
        "top_k": 40, "stop_sequences": ["END"], "system": "Be terse.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
    });
    genai
        .start(anthropic::chat(&messages).server_url("https://api.anthropic.com/v1/messages"))
        .record_response(&anthropic::chat_response(mock::ANTHROPIC_MESSAGE.as_bytes()).expect("body"));
    let mut streamed = messages.clone();
    streamed["stream"] = json!(true);
    for body in [mock::ANTHROPIC_STREAM_TOOL_USE, mock::ANTHROPIC_STREAM_ERROR] {
        let mut call = genai.start(anthropic::chat(&streamed));
        let mut stream = anthropic::ChatStream::new();
        for event in body.split_inclusive("\n\n") {
            call.record_chunk();
            stream.push(event.as_bytes());
        }
        match stream.finish() {
            Ok(response) => call.record_response(&response),
            Err(error) => call.record_error(&error),
        }
    }
    genai
        .start(anthropic::chat(&messages))
        .record_error(&anthropic::api_error(529, mock::ANTHROPIC_OVERLOADED.as_bytes()));

    // Bedrock: a whole answer with the guardrail and cache counts, a stream, a stream
    // that throws, an error answer.
    let converse = json!({
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "system": [{"text": "Be terse."}],
        "inferenceConfig": {"maxTokens": 512, "temperature": 0.5, "topP": 0.9, "stopSequences": ["END"]},
        "additionalModelRequestFields": {"top_k": 200},
        "guardrailConfig": {"guardrailIdentifier": "sgi5gkybzqak", "guardrailVersion": "1"},
    });
    let model = "anthropic.claude-3-haiku-20240307-v1:0";
    genai
        .start(bedrock::chat(model, &converse).server_url("https://bedrock-runtime.us-east-1.amazonaws.com"))
        .record_response(&bedrock::chat_response(mock::BEDROCK_CONVERSE.as_bytes()).expect("body"));
    let mut thrown = event_stream::event("messageStart", &json!({"role": "assistant"}));
    thrown.extend(event_stream::exception(
        "throttlingException",
        "Too many requests",
    ));
    for body in [event_stream::converse_stream(), thrown] {
        let mut call = genai.start(bedrock::chat(model, &converse).stream(true));
        let mut stream = bedrock::ChatStream::new();
        for read in body.chunks(100) {
            call.record_chunk();
            stream.push(read);
        }
        match stream.finish() {
            Ok(response) => call.record_response(&response),
            Err(error) => call.record_error(&error),
        }
    }
    genai
        .start(bedrock::chat(model, &converse))
        .record_error(&bedrock::api_error(
            429,
            Some(mock::BEDROCK_THROTTLING_TYPE),
            mock::BEDROCK_THROTTLING.as_bytes(),
        ));

    let logs = t.logs();
    assert!(
        logs.len() >= 12,
        "details and exception events: {}",
        logs.listing()
    );
    let report = Conformance::semconv()
        .custom_namespace("otel_genai")
        .check_spans(&t.spans())
        .check_metrics(&t.metrics())
        .check_logs(&logs)
        .report();
    println!("{report}");
    report.assert_conforms();
}
