//! The specification's `ParentBased` sampler with all five delegates:
//! [`Sampling::parent_based`](super::Sampling::parent_based) and [`ParentDelegates`].

use std::sync::Arc;

use opentelemetry::trace::{Link, SpanKind, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SamplingResult, ShouldSample};

use super::parent_state::{Outcome, parent_trace_state};
use super::preset::{ParentDelegates, Sampling};
use super::runtime::{Parent, SamplerState, parent_flags};
use otel_kit_core::__private::consistent_sampling::Threshold;

impl Default for ParentDelegates {
    fn default() -> Self {
        Self {
            remote_parent_sampled: Sampling::always_on(),
            remote_parent_not_sampled: Sampling::always_off(),
            local_parent_sampled: Sampling::always_on(),
            local_parent_not_sampled: Sampling::always_off(),
        }
    }
}

impl ParentDelegates {
    /// Each delegate with its field name, in the specification's order.
    pub(super) fn named(&self) -> [(&'static str, &Sampling); 4] {
        [
            ("remote_parent_sampled", &self.remote_parent_sampled),
            ("remote_parent_not_sampled", &self.remote_parent_not_sampled),
            ("local_parent_sampled", &self.local_parent_sampled),
            ("local_parent_not_sampled", &self.local_parent_not_sampled),
        ]
    }
}

/// The root sampler and one sampler per kind of parent. The root reads the state the
/// control changes; the trace-everything override also samples spans whose remote
/// parent was not sampled, as the parent-based presets do.
#[derive(Clone, Debug)]
pub(super) struct ParentBasedSampler {
    state: Arc<SamplerState>,
    root: Box<dyn ShouldSample>,
    /// In [`ParentDelegates::named`]'s order.
    delegates: [Box<dyn ShouldSample>; 4],
}

impl ParentBasedSampler {
    pub(super) fn new(
        state: Arc<SamplerState>,
        root: Box<dyn ShouldSample>,
        delegates: [Box<dyn ShouldSample>; 4],
    ) -> Self {
        Self {
            state,
            root,
            delegates,
        }
    }
}

impl ShouldSample for ParentBasedSampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let sampler = match parent_context.and_then(parent_flags) {
            None => &self.root,
            Some(Parent {
                remote: true,
                sampled: false,
            }) if self.state.everything_on() => {
                let trace_state = parent_trace_state(parent_context);
                return Outcome::Sampled(Some(Threshold::ALWAYS)).into_result(
                    self.state.arithmetic,
                    &trace_state,
                    trace_id,
                );
            }
            Some(Parent {
                remote: true,
                sampled: true,
            }) => &self.delegates[0],
            Some(Parent {
                remote: true,
                sampled: false,
            }) => &self.delegates[1],
            Some(Parent {
                remote: false,
                sampled: true,
            }) => &self.delegates[2],
            Some(Parent {
                remote: false,
                sampled: false,
            }) => &self.delegates[3],
        };
        sampler.should_sample(parent_context, trace_id, name, span_kind, attributes, links)
    }
}
