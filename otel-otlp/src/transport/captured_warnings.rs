//! The `otel_kit_otlp` warnings logged on a test's own thread, for the unit tests that
//! count them: otel-kit-testing's harness as this thread's subscriber only (the tests
//! of the crate run side by side in one process).

use opentelemetry::logs::Severity;
use otel_kit_testing::TestTelemetry;

/// The message of every `WARN` event with the target `otel_kit_otlp` logged on this
/// thread while the guard of [`capture`](Self::capture) lives.
pub(crate) struct CapturedWarnings(TestTelemetry);

impl CapturedWarnings {
    /// Starts keeping this thread's warnings, until the guard is dropped.
    pub(crate) fn capture() -> (Self, tracing::dispatcher::DefaultGuard) {
        let telemetry = TestTelemetry::new();
        let guard = telemetry.set_default();
        (Self(telemetry), guard)
    }

    /// The messages so far, oldest first.
    pub(crate) fn messages(&self) -> Vec<String> {
        let logs = self.0.logs();
        logs.as_slice()
            .iter()
            .filter(|record| {
                record.scope.name == "otel_kit_otlp" && record.severity() == Some(Severity::Warn)
            })
            .filter_map(|record| record.body_str().map(str::to_owned))
            .collect()
    }
}
