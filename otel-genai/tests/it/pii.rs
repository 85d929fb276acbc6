//! Content captured on purpose, run through the PII preset: the messages a user sent
//! (an e-mail address, a card number) reach the span only as markers once the preset
//! redacts, and `PrivacyCheck` finds them when nothing does.

use otel_kit_genai::attributes::GEN_AI_INPUT_MESSAGES;
use otel_kit_genai::openai;
use otel_kit_testing::privacy::{Detector, PrivacyCheck, Redaction, Scrub};
use otel_kit_testing::{AttributeValue, TestTelemetry};
use serde_json::{Value, json};

use crate::mock::Mock;

const SAID: &str = "Refund the order I paid with 4111 1111 1111 1111, and mail ada@example.com";

async fn chat_with_content(t: &TestTelemetry) -> Value {
    let mock = Mock::start().await;
    let request = json!({
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": SAID}],
        "tools": [{"type": "function", "function": {"name": "get_weather"}}]
    });
    let call = openai::chat("openai", &request).capture_content(true).start();
    let (_, body) = call.in_call(mock.post("/chat/completions", &request)).await;
    call.record_response(&openai::chat_response(&body).expect("tool-call body"));
    let spans = t.spans();
    let input = spans
        .span("chat gpt-4o")
        .record()
        .attribute(GEN_AI_INPUT_MESSAGES)
        .and_then(AttributeValue::as_str)
        .expect("input messages captured")
        .to_owned();
    serde_json::from_str(&input).expect("still JSON")
}

#[tokio::test]
async fn captured_messages_without_redaction_are_what_the_privacy_check_finds() {
    let t = TestTelemetry::new().install_global();
    let input = chat_with_content(&t).await;
    assert_eq!(input[0]["parts"][0]["content"], SAID);
    let found: Vec<Detector> = PrivacyCheck::new()
        .findings(&t)
        .iter()
        .map(|f| f.detector)
        .collect();
    assert!(found.contains(&Detector::Scrub(Scrub::Card)), "{found:?}");
    assert!(found.contains(&Detector::Scrub(Scrub::Email)), "{found:?}");
}

#[tokio::test]
async fn the_pii_preset_leaves_markers_in_the_captured_messages() {
    let t = TestTelemetry::builder()
        .redaction(Redaction::pii())
        .build()
        .install_global();
    let input = chat_with_content(&t).await;
    assert_eq!(
        input[0]["parts"][0]["content"],
        "Refund the order I paid with [REDACTED:card], and mail [REDACTED:email]"
    );
    t.assert_no_personal_data();
}
