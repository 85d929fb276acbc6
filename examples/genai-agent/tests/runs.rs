//! The example runs as is and prints the agent -> chat/tool -> HTTP span tree.

#[test]
fn prints_the_agent_span_tree() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_genai-agent"))
        .output()
        .expect("run the example");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
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
