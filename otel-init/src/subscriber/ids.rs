//! The current OpenTelemetry span's ids, as the console lines carry them.

use opentelemetry::trace::{SpanId, TraceContextExt as _, TraceId};

/// The trace and span id of the span in the current OpenTelemetry context.
///
/// This is what the OTLP log bridge stamps on its records (the SDK logger reads
/// `Context::current()`), so a console line and the exported record of the same event
/// always agree. tracing-opentelemetry makes a span's context current when the span is
/// entered; lines outside any span get `None`.
pub(super) fn current_ids() -> Option<(TraceId, SpanId)> {
    opentelemetry::Context::map_current(|cx| {
        let span = cx.span();
        let span_context = span.span_context();
        span_context
            .is_valid()
            .then(|| (span_context.trace_id(), span_context.span_id()))
    })
}
