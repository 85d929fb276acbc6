//! `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, read once per process: each
//! case runs this binary again as a child process with the variable set (the variable
//! cannot be changed from inside a process without `unsafe`).

use std::process::Command;

use otel_kit_genai::attributes::{GEN_AI_INPUT_MESSAGES, GEN_AI_OUTPUT_MESSAGES};
use otel_kit_genai::content::{CAPTURE_MESSAGE_CONTENT_ENV, ChatMessage};
use otel_kit_testing::TestTelemetry;

/// Runs the ignored test `name` (its full path in this binary) in a child process with
/// the variable set to `value`.
fn run_child(name: &str, value: &str) {
    let exe = std::env::current_exe().expect("test binary");
    let output = Command::new(exe)
        .args([name, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CAPTURE_MESSAGE_CONTENT_ENV, value)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child {name} with {value:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One call that opts in per call, and one that leaves it to the process.
fn two_calls() -> (bool, bool) {
    let opted_in = otel_kit_genai::chat("openai", "gpt-4o")
        .capture_content(true)
        .input_messages(vec![ChatMessage::user("secret")])
        .start();
    let opted = opted_in.captures_content();
    opted_in.end();
    let default = otel_kit_genai::chat("openai", "gpt-4o")
        .input_messages(vec![ChatMessage::user("secret")])
        .start();
    let by_default = default.captures_content();
    default.end();
    (opted, by_default)
}

#[test]
fn no_content_in_the_environment_wins_over_a_per_call_opt_in() {
    run_child("capture_env::child_no_content", "NO_CONTENT");
}

#[test]
#[ignore = "run by no_content_in_the_environment_wins_over_a_per_call_opt_in"]
fn child_no_content() {
    let t = TestTelemetry::new().install_global();
    assert_eq!(two_calls(), (false, false));
    for span in t.spans().named("chat gpt-4o") {
        span.lacks_attribute(GEN_AI_INPUT_MESSAGES);
    }
}

#[test]
fn span_only_in_the_environment_captures_every_call() {
    run_child("capture_env::child_span_only", "span_only");
}

#[test]
#[ignore = "run by span_only_in_the_environment_captures_every_call"]
fn child_span_only() {
    let t = TestTelemetry::new().install_global();
    assert_eq!(two_calls(), (true, true));
    for span in t.spans().named("chat gpt-4o") {
        span.has_attribute(
            GEN_AI_INPUT_MESSAGES,
            r#"[{"parts":[{"content":"secret","type":"text"}],"role":"user"}]"#,
        )
        .lacks_attribute(GEN_AI_OUTPUT_MESSAGES)
        .has_event_count(0);
    }
}

#[test]
fn a_bad_value_turns_capture_off_with_exactly_one_warning() {
    run_child("capture_env::child_bad_value", "maybe");
}

#[test]
#[ignore = "run by a_bad_value_turns_capture_off_with_exactly_one_warning"]
fn child_bad_value() {
    let t = TestTelemetry::new().install_global();
    assert_eq!(two_calls(), (false, false));
    assert_eq!(two_calls(), (false, false));
    let logs = t.logs();
    logs.assert_count(1);
    let warning = logs.record_where("the warning", |_| true).record();
    let body = format!("{:?}", warning.body);
    assert!(body.contains(CAPTURE_MESSAGE_CONTENT_ENV), "{body}");
    assert!(body.contains("\\\"maybe\\\"") || body.contains("maybe"), "{body}");
    assert!(body.contains("using NO_CONTENT"), "{body}");
}
