//! The example runs as is and prints the agent -> chat/tool -> HTTP span tree; exported
//! over OTLP, Arize Phoenix shows its LLM spans with their model, tokens and messages.

mod phoenix;

use std::process::{Command, Output};

use serde_json::{Value, json};

/// The example with no `OTEL_*` variable but `vars`: what the test's own environment
/// holds must not switch its mode or its content capture.
fn run_example(vars: &[(&str, &str)]) -> (Output, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genai-agent"));
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("OTEL_")) {
        command.env_remove(key);
    }
    let output = command
        .envs(vars.iter().copied())
        .output()
        .expect("run the example");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output, stdout)
}

#[test]
fn prints_the_agent_span_tree() {
    let (_, stdout) = run_example(&[]);
    assert!(
        stdout.contains("answer: It is 14°C and rainy in Paris."),
        "{stdout}"
    );
    for line in [
        "invoke_agent weather-agent",
        "  chat gpt-4o",
        "    POST",
        "  execute_tool get_weather",
        "gen_ai.usage.input_tokens = 52 (int)",
        "gen_ai.response.finish_reasons = ",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
}

/// The agent, two model calls, their two HTTP calls and the tool.
const SPANS_PER_RUN: usize = 6;

// Phoenix converts the GenAI conventions' attributes as it stores each span
// (phoenix/trace/gen_ai/conversion.py): what is asserted is what Phoenix shows, its
// `llm.*` attributes and span kinds. The values are the mock model's answers.
#[test]
fn phoenix_shows_the_model_tokens_and_messages() {
    let Some(executable) = phoenix::executable() else {
        return;
    };
    let phoenix = phoenix::Phoenix::start(&executable);

    // Content captured (the example's default), over OTLP/HTTP protobuf.
    let endpoint = phoenix.http_endpoint();
    let trace = export_run(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "openinference.project.name=with-content",
        ),
    ]);
    let spans = phoenix.trace_spans("with-content", &trace, SPANS_PER_RUN);
    let [first, second] = model_and_tokens(&spans);
    for (span, expected) in [
        (first, messages_of_the_first_call()),
        (second, messages_of_the_second_call()),
    ] {
        for (key, value) in expected {
            expect(span, &key, &value);
        }
    }
    let tool = one_of_kind(&spans, "TOOL");
    expect(tool, "tool.name", &json!("get_weather"));
    expect(tool, "tool.parameters.city", &json!("Paris"));

    // Content not captured, over OTLP/gRPC.
    let endpoint = phoenix.grpc_endpoint();
    let trace = export_run(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "openinference.project.name=no-content",
        ),
        ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "NO_CONTENT"),
    ]);
    let spans = phoenix.trace_spans("no-content", &trace, SPANS_PER_RUN);
    model_and_tokens(&spans);
    for span in &spans {
        let content = attributes(span)
            .keys()
            .find(|key| CONTENT_KEYS.iter().any(|prefix| key.starts_with(prefix)));
        // Every message and the tool's arguments and result name the city.
        let text = span.to_string();
        assert!(
            content.is_none() && !text.contains("Paris"),
            "content shown with capture off ({content:?}):\n{}",
            pretty(span)
        );
    }
}

/// The prefixes of the attributes that hold content: the conventions' own, and what
/// Phoenix makes of them.
const CONTENT_KEYS: [&str; 8] = [
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "llm.input_messages",
    "llm.output_messages",
    "tool.parameters",
];

/// Runs the example exporting over OTLP with `vars`; returns the trace id it printed.
fn export_run(vars: &[(&str, &str)]) -> String {
    let mut vars = vars.to_vec();
    // Phoenix receives traces only.
    vars.extend([("OTEL_METRICS_EXPORTER", "none"), ("OTEL_LOGS_EXPORTER", "none")]);
    let (output, stdout) = run_example(&vars);
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("trace ")?.strip_suffix(" exported"))
        .unwrap_or_else(|| {
            panic!(
                "no `trace <id> exported` line:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
        .to_owned()
}

/// Checks the trace's shape and the two LLM spans' model and token counts; returns
/// those spans in the order they started.
fn model_and_tokens(spans: &[Value]) -> [&Value; 2] {
    let shape: Vec<String> = spans
        .iter()
        .map(|span| format!("{} {}", span["span_kind"], span["name"]))
        .collect();
    assert_eq!(spans.len(), SPANS_PER_RUN, "{shape:?}");
    let agent = one_of_kind(spans, "AGENT");
    expect(agent, "gen_ai.agent.name", &json!("weather-agent"));
    let mut llm: Vec<&Value> = spans.iter().filter(|span| span["span_kind"] == "LLM").collect();
    llm.sort_by_key(|span| span["start_time"].as_str().unwrap_or_default().to_owned());
    let [first, second] = llm[..] else {
        panic!("not two LLM spans: {shape:?}");
    };
    for (span, [prompt, completion]) in [(first, [52, 15]), (second, [74, 11])] {
        assert_eq!(span["name"], "chat gpt-4o", "{}", pretty(span));
        assert_eq!(span["parent_id"], agent["context"]["span_id"], "{}", pretty(span));
        expect(span, "llm.model_name", &json!("gpt-4o"));
        expect(span, "llm.provider", &json!("openai"));
        expect(span, "llm.token_count.prompt", &json!(prompt));
        expect(span, "llm.token_count.completion", &json!(completion));
        expect(span, "llm.token_count.total", &json!(prompt + completion));
    }
    expect(first, "llm.token_count.prompt_details.cache_read", &json!(32));
    [first, second]
}

/// The question in, the tool call out.
fn messages_of_the_first_call() -> Vec<(String, Value)> {
    let input = "llm.input_messages";
    let call = "llm.output_messages.0.message.tool_calls.0.tool_call";
    vec![
        (format!("{input}.0.message.role"), json!("system")),
        (
            format!("{input}.0.message.content"),
            json!("You answer weather questions."),
        ),
        (format!("{input}.1.message.role"), json!("user")),
        (
            format!("{input}.1.message.content"),
            json!("What is the weather in Paris?"),
        ),
        ("llm.output_messages.0.message.role".into(), json!("assistant")),
        (
            "llm.output_messages.0.message.finish_reason".into(),
            json!("tool_calls"),
        ),
        (format!("{call}.id"), json!("call_1")),
        (format!("{call}.function.name"), json!("get_weather")),
    ]
}

/// The conversation with the tool's result in, the answer out.
fn messages_of_the_second_call() -> Vec<(String, Value)> {
    let input = "llm.input_messages";
    vec![
        (
            format!("{input}.1.message.content"),
            json!("What is the weather in Paris?"),
        ),
        (
            format!("{input}.2.message.tool_calls.0.tool_call.function.name"),
            json!("get_weather"),
        ),
        (format!("{input}.3.message.role"), json!("tool")),
        (format!("{input}.3.message.tool_call_id"), json!("call_1")),
        (
            format!("{input}.3.message.content"),
            json!(r#"{"city":"Paris","conditions":"rain","temperature_c":14}"#),
        ),
        ("llm.output_messages.0.message.role".into(), json!("assistant")),
        (
            "llm.output_messages.0.message.content".into(),
            json!("It is 14°C and rainy in Paris."),
        ),
        (
            "llm.output_messages.0.message.finish_reason".into(),
            json!("stop"),
        ),
    ]
}

fn attributes(span: &Value) -> &serde_json::Map<String, Value> {
    span["attributes"]
        .as_object()
        .unwrap_or_else(|| panic!("a span without attributes:\n{}", pretty(span)))
}

/// Fails, printing the span as Phoenix returned it, unless its attribute `key` is `value`.
fn expect(span: &Value, key: &str, value: &Value) {
    assert_eq!(
        attributes(span).get(key),
        Some(value),
        "{key} of {}:\n{}",
        span["name"],
        pretty(span)
    );
}

fn one_of_kind<'a>(spans: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = spans.iter().filter(|span| span["span_kind"] == kind).collect();
    match found[..] {
        [span] => span,
        _ => panic!(
            "{} spans of kind {kind} in:\n{}",
            found.len(),
            pretty(&json!(spans))
        ),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
