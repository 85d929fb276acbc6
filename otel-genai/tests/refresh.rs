//! Providers installed after a thread first used the globals are picked up. Alone in
//! its binary: its first call runs before any harness is installed, and would land in
//! another global test's harness if one were running.

use otel_kit_testing::TestTelemetry;

#[tokio::test]
async fn providers_installed_after_a_first_call_are_picked_up() {
    // This thread resolves the globals before the harness exists...
    otel_kit_genai::chat("openai", "early").start().end();
    let t = TestTelemetry::new().install_global();
    // ...and picks the harness up once its copy is older than the refresh period.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    otel_kit_genai::chat("openai", "late").start().end();
    t.spans().assert_count(1).span("chat late");
}
