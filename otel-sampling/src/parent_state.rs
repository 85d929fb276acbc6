//! The trace state a decision passes on: the parent's, unchanged under the legacy
//! arithmetic; under consistent sampling with the `ot` threshold the decision implies.

use opentelemetry::Context;
use opentelemetry::trace::{TraceContextExt as _, TraceId, TraceState};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult};

use super::arithmetic::RatioArithmetic;
use otel_kit_core::__private::consistent_sampling::{Threshold, ot_trace_state};

/// The parent's trace state, which our samplers pass on unchanged as the SDK's do.
pub(super) fn parent_trace_state(parent_context: Option<&Context>) -> TraceState {
    parent_context
        .map(|cx| cx.span().span_context().trace_state().clone())
        .unwrap_or_default()
}

/// A decision and what it says about the threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Outcome {
    /// Sampled with this threshold (a probability decision, or `th:0` for the
    /// trace-everything override); `None`: not a probability decision, such as following
    /// a sampled parent, so the incoming threshold is kept if it is consistent.
    Sampled(Option<Threshold>),
    /// Dropped: no threshold is passed on.
    Dropped,
}

impl Outcome {
    pub(super) fn from_flag(sampled: bool, threshold: Option<Threshold>) -> Outcome {
        if sampled {
            Outcome::Sampled(threshold)
        } else {
            Outcome::Dropped
        }
    }

    /// The SDK's result for this outcome, from the incoming trace state.
    pub(super) fn into_result(
        self,
        arithmetic: RatioArithmetic,
        trace_state: &TraceState,
        trace_id: TraceId,
    ) -> SamplingResult {
        SamplingResult {
            decision: match self {
                Outcome::Sampled(_) => SamplingDecision::RecordAndSample,
                Outcome::Dropped => SamplingDecision::Drop,
            },
            attributes: Vec::new(),
            trace_state: result_trace_state(self, arithmetic, trace_state, trace_id),
        }
    }
}

/// The trace state a span decided as `outcome` carries: under consistent sampling a
/// probability decision writes its threshold, following a sampled parent keeps the
/// parent's if consistent (erased if not), and a dropped span carries none.
fn result_trace_state(
    outcome: Outcome,
    arithmetic: RatioArithmetic,
    trace_state: &TraceState,
    trace_id: TraceId,
) -> TraceState {
    match (arithmetic, outcome) {
        (RatioArithmetic::Legacy, _) => trace_state.clone(),
        (RatioArithmetic::Consistent, Outcome::Sampled(Some(threshold))) => {
            ot_trace_state::with_threshold(trace_state, Some(threshold))
        }
        (RatioArithmetic::Consistent, Outcome::Sampled(None)) => {
            ot_trace_state::checked_for_sampled_child(trace_state, trace_id)
        }
        (RatioArithmetic::Consistent, Outcome::Dropped) => ot_trace_state::erase_threshold(trace_state),
    }
}
