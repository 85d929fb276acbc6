//! The sampler [`Sampling::into_sampler`](super::Sampling::into_sampler) builds, and the
//! state it reads on every decision, which a [`SamplerControl`](super::SamplerControl) changes while it runs.
//!
//! Every preset but the rate limit is a ratio in one of two shapes: `always_on`,
//! `always_off` and `traceidratio(r)` are the ratios 1, 0 and `r` applied to every span;
//! the `parentbased_*` presets are the same ratios applied to roots, children following
//! their parent. The ratio lives in an atomic, precomputed as the word a decision
//! compares with (the consistent threshold, or the legacy bound), so changing it keeps
//! the shape and costs the decision one relaxed load and no float arithmetic.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use std::time::Instant;

use opentelemetry::trace::{Link, SpanKind, TraceContextExt as _, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SamplingResult, ShouldSample};

use super::arithmetic::RatioArithmetic;
use super::parent_state::Outcome;
use super::rate_limit::RateLimitedRoot;
use otel_kit_core::__private::consistent_sampling::{Threshold, ot_trace_state};

/// `mode` while the trace-everything override is on: no rule word has all bits set.
const EVERYTHING: u64 = u64::MAX;
/// Consistent rule words: the threshold in the low 57 bits (2^56: sample nothing), and
/// this bit when the preset is not a probability (`always_on`, `always_off`) and so
/// writes no `th`.
const NO_THRESHOLD: u64 = 1 << 62;
const NEVER: u64 = 1 << 56;
const THRESHOLD_BITS: u64 = (1 << 57) - 1;
/// Legacy rule words: the SDK's bound on the trace id's low 63 bits, at most 2^63.
const LEGACY_ALL: u64 = 1 << 63;

/// What a sampler reads on each decision. Shared by the sampler and the control; only
/// the control writes, under its own lock.
#[derive(Debug)]
pub(crate) struct SamplerState {
    /// What root decisions use now: a rule word (see [`rule_word`]), or [`EVERYTHING`].
    mode: AtomicU64,
    /// The rule set (configured, or changed since), kept while the override is on.
    rule: AtomicU64,
    /// The rule's ratio, as `f64` bits: what `otel_kit.sampler.probability` reports.
    ratio: AtomicU64,
    /// When the override ends, in nanoseconds after `epoch`. The sampler checks it itself,
    /// so the override ends on time even before the control's timer resets `mode`.
    everything_until: AtomicU64,
    epoch: Instant,
    /// A sampler reads this state: `into_sampler` built one from it.
    in_use: AtomicBool,
    /// How rule words are read; fixed for the state's life.
    pub(super) arithmetic: RatioArithmetic,
}

/// The word a ratio is stored as, so that a decision needs no float arithmetic: the
/// rejection threshold (consistent) or the SDK's 63-bit bound (legacy). `writes` is
/// false for the presets that are not probabilities and write no threshold.
fn rule_word(arithmetic: RatioArithmetic, ratio: f64, writes: bool) -> u64 {
    match arithmetic {
        RatioArithmetic::Consistent => {
            let threshold = Threshold::from_probability(ratio).map_or(NEVER, Threshold::value);
            if writes {
                threshold
            } else {
                threshold | NO_THRESHOLD
            }
        }
        // `as` saturates (and maps NaN to 0); the bound never exceeds 2^63.
        RatioArithmetic::Legacy => ((ratio.max(0.0) * LEGACY_ALL as f64) as u64).min(LEGACY_ALL),
    }
}

impl SamplerState {
    /// A state sampling roots at `ratio`; `writes` as in [`rule_word`].
    pub(crate) fn new(ratio: f64, writes: bool, arithmetic: RatioArithmetic) -> Arc<Self> {
        let rule = rule_word(arithmetic, ratio, writes);
        Arc::new(Self {
            mode: AtomicU64::new(rule),
            rule: AtomicU64::new(rule),
            ratio: AtomicU64::new(ratio.to_bits()),
            everything_until: AtomicU64::new(0),
            epoch: Instant::now(),
            in_use: AtomicBool::new(false),
            arithmetic,
        })
    }

    pub(crate) fn in_use(&self) -> bool {
        self.in_use.load(Ordering::Relaxed)
    }

    pub(super) fn mark_in_use(&self) {
        self.in_use.store(true, Ordering::Relaxed);
    }

    /// The ratio roots are sampled at once the override, if any, is over. A ratio set
    /// at run time is a probability, so it writes its threshold.
    pub(crate) fn set_ratio(&self, ratio: f64) {
        let rule = rule_word(self.arithmetic, ratio, true);
        self.rule.store(rule, Ordering::Relaxed);
        self.ratio.store(ratio.to_bits(), Ordering::Relaxed);
        // One atomic update rather than a check then a store: the override may start in
        // between (the control serialises its writers, but this stays correct without).
        let _ = self
            .mode
            .fetch_update(Ordering::Release, Ordering::Relaxed, |mode| {
                (mode != EVERYTHING).then_some(rule)
            });
    }

    /// Samples every new trace until `until`.
    pub(crate) fn trace_everything_until(&self, until: Instant) {
        let nanos = u64::try_from(until.saturating_duration_since(self.epoch).as_nanos()).unwrap_or(u64::MAX);
        self.everything_until.store(nanos, Ordering::Relaxed);
        // Release: a sampler that sees EVERYTHING also sees the deadline.
        self.mode.store(EVERYTHING, Ordering::Release);
    }

    /// Ends the override: back to the rule.
    pub(crate) fn stop_everything(&self) {
        self.mode
            .store(self.rule.load(Ordering::Relaxed), Ordering::Release);
    }

    /// The probability roots are sampled at now: 1 while the override is on, else the
    /// rule's ratio.
    pub(super) fn root_probability(&self) -> f64 {
        if self.everything_on() {
            1.0
        } else {
            f64::from_bits(self.ratio.load(Ordering::Relaxed))
        }
    }

    /// The override is on and not past its deadline.
    pub(super) fn everything_on(&self) -> bool {
        self.mode.load(Ordering::Relaxed) == EVERYTHING && self.before_deadline()
    }

    fn before_deadline(&self) -> bool {
        fence(Ordering::Acquire);
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        now < self.everything_until.load(Ordering::Relaxed)
    }

    /// The decision of the ratio shapes for a span with this trace id and incoming
    /// trace state: one relaxed load of `mode`.
    fn decide_by_ratio(&self, trace_id: TraceId, trace_state: &TraceState) -> Outcome {
        let rule = match self.mode.load(Ordering::Relaxed) {
            EVERYTHING if self.before_deadline() => return Outcome::Sampled(Some(Threshold::ALWAYS)),
            EVERYTHING => self.rule.load(Ordering::Relaxed),
            rule => rule,
        };
        match self.arithmetic {
            RatioArithmetic::Legacy => Outcome::from_flag(legacy_samples(rule, trace_id), None),
            RatioArithmetic::Consistent => {
                let Some(threshold) = Threshold::from_value(rule & THRESHOLD_BITS) else {
                    return Outcome::Dropped;
                };
                let randomness = ot_trace_state::read(trace_state).randomness_of(trace_id);
                let written = (rule & NO_THRESHOLD == 0).then_some(threshold);
                Outcome::from_flag(threshold.samples(randomness), written)
            }
        }
    }
}

/// The SDK's `TraceIdRatioBased` arithmetic: the trace id's low 63 bits against
/// `bound = ratio * 2^63`.
fn legacy_samples(bound: u64, trace_id: TraceId) -> bool {
    let low = u128::from_be_bytes(trace_id.to_bytes()) as u64;
    bound == LEGACY_ALL || (low >> 1) < bound
}

/// How the decision is made; the ratio or the rate limit fills in the root decision.
#[derive(Clone, Debug)]
pub(super) enum Shape {
    /// Every span by the ratio, whatever its parent (`always_on`, `always_off`,
    /// `traceidratio`).
    Ratio,
    /// Roots by the ratio; children follow their parent (`parentbased_*`).
    ParentBasedRatio,
    /// Roots by the rate limit; children follow their parent (`parentbased_ratelimited`).
    ParentBasedRateLimited(RateLimitedRoot),
    /// The application's sampler (`Sampling::custom`), overruled only by the
    /// trace-everything override.
    Custom(Arc<dyn ShouldSample>),
}

/// The preset's sampler, reading its ratio and the trace-everything override from a
/// [`SamplerState`].
#[derive(Clone, Debug)]
pub(super) struct RuntimeSampler {
    state: Arc<SamplerState>,
    shape: Shape,
}

impl RuntimeSampler {
    pub(super) fn new(state: Arc<SamplerState>, shape: Shape) -> Self {
        state.mark_in_use();
        Self { state, shape }
    }

    fn decide_root(&self, trace_id: TraceId, trace_state: &TraceState) -> Outcome {
        match &self.shape {
            Shape::Ratio | Shape::ParentBasedRatio => self.state.decide_by_ratio(trace_id, trace_state),
            // The override does not use up the budget; a rate limit is no probability.
            Shape::ParentBasedRateLimited(_) if self.state.everything_on() => {
                Outcome::Sampled(Some(Threshold::ALWAYS))
            }
            Shape::ParentBasedRateLimited(root) => Outcome::from_flag(root.try_acquire(), None),
            Shape::Custom(_) if self.state.everything_on() => Outcome::Sampled(Some(Threshold::ALWAYS)),
            Shape::Custom(_) => Outcome::Dropped,
        }
    }
}

/// A root's parent trace state: none.
static NO_TRACE_STATE: TraceState = TraceState::NONE;

impl ShouldSample for RuntimeSampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let parent = parent_context.and_then(parent_flags);
        if let Shape::Custom(custom) = &self.shape {
            // The override takes what it takes from the presets (roots, and callers that
            // did not sample); everything else, and everything while it is off, is the
            // application's decision, with its attributes and trace state.
            let overruled = self.state.everything_on()
                && match &parent {
                    None => true,
                    Some(parent) => parent.sampled || parent.remote,
                };
            if !overruled {
                return custom.should_sample(parent_context, trace_id, name, span_kind, attributes, links);
            }
        }
        // Borrowed, not cloned: the result's trace state is made from it.
        let parent_span = parent_context.map(|cx| cx.span());
        let trace_state = parent_span
            .as_ref()
            .map_or(&NO_TRACE_STATE, |span| span.span_context().trace_state());
        let outcome = match self.shape {
            Shape::Custom(_) => Outcome::Sampled(Some(Threshold::ALWAYS)),
            Shape::Ratio => self.decide_root(trace_id, trace_state),
            Shape::ParentBasedRatio | Shape::ParentBasedRateLimited(_) => {
                // As the SDK's `ParentBasedSampler`: an invalid parent counts as none.
                match parent {
                    None => self.decide_root(trace_id, trace_state),
                    Some(Parent { sampled: true, .. }) => Outcome::Sampled(None),
                    // The override overrules a caller that did not sample (see the docs of
                    // `TelemetryControl::trace_everything_for`); a local parent it does not,
                    // or a trace begun before the override would gain orphan spans.
                    Some(Parent { remote: true, .. }) if self.state.everything_on() => {
                        Outcome::Sampled(Some(Threshold::ALWAYS))
                    }
                    Some(_) => Outcome::Dropped,
                }
            }
        };
        outcome.into_result(self.state.arithmetic, trace_state, trace_id)
    }
}

pub(super) struct Parent {
    pub(super) remote: bool,
    pub(super) sampled: bool,
}

pub(super) fn parent_flags(cx: &Context) -> Option<Parent> {
    let span = cx.span();
    let parent = span.span_context();
    parent.is_valid().then(|| Parent {
        remote: parent.is_remote(),
        sampled: parent.is_sampled(),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceState};
    use opentelemetry_sdk::trace::{Sampler, SamplingDecision};

    use super::*;

    fn decide(sampler: &dyn ShouldSample, parent: Option<&Context>, trace_id: TraceId) -> bool {
        sampler
            .should_sample(parent, trace_id, "s", &SpanKind::Server, &[], &[])
            .decision
            == SamplingDecision::RecordAndSample
    }

    fn parent(remote: bool, sampled: bool) -> Context {
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        // Despite its name, this keeps the context's own `is_remote`.
        Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(7),
            SpanId::from(7),
            flags,
            remote,
            TraceState::default(),
        ))
    }

    /// Spread over the whole id space, so every ratio boundary is crossed.
    fn trace_ids() -> impl Iterator<Item = TraceId> {
        (0..2000u128).map(|i| TraceId::from(i.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)))
    }

    #[test]
    fn legacy_decides_exactly_as_the_sdk_samplers_it_replaces() {
        let parents = [
            None,
            Some(parent(true, true)),
            Some(parent(true, false)),
            Some(parent(false, true)),
            Some(parent(false, false)),
            Some(Context::new()),
        ];
        for ratio in [0.0, 0.001, 0.25, 0.5, 0.999, 1.0, -1.0, 2.0] {
            let cases: [(Box<dyn ShouldSample>, Shape); 2] = [
                (Box::new(Sampler::TraceIdRatioBased(ratio)), Shape::Ratio),
                (
                    Box::new(Sampler::parent_based(Sampler::TraceIdRatioBased(ratio))),
                    Shape::ParentBasedRatio,
                ),
            ];
            for (sdk, shape) in cases {
                let ours = RuntimeSampler::new(
                    SamplerState::new(ratio, true, RatioArithmetic::Legacy),
                    shape.clone(),
                );
                for parent in &parents {
                    for id in trace_ids() {
                        assert_eq!(
                            decide(&ours, parent.as_ref(), id),
                            decide(sdk.as_ref(), parent.as_ref(), id),
                            "ratio {ratio}, {shape:?}, trace id {id}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_new_ratio_applies_to_the_next_decision_and_keeps_the_shape() {
        let state = SamplerState::new(0.0, true, RatioArithmetic::Consistent);
        let sampler = RuntimeSampler::new(Arc::clone(&state), Shape::ParentBasedRatio);
        assert!(!decide(&sampler, None, TraceId::from(1)));
        state.set_ratio(1.0);
        assert!(decide(&sampler, None, TraceId::from(1)));
        assert!(
            !decide(&sampler, Some(&parent(true, false)), TraceId::from(1)),
            "still parent-based"
        );
    }

    #[test]
    fn everything_samples_roots_and_unsampled_remote_parents_until_the_deadline() {
        let state = SamplerState::new(0.0, true, RatioArithmetic::Consistent);
        let sampler = RuntimeSampler::new(Arc::clone(&state), Shape::ParentBasedRatio);
        state.trace_everything_until(Instant::now() + Duration::from_secs(60));
        assert!(decide(&sampler, None, TraceId::from(1)));
        assert!(decide(&sampler, Some(&parent(true, false)), TraceId::from(1)));
        assert!(
            !decide(&sampler, Some(&parent(false, false)), TraceId::from(1)),
            "a local unsampled parent is still followed"
        );
        state.set_ratio(0.5);
        assert!(state.everything_on(), "a new ratio waits for the override to end");
        state.stop_everything();
        assert_eq!(
            state.mode.load(Ordering::Relaxed),
            0x80_0000_0000_0000,
            "the threshold of 0.5"
        );
    }

    #[test]
    fn everything_ends_at_its_deadline_even_before_it_is_stopped() {
        let state = SamplerState::new(0.0, true, RatioArithmetic::Consistent);
        let sampler = RuntimeSampler::new(Arc::clone(&state), Shape::ParentBasedRatio);
        state.trace_everything_until(Instant::now());
        assert!(!decide(&sampler, None, TraceId::from(1)));
        assert!(!decide(&sampler, Some(&parent(true, false)), TraceId::from(1)));
    }

    #[test]
    fn a_custom_sampler_decides_unless_the_override_is_on() {
        // Samples only spans named "keep", whatever the parent.
        #[derive(Clone, Debug)]
        struct ByName;
        impl ShouldSample for ByName {
            fn should_sample(
                &self,
                _: Option<&Context>,
                _: TraceId,
                name: &str,
                _: &SpanKind,
                _: &[KeyValue],
                _: &[Link],
            ) -> SamplingResult {
                SamplingResult {
                    decision: if name == "keep" {
                        SamplingDecision::RecordAndSample
                    } else {
                        SamplingDecision::Drop
                    },
                    attributes: vec![KeyValue::new("sampled.by", "name")],
                    trace_state: TraceState::default(),
                }
            }
        }
        let state = SamplerState::new(0.0, true, RatioArithmetic::Consistent);
        let sampler = RuntimeSampler::new(Arc::clone(&state), Shape::Custom(Arc::new(ByName)));
        let named = |name: &str, parent: Option<&Context>| {
            sampler
                .should_sample(parent, TraceId::from(1), name, &SpanKind::Server, &[], &[])
                .decision
                == SamplingDecision::RecordAndSample
        };
        assert!(named("keep", None) && !named("drop", None));
        assert!(
            !named("drop", Some(&parent(true, true))),
            "its own rule, not the parent's"
        );
        let result = sampler.should_sample(None, TraceId::from(1), "keep", &SpanKind::Server, &[], &[]);
        assert_eq!(
            result.attributes,
            [KeyValue::new("sampled.by", "name")],
            "its attributes kept"
        );

        state.trace_everything_until(Instant::now() + Duration::from_secs(60));
        assert!(named("drop", None), "the override samples roots");
        assert!(
            named("drop", Some(&parent(true, false))),
            "and callers that did not sample"
        );
        assert!(
            !named("drop", Some(&parent(false, false))),
            "a local unsampled parent is its call"
        );
        state.stop_everything();
        assert!(!named("drop", None));
    }

    #[test]
    fn a_nan_ratio_samples_nothing_and_is_not_the_override() {
        for arithmetic in [RatioArithmetic::Consistent, RatioArithmetic::Legacy] {
            let state = SamplerState::new(f64::NAN, true, arithmetic);
            assert_ne!(state.mode.load(Ordering::Relaxed), EVERYTHING);
            let outcome = state.decide_by_ratio(TraceId::from(u128::MAX), &TraceState::default());
            assert_eq!(outcome, Outcome::Dropped, "{arithmetic}");
            let state = SamplerState::new(2.0, true, arithmetic);
            assert_ne!(
                state.mode.load(Ordering::Relaxed),
                EVERYTHING,
                "a ratio above 1 is not the override"
            );
        }
    }
}
