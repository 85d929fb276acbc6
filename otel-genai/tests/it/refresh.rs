//! Providers installed after a thread first used the globals are picked up, and
//! providers given to a `GenAi` are used instead of the globals.

use otel_kit_testing::TestTelemetry;

#[tokio::test]
async fn providers_installed_after_a_first_call_are_picked_up() {
    // This thread resolves the globals before the harness exists (while another one is
    // installed: holding the global lock, the first call cannot land in a harness of
    // another test of this binary)...
    let earlier = TestTelemetry::new().install_global();
    otel_kit_genai::chat("openai", "early").start().end();
    earlier.spans().assert_count(1).span("chat early");
    drop(earlier);
    let t = TestTelemetry::new().install_global();
    // ...and picks the harness up once its copy is older than the refresh period.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    otel_kit_genai::chat("openai", "late").start().end();
    t.spans().assert_count(1).span("chat late");
}

#[test]
fn calls_started_by_a_genai_go_to_its_providers() {
    let t = TestTelemetry::new();
    let genai = otel_kit_genai::GenAi::new().providers(t.providers());
    let call = genai.start(otel_kit_genai::chat("openai", "given"));
    call.record_response(&otel_kit_genai::Response::new().usage(otel_kit_genai::Usage {
        input_tokens: Some(3),
        output_tokens: Some(2),
        ..otel_kit_genai::Usage::default()
    }));
    t.spans().assert_count(1).span("chat given");
    let metrics = t.metrics();
    metrics
        .metric("gen_ai.client.operation.duration")
        .has_point_count(1);
    metrics.metric("gen_ai.client.token.usage").has_point_count(2);
}
