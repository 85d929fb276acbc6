//! `Sampling::parent_based` with its five delegates: each kind of parent asks its own
//! delegate, the default is the specification's, and validation and `Display` reach
//! every delegate.

use opentelemetry::Context;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};
use opentelemetry_sdk::trace::SamplingDecision;
use otel_kit_sampling::{ParentDelegates, RatioArithmetic, Sampling, SamplingError};

fn parent(sampled: bool, remote: bool) -> Context {
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(u128::MAX),
        SpanId::from(7),
        flags,
        remote,
        TraceState::default(),
    ))
}

/// Whether `sampling` samples a span with each kind of parent, in the order root,
/// remote sampled, remote not sampled, local sampled, local not sampled.
fn decisions(sampling: Sampling) -> [bool; 5] {
    let sampler = sampling.into_sampler();
    let root = Context::new();
    let parents = [
        root,
        parent(true, true),
        parent(false, true),
        parent(true, false),
        parent(false, false),
    ];
    parents.map(|cx| {
        sampler
            .should_sample(
                Some(&cx),
                TraceId::from(u128::MAX),
                "s",
                &SpanKind::Server,
                &[],
                &[],
            )
            .decision
            == SamplingDecision::RecordAndSample
    })
}

#[test]
fn the_default_delegates_are_the_specifications_and_children_follow_their_parent() {
    assert_eq!(
        ParentDelegates::default(),
        ParentDelegates {
            remote_parent_sampled: Sampling::always_on(),
            remote_parent_not_sampled: Sampling::always_off(),
            local_parent_sampled: Sampling::always_on(),
            local_parent_not_sampled: Sampling::always_off(),
        }
    );
    let on = Sampling::parent_based(Sampling::always_on(), ParentDelegates::default());
    assert_eq!(decisions(on), [true, true, false, true, false]);
    let off = Sampling::parent_based(Sampling::always_off(), ParentDelegates::default());
    assert_eq!(decisions(off), [false, true, false, true, false]);
}

#[test]
fn each_kind_of_parent_asks_its_own_delegate() {
    // One delegate at a time inverts the default; only that kind of parent changes.
    let flipped = [
        ParentDelegates {
            remote_parent_sampled: Sampling::always_off(),
            ..ParentDelegates::default()
        },
        ParentDelegates {
            remote_parent_not_sampled: Sampling::always_on(),
            ..ParentDelegates::default()
        },
        ParentDelegates {
            local_parent_sampled: Sampling::always_off(),
            ..ParentDelegates::default()
        },
        ParentDelegates {
            local_parent_not_sampled: Sampling::always_on(),
            ..ParentDelegates::default()
        },
    ];
    for (index, delegates) in flipped.into_iter().enumerate() {
        let mut expected = [false, true, false, true, false];
        expected[index + 1] = !expected[index + 1];
        let sampling = Sampling::parent_based(Sampling::always_off(), delegates);
        assert_eq!(decisions(sampling.clone()), expected, "{sampling}");
    }
}

#[test]
fn a_ratio_delegate_decides_by_trace_id_and_writes_its_threshold() {
    let delegates = ParentDelegates {
        remote_parent_not_sampled: Sampling::trace_id_ratio(0.5),
        ..ParentDelegates::default()
    };
    let sampler = Sampling::parent_based(Sampling::always_off(), delegates).into_sampler();
    let decide = |id: u128| {
        sampler.should_sample(
            Some(&parent(false, true)),
            TraceId::from(id),
            "s",
            &SpanKind::Server,
            &[],
            &[],
        )
    };
    let kept = decide(u128::MAX);
    assert_eq!(kept.decision, SamplingDecision::RecordAndSample);
    assert_eq!(kept.trace_state.header(), "ot=th:8");
    assert_eq!(decide(0).decision, SamplingDecision::Drop);
}

#[test]
fn validation_and_display_reach_every_delegate() {
    let bad_delegate = Sampling::parent_based(
        Sampling::trace_id_ratio(0.1),
        ParentDelegates {
            local_parent_not_sampled: Sampling::trace_id_ratio(2.0),
            ..ParentDelegates::default()
        },
    );
    assert_eq!(bad_delegate.validate(), Err(SamplingError::InvalidRatio(2.0)));
    let bad_root = Sampling::parent_based(Sampling::rate_limited(0.0), ParentDelegates::default());
    assert_eq!(bad_root.validate(), Err(SamplingError::InvalidRate(0.0)));

    let sampling = Sampling::parent_based(
        Sampling::trace_id_ratio(0.1),
        ParentDelegates {
            remote_parent_sampled: Sampling::always_on().excluding_routes(["/ping"]),
            local_parent_not_sampled: Sampling::trace_id_ratio(0.5),
            ..ParentDelegates::default()
        },
    )
    .with_arithmetic(RatioArithmetic::Legacy);
    sampling.validate().expect("valid");
    assert_eq!(
        sampling.to_string(),
        "parentbased(root=traceidratio(0.1), remote_parent_sampled=always_on excluding routes [/ping], \
         local_parent_not_sampled=traceidratio(0.5)) with legacy arithmetic"
    );
}

#[test]
fn the_outer_arithmetic_applies_to_the_delegates() {
    let delegates = ParentDelegates {
        remote_parent_sampled: Sampling::trace_id_ratio(0.5),
        ..ParentDelegates::default()
    };
    let sampler = Sampling::parent_based(Sampling::always_on(), delegates)
        .with_arithmetic(RatioArithmetic::Legacy)
        .into_sampler();
    let result = sampler.should_sample(
        Some(&parent(true, true)),
        TraceId::from(u128::MAX),
        "s",
        &SpanKind::Server,
        &[],
        &[],
    );
    // Legacy: the low 63 bits are all ones, above the bound 2^62: dropped, nothing written.
    assert_eq!(result.decision, SamplingDecision::Drop);
    assert_eq!(result.trace_state.header(), "");
}
