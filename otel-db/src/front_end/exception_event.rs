//! The event a failed operation is recorded as.

/// The event a failed operation is recorded as, once: the error the caller gets (an
/// `Err` from the driver, or a Redis error reply) or a driver's panic (semantic
/// conventions 1.45, `event.db.client.operation.exception`, severity WARN).
pub(crate) const EXCEPTION_EVENT: &str = "db.client.operation.exception";

/// Records the error the caller is handed: one exception event (its message the
/// description, which holds no values) in the operation's context `cx`, and the span's
/// error status with the same description.
pub(crate) fn record_failure<I: otel_kit_core::__private::Instruments>(
    resolved: &otel_kit_core::__private::Resolved<I>,
    cx: &opentelemetry::Context,
    exception_type: &str,
    description: String,
) {
    use opentelemetry::trace::TraceContextExt as _;

    let event = (EXCEPTION_EVENT, opentelemetry::logs::Severity::Warn);
    otel_kit_core::__private::exception::record_error(resolved, cx, event, exception_type, &description);
    cx.span()
        .set_status(opentelemetry::trace::Status::error(description));
}
