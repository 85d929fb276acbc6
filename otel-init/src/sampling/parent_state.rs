//! The parent's trace state, which every sampler here passes on.

use opentelemetry::Context;
use opentelemetry::trace::{TraceContextExt as _, TraceState};

/// The parent's trace state, which our samplers pass on unchanged as the SDK's do.
pub(super) fn parent_trace_state(parent_context: Option<&Context>) -> TraceState {
    parent_context
        .map(|cx| cx.span().span_context().trace_state().clone())
        .unwrap_or_default()
}
