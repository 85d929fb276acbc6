//! The `gen_ai.client.operation.exception` event: one log record per call the
//! application ended as failed (`GenAiCall::record_error`, `record_error_type`), in the
//! call's span context. The rule for the whole kit is in `docs/errors.md`: here the
//! application hands the error to the call, so the call records it once, as this event,
//! besides the span's status and `error.type`. A cancelled (dropped) call is no failure
//! and emits none.

use opentelemetry::Context;
use opentelemetry::logs::Severity;
use otel_kit_core::__private::exception::error_event;
use otel_kit_core::log_events::EventLogger;

use crate::attributes::GEN_AI_CLIENT_OPERATION_EXCEPTION;

/// The severity the event's definition asks for: WARN (13).
pub(crate) const SEVERITY: Severity = Severity::Warn;

/// Emits the event (`exception.type`, and `exception.message` bounded to
/// `otel_kit_core::__private::exception::MAX_MESSAGE_BYTES`); nothing without a logger.
pub(crate) fn emit(logger: Option<&dyn EventLogger>, cx: &Context, exception_type: &str, message: &str) {
    if let Some(logger) = logger {
        error_event(
            GEN_AI_CLIENT_OPERATION_EXCEPTION,
            SEVERITY,
            exception_type,
            message,
        )
        .emit(logger, cx);
    }
}
