//! Anthropic's `stop_reason` and Bedrock's `stopReason` as the conventions' finish
//! reasons.

/// `reason` as the value of the output-messages schema's `FinishReason` that means the
/// same (`stop`, `length`, `tool_call`, `content_filter`), else as the provider gave
/// it: Anthropic and Bedrock share these names.
///
/// | provider's reason | recorded |
/// | --- | --- |
/// | `end_turn`, `stop_sequence` | `stop` |
/// | `max_tokens`, `model_context_window_exceeded` | `length` |
/// | `tool_use` | `tool_call` |
/// | `refusal` (Anthropic), `guardrail_intervened`, `content_filtered` (Bedrock) | `content_filter` |
/// | anything else (`pause_turn`...) | as given |
pub(crate) fn conventional(reason: &str) -> &str {
    match reason {
        "end_turn" | "stop_sequence" => "stop",
        "max_tokens" | "model_context_window_exceeded" => "length",
        "tool_use" => "tool_call",
        "refusal" | "guardrail_intervened" | "content_filtered" => "content_filter",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::conventional;

    #[test]
    fn known_reasons_are_the_schema_s() {
        assert_eq!(conventional("end_turn"), "stop");
        assert_eq!(conventional("tool_use"), "tool_call");
        assert_eq!(conventional("guardrail_intervened"), "content_filter");
        assert_eq!(conventional("pause_turn"), "pause_turn");
    }
}
