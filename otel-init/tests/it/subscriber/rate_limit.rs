//! The OpenTelemetry crates' repeated warnings and errors reach the console at most once
//! per 10 s per call site; the application's own lines are never limited.

use otel_kit_init::subscriber::ConsoleFormat;
use otel_kit_testing::TestTelemetry;

use crate::support::subscriber::dispatch;

#[test]
fn repeated_sdk_errors_print_once_and_application_lines_always() {
    let t = TestTelemetry::new();
    let (dispatch, capture) = dispatch(&t, ConsoleFormat::Text, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        for i in 0..50 {
            // As the SDK's batch processors report each failed export.
            tracing::error!(target: "opentelemetry_sdk", attempt = i, "BatchLogProcessor.ExportError");
            tracing::warn!(target: "opentelemetry_otlp", attempt = i, "export timed out");
            tracing::error!(target: "my_app", attempt = i, "payment failed");
            tracing::info!(target: "opentelemetry_sdk", attempt = i, "provider built");
        }
    });
    let lines = capture.lines();
    let count = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(count("BatchLogProcessor.ExportError"), 1, "{lines:#?}");
    assert_eq!(
        count("export timed out"),
        1,
        "a different call site has its own allowance"
    );
    assert_eq!(
        count("payment failed"),
        50,
        "application errors are never limited"
    );
    assert_eq!(
        count("provider built"),
        50,
        "only warnings and errors are limited"
    );
}
