//! For the hook tests: a sampler that decides on an attribute a hook adds.

#![allow(unreachable_pub)]

use opentelemetry::trace::{Link, SpanKind, TraceContextExt as _, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult, ShouldSample};

/// Drops the spans whose `tenant.id` attribute, when they start, is this tenant; records
/// all others. It sees only what is on the span when it starts.
#[derive(Debug, Clone)]
pub struct DropTenant(pub &'static str);

impl ShouldSample for DropTenant {
    fn should_sample(
        &self,
        parent: Option<&Context>,
        _trace_id: TraceId,
        _name: &str,
        _kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        let dropped = attributes
            .iter()
            .any(|kv| kv.key.as_str() == "tenant.id" && kv.value.as_str() == self.0);
        SamplingResult {
            decision: if dropped {
                SamplingDecision::Drop
            } else {
                SamplingDecision::RecordAndSample
            },
            attributes: Vec::new(),
            trace_state: parent
                .map(|cx| cx.span().span_context().trace_state().clone())
                .unwrap_or_default(),
        }
    }
}
