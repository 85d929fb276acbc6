//! `SamplerControl` on a sampler alone: a new ratio in the preset's shape, refused
//! ratios leaving the one in effect, the trace-everything override and its deadline
//! (kept by the sampler itself), and what the override does and does not overrule.
//! otel-kit-init's `TelemetryControl` over it is tested there, through `init()`.

use std::time::{Duration, Instant};

use opentelemetry::Context;
use opentelemetry::KeyValue;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};
use opentelemetry_sdk::trace::{SamplingDecision, ShouldSample};
use otel_kit_sampling::{RatioArithmetic, Sampling, SamplingError};

/// Randomness (the trace id's right-most 56 bits) that every ratio above 0 samples.
const HIGH: u128 = 0x00ff_ffff_ffff_ffff;
/// Randomness that only the ratio 1 samples.
const LOW: u128 = 0x0000_0000_0000_0001;

fn decide(
    sampler: &dyn ShouldSample,
    parent: Option<&Context>,
    trace_id: u128,
    route: Option<&str>,
) -> (bool, String) {
    let attributes: Vec<KeyValue> = route
        .map(|r| KeyValue::new("http.route", r.to_owned()))
        .into_iter()
        .collect();
    let result = sampler.should_sample(
        parent,
        TraceId::from(trace_id),
        "op",
        &SpanKind::Server,
        &attributes,
        &[],
    );
    (
        result.decision == SamplingDecision::RecordAndSample,
        result.trace_state.header(),
    )
}

fn root(sampler: &dyn ShouldSample, trace_id: u128) -> bool {
    decide(sampler, None, trace_id, None).0
}

fn parent(sampled: bool, remote: bool) -> Context {
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(7),
        SpanId::from(9),
        flags,
        remote,
        TraceState::default(),
    ))
}

#[test]
fn a_new_ratio_decides_roots_and_keeps_the_parent_based_shape() {
    let (sampling, control) = Sampling::ratio(0.0).controlled();
    let sampler = sampling.into_sampler();
    assert!(!root(sampler.as_ref(), HIGH), "the configured 0");
    assert!(
        decide(sampler.as_ref(), Some(&parent(true, true)), HIGH, None).0,
        "children follow"
    );

    control.set_ratio(0.5).expect("a ratio");
    let (sampled, trace_state) = decide(sampler.as_ref(), None, HIGH, None);
    assert!(sampled, "R >= T(0.5)");
    assert_eq!(trace_state, "ot=th:8", "a ratio set at run time is a probability");
    assert!(!root(sampler.as_ref(), LOW), "R < T(0.5)");
    assert!(
        !decide(sampler.as_ref(), Some(&parent(false, true)), HIGH, None).0,
        "still parent-based: an unsampled parent is followed, whatever the ratio"
    );

    control.set_ratio(1.0).expect("a ratio");
    assert!(root(sampler.as_ref(), LOW));
}

#[test]
fn a_not_parent_based_preset_decides_every_span_by_the_new_ratio() {
    let (sampling, control) = Sampling::always_off().controlled();
    let sampler = sampling.into_sampler();
    let sampled_parent = parent(true, true);
    assert!(!decide(sampler.as_ref(), Some(&sampled_parent), HIGH, None).0);
    control.set_ratio(1.0).expect("a ratio");
    assert!(
        decide(sampler.as_ref(), Some(&parent(false, true)), LOW, None).0,
        "the parent is ignored"
    );
}

#[test]
fn a_refused_ratio_leaves_the_one_in_effect() {
    let (sampling, control) = Sampling::ratio(0.0).controlled();
    let sampler = sampling.into_sampler();
    for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = control.set_ratio(bad).expect_err("not a ratio");
        assert!(
            matches!(err, SamplingError::InvalidRatio(r) if r.to_bits() == bad.to_bits()),
            "{err}"
        );
        assert!(!root(sampler.as_ref(), HIGH), "{bad}: the ratio 0 stays");
    }
}

#[test]
fn the_override_samples_roots_and_unsampled_remote_callers_until_its_deadline() {
    let (sampling, control) = Sampling::ratio(0.0).excluding_routes(["/health"]).controlled();
    let sampler = sampling.into_sampler();
    control.trace_everything_until(Instant::now() + Duration::from_secs(600));

    let (sampled, trace_state) = decide(sampler.as_ref(), None, LOW, None);
    assert!(sampled, "every root");
    assert_eq!(trace_state, "ot=th:0", "the override's probability is 1");
    assert!(
        decide(sampler.as_ref(), Some(&parent(false, true)), LOW, None).0,
        "an unsampled remote caller"
    );
    assert!(
        !decide(sampler.as_ref(), Some(&parent(false, false)), LOW, None).0,
        "an unsampled local parent is followed: no orphan spans"
    );
    assert!(
        !decide(sampler.as_ref(), None, HIGH, Some("/health")).0,
        "excluded routes stay excluded"
    );

    control.stop_everything();
    assert!(!root(sampler.as_ref(), HIGH), "back to the ratio 0");
}

#[test]
fn the_sampler_ends_the_override_at_its_deadline_by_itself() {
    let (sampling, control) = Sampling::ratio(0.0).controlled();
    let sampler = sampling.into_sampler();
    control.trace_everything_until(Instant::now() + Duration::from_millis(100));
    assert!(root(sampler.as_ref(), LOW));
    std::thread::sleep(Duration::from_millis(250));
    assert!(
        !root(sampler.as_ref(), HIGH),
        "past the deadline, with no stop_everything"
    );

    control.trace_everything_until(
        Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now),
    );
    assert!(
        !root(sampler.as_ref(), HIGH),
        "a deadline in the past samples nothing more"
    );
}

#[test]
fn a_ratio_set_during_the_override_applies_once_it_ends() {
    let (sampling, control) = Sampling::ratio(0.0).controlled();
    let sampler = sampling.into_sampler();
    control.trace_everything_until(Instant::now() + Duration::from_secs(600));
    control.set_ratio(1.0).expect("a ratio");
    assert_eq!(
        decide(sampler.as_ref(), None, LOW, None).1,
        "ot=th:0",
        "still the override"
    );
    control.stop_everything();
    assert!(root(sampler.as_ref(), LOW), "the ratio set meanwhile");
}

#[test]
fn the_override_reaches_the_rate_limit_and_custom_samplers_without_a_ratio() {
    let (sampling, control) =
        Sampling::custom("never", opentelemetry_sdk::trace::Sampler::AlwaysOff).controlled();
    let sampler = sampling.into_sampler();
    assert!(!root(sampler.as_ref(), HIGH));
    control.trace_everything_until(Instant::now() + Duration::from_secs(600));
    assert!(root(sampler.as_ref(), LOW));

    let (sampling, control) = Sampling::rate_limited(1.0).controlled();
    let sampler = sampling.into_sampler();
    let budget = (0..100).filter(|_| root(sampler.as_ref(), HIGH)).count();
    assert!(budget <= 2, "the bucket holds one token: {budget}");
    control.trace_everything_until(Instant::now() + Duration::from_secs(600));
    assert_eq!((0..100).filter(|_| root(sampler.as_ref(), HIGH)).count(), 100);
}

#[test]
fn in_use_once_a_sampler_reads_the_handle_and_copies_share_it() {
    let (sampling, control) = Sampling::ratio(0.0).controlled();
    assert!(
        !control.in_use(),
        "nothing reads it yet: a change would reach nothing"
    );
    let first = sampling.clone().into_sampler();
    let second = sampling.into_sampler();
    assert!(control.in_use());
    control.set_ratio(1.0).expect("a ratio");
    assert!(
        root(first.as_ref(), LOW) && root(second.as_ref(), LOW),
        "both read the one handle"
    );

    let uncontrolled = Sampling::ratio(0.0).into_sampler();
    control.set_ratio(1.0).expect("a ratio");
    assert!(
        !root(uncontrolled.as_ref(), HIGH),
        "a sampler not built from the copy is untouched"
    );
}

#[test]
fn legacy_arithmetic_writes_no_threshold_when_the_ratio_changes() {
    let (sampling, control) = Sampling::ratio(0.0)
        .with_arithmetic(RatioArithmetic::Legacy)
        .controlled();
    let sampler = sampling.into_sampler();
    control.set_ratio(1.0).expect("a ratio");
    let (sampled, trace_state) = decide(sampler.as_ref(), None, LOW, None);
    assert!(sampled);
    assert_eq!(trace_state, "");
}

#[test]
fn a_handle_is_cheap_to_share_between_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<otel_kit_sampling::SamplerControl>();
}
