//! The registry check (`otel_kit_testing::Conformance`) over every kind of call the
//! crate records: model calls (chat with every request attribute, a stream, embeddings,
//! the provider `openai` and another), tools, agents, a failure, and content captured to
//! span and event. Every attribute, metric and log event must be registered with its
//! type, and every Required attribute present; the crate's own `otel_genai.*` names
//! are its custom namespace.

use otel_kit_genai::content::{CaptureMode, ChatMessage};
use otel_kit_genai::openai::{self, ApiError, ChatStream};
use otel_kit_genai::{GenAi, Price, PriceTable};
use otel_kit_testing::{Conformance, TestTelemetry};
use serde_json::json;

use crate::mock;

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

    let logs = t.logs();
    assert!(
        logs.len() >= 4,
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
