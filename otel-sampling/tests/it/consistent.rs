//! Consistent probability sampling: the specification's probability-to-threshold table,
//! root decisions `R >= T` from the trace id or an explicit `rv`, `ot=th:` written into
//! `tracestate` with everything else kept, incoming thresholds checked, hostile trace
//! states, the legacy switch and its variable.

use opentelemetry::Context;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult, ShouldSample};
use otel_kit_sampling::{RatioArithmetic, Sampling, Threshold};

const RANDOM_BITS: u128 = (1 << 56) - 1;

/// The table of "Converting floating-point probability to threshold value" in the
/// specification's tracestate-probability-sampling.md: 1-in-N, probability, and the
/// threshold with 3, 4 and 5 digits of precision.
const SPEC_TABLE: &[(u32, f64, [&str; 3])] = &[
    (1, 1.0, ["0", "0", "0"]),
    (2, 0.5, ["8", "8", "8"]),
    (3, 0.333_333_333_333_333_3, ["aab", "aaab", "aaaab"]),
    (4, 0.25, ["c", "c", "c"]),
    (5, 0.2, ["ccd", "cccd", "ccccd"]),
    (8, 0.125, ["e", "e", "e"]),
    (10, 0.1, ["e66", "e666", "e6666"]),
    (16, 0.0625, ["f", "f", "f"]),
    (100, 0.01, ["fd71", "fd70a", "fd70a4"]),
    (1000, 0.001, ["ffbe7", "ffbe77", "ffbe76d"]),
    (10_000, 0.0001, ["fff972", "fff9724", "fff97247"]),
    (100_000, 0.00001, ["ffff584", "ffff583a", "ffff583a5"]),
    (1_000_000, 0.000_001, ["ffffef4", "ffffef39", "ffffef391"]),
];

#[test]
fn probabilities_become_the_thresholds_of_the_specification_table() {
    for &(one_in, probability, expected) in SPEC_TABLE {
        for (precision, th) in (3..=5).zip(expected) {
            let threshold =
                Threshold::from_probability_with_precision(probability, precision).expect("a probability");
            assert_eq!(
                threshold.to_string(),
                th,
                "1-in-{one_in} at precision {precision}"
            );
            assert_eq!(Threshold::parse(th), Some(threshold), "{th} reads back");
        }
        // The default is the specification's recommended 4 digits.
        assert_eq!(
            Threshold::from_probability(probability)
                .map(|t| t.to_string())
                .as_deref(),
            Some(expected[1])
        );
    }
}

#[test]
fn the_worked_examples_of_the_specification_hold() {
    // "the rejection threshold with 5 digits of precision would be ... 0xfd70a400000000"
    let one_percent = Threshold::from_probability_with_precision(0.01, 5).expect("a probability");
    assert_eq!(one_percent.value(), 0x00fd_70a4_0000_0000);
    // "ot=th:c ... extended to c0000000000000 ... The sampling probability is 25%."
    let quarter = Threshold::parse("c").expect("valid");
    assert_eq!(quarter.value(), 0xc0_0000_0000_0000);
    assert_eq!(quarter.probability(), 0.25);
    assert_eq!(quarter.adjusted_count(), 4.0);
    assert_eq!(Threshold::parse("0"), Some(Threshold::ALWAYS));
    // rv 6e6d1a75832a2f is sampled at thresholds 0x6e6d1a75832a2f through 0, no higher.
    assert!(
        Threshold::from_value(0x6e_6d1a_7583_2a2f)
            .expect("valid")
            .samples(0x6e_6d1a_7583_2a2f)
    );
    assert!(
        !Threshold::from_value(0x6e_6d1a_7583_2a30)
            .expect("valid")
            .samples(0x6e_6d1a_7583_2a2f)
    );
    // Not thresholds: empty, 15 digits, upper case, signs; 2^56 samples nothing.
    for bad in ["", "123456789abcdef", "C", "+8", "-8", "0x8", " 8", "8 "] {
        assert_eq!(Threshold::parse(bad), None, "{bad:?}");
    }
    assert_eq!(Threshold::from_value(1 << 56), None);
    for never in [0.0, -0.5, f64::NAN] {
        assert_eq!(Threshold::from_probability(never), None, "{never}");
    }
    assert_eq!(
        Threshold::from_probability(f64::INFINITY),
        Some(Threshold::ALWAYS)
    );
    // The smallest probabilities keep their digits after the leading f's.
    let tiny = Threshold::from_probability(2f64.powi(-56)).expect("the minimum probability");
    assert!(tiny.value() > 0xff_ff00_0000_0000, "{tiny}");
}

/// A deterministic stream of well-mixed 128-bit ids (splitmix64).
fn ids(count: usize, seed: u64) -> Vec<TraceId> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..count)
        .map(|_| TraceId::from((u128::from(next()) << 64) | u128::from(next())))
        .collect()
}

fn decide(sampler: &dyn ShouldSample, parent: Option<&Context>, trace_id: TraceId) -> SamplingResult {
    sampler.should_sample(parent, trace_id, "request", &SpanKind::Server, &[], &[])
}

fn sampled(result: &SamplingResult) -> bool {
    result.decision == SamplingDecision::RecordAndSample
}

fn parent(trace_id: TraceId, sampled: bool, remote: bool, trace_state: &str) -> Context {
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    let trace_state = trace_state.parse::<TraceState>().expect("a valid trace state");
    Context::new().with_remote_span_context(SpanContext::new(
        trace_id,
        SpanId::from(7),
        flags,
        remote,
        trace_state,
    ))
}

#[test]
fn roots_are_sampled_exactly_when_the_56_random_bits_reach_the_threshold() {
    let ids = ids(10_000, 1);
    for ratio in [1.0, 0.5, 0.25, 0.1, 0.01, 0.001] {
        for sampling in [Sampling::ratio(ratio), Sampling::trace_id_ratio(ratio)] {
            let sampler = sampling.clone().into_sampler();
            let threshold = Threshold::from_probability(ratio).expect("a probability");
            let mut count = 0usize;
            for &id in &ids {
                let result = decide(sampler.as_ref(), None, id);
                let randomness = (u128::from_be_bytes(id.to_bytes()) & RANDOM_BITS) as u64;
                assert_eq!(
                    sampled(&result),
                    randomness >= threshold.value(),
                    "{sampling}, {id}"
                );
                if sampled(&result) {
                    count += 1;
                    assert_eq!(
                        result.trace_state.header(),
                        format!("ot=th:{threshold}"),
                        "{sampling}"
                    );
                } else {
                    assert_eq!(result.trace_state.header(), "", "a dropped root writes nothing");
                }
            }
            // Binomial(10000, p): within six standard deviations (and one span).
            let expected = 10_000.0 * ratio;
            let deviation = (10_000.0 * ratio * (1.0 - ratio)).sqrt();
            assert!(
                (count as f64 - expected).abs() <= 6.0 * deviation + 1.0,
                "{sampling}: {count} of 10000"
            );
        }
    }
}

#[test]
fn a_higher_ratio_keeps_every_trace_a_lower_one_keeps() {
    let ids = ids(5_000, 2);
    let ratios = [0.001, 0.01, 0.1, 0.25, 0.3333, 0.5, 0.9, 1.0];
    let samplers: Vec<_> = ratios
        .iter()
        .map(|r| Sampling::ratio(*r).into_sampler())
        .collect();
    for id in ids {
        let decisions: Vec<bool> = samplers
            .iter()
            .map(|s| sampled(&decide(s.as_ref(), None, id)))
            .collect();
        assert!(decisions.windows(2).all(|w| w[1] >= w[0]), "{id}: {decisions:?}");
    }
}

#[test]
fn zero_samples_nothing_and_writes_nothing_and_always_on_writes_no_threshold() {
    let ids = ids(1_000, 3);
    let zero = Sampling::ratio(0.0).into_sampler();
    let always = Sampling::default().into_sampler();
    for &id in &ids {
        let result = decide(zero.as_ref(), None, id);
        assert!(!sampled(&result) && result.trace_state.header().is_empty());
        let result = decide(always.as_ref(), None, id);
        assert!(sampled(&result), "parentbased_always_on keeps every root");
        assert_eq!(
            result.trace_state.header(),
            "",
            "and, like the SDK's AlwaysOn, writes no threshold"
        );
    }
    // The ratio 1 is a probability: th:0.
    let one = decide(Sampling::ratio(1.0).into_sampler().as_ref(), None, ids[0]);
    assert_eq!(one.trace_state.header(), "ot=th:0");
}

#[test]
fn an_explicit_rv_decides_instead_of_the_trace_id_and_is_kept() {
    let sampler = Sampling::trace_id_ratio(0.5).into_sampler();
    // The trace id's random bits are all zero (dropped at 50%), rv says otherwise.
    let id = TraceId::from(0xffff_ffff_ffff_ffff_ff00_0000_0000_0000);
    let cx = parent(id, true, true, "vendor=a,ot=rv:ffffffffffffff;x:1,other=b");
    let result = decide(sampler.as_ref(), Some(&cx), id);
    assert!(sampled(&result));
    assert_eq!(result.trace_state.get("ot"), Some("th:8;rv:ffffffffffffff;x:1"));
    assert_eq!(result.trace_state.get("vendor"), Some("a"));
    assert_eq!(result.trace_state.get("other"), Some("b"));
    // And the other way round: random trace id bits, rv all zero.
    let id = TraceId::from(u128::MAX);
    let cx = parent(id, true, true, "ot=rv:00000000000000;th:0");
    let result = decide(sampler.as_ref(), Some(&cx), id);
    assert!(!sampled(&result));
    assert_eq!(
        result.trace_state.get("ot"),
        Some("rv:00000000000000"),
        "th erased, rv kept"
    );
}

#[test]
fn parent_based_children_keep_a_consistent_threshold_and_erase_an_inconsistent_one() {
    let sampler = Sampling::ratio(0.1).into_sampler();
    let high = TraceId::from(u128::MAX); // R = 0xffffffffffffff: consistent with any th
    let low = TraceId::from(1u128 << 64); // R = 0: consistent only with th:0
    for remote in [true, false] {
        let kept = decide(
            sampler.as_ref(),
            Some(&parent(high, true, remote, "ot=th:8;z:9,v=1")),
            high,
        );
        assert!(sampled(&kept), "follows the sampled parent");
        assert_eq!(
            kept.trace_state.header(),
            "ot=th:8;z:9,v=1",
            "the parent's th, not this ratio's"
        );

        let erased = decide(
            sampler.as_ref(),
            Some(&parent(low, true, remote, "ot=th:8;z:9,v=1")),
            low,
        );
        assert!(sampled(&erased), "still follows the sampled parent");
        assert_eq!(
            erased.trace_state.get("ot"),
            Some("z:9"),
            "R < T: the threshold is erased"
        );
        assert_eq!(erased.trace_state.get("v"), Some("1"));

        let none = decide(sampler.as_ref(), Some(&parent(high, true, remote, "v=1")), high);
        assert_eq!(
            none.trace_state.header(),
            "v=1",
            "no incoming threshold, none added"
        );

        let unsampled = decide(
            sampler.as_ref(),
            Some(&parent(high, false, remote, "ot=th:8,v=1")),
            high,
        );
        assert!(!sampled(&unsampled));
        assert_eq!(
            unsampled.trace_state.header(),
            "v=1",
            "a dropped span passes on no threshold"
        );
    }
}

#[test]
fn malformed_ot_values_are_ignored_without_panicking() {
    let sampler = Sampling::trace_id_ratio(0.5).into_sampler();
    let follower = Sampling::ratio(0.5).into_sampler();
    let id = TraceId::from(u128::MAX);
    let long = format!("ot=x:{}", "a".repeat(250));
    let cases = [
        "ot=th:",
        "ot=th:G",
        "ot=th:123456789abcdef0",
        "ot=th:C",
        "ot=rv:123",
        "ot=rv:fffffffffffffff",
        "ot=rv:FFFFFFFFFFFFFF",
        "ot=;;;",
        "ot=th",
        "ot=:",
        "ot=th:8;th:",
        "ot=rv:;th:;x",
        "ot=th:-1",
        long.as_str(),
    ];
    for case in cases {
        for s in [&sampler, &follower] {
            let result = decide(s.as_ref(), Some(&parent(id, true, true, case)), id);
            assert!(sampled(&result), "{case}: R is the trace id's, all ones");
            let ot = result.trace_state.get("ot").unwrap_or_default();
            assert!(ot.len() <= 256, "{case}: {ot}");
            assert!(
                !ot.split(';')
                    .any(|m| m.starts_with("th:") && Threshold::parse(&m[3..]).is_none()),
                "{case}: a malformed th is not passed on: {ot}"
            );
        }
    }
    // Writing th into an ot value near the limit drops other sub-keys, never exceeds 256.
    let result = decide(sampler.as_ref(), Some(&parent(id, true, true, &long)), id);
    assert_eq!(result.trace_state.get("ot"), Some("th:8"));
}

#[test]
fn a_400_kib_tracestate_header_does_not_panic() {
    use opentelemetry::propagation::TextMapPropagator as _;
    use otel_kit_propagators::{PropagatorName, Propagators};
    use std::collections::HashMap;

    let propagators = Propagators::new([PropagatorName::TraceContext]);
    let sampler = Sampling::ratio(0.5).into_sampler();
    let other = Sampling::trace_id_ratio(0.5).into_sampler();
    let huge = [
        format!("ot=th:8;{}", "x:1;".repeat(100 * 1024)),
        format!("a=b,{}", "ot=rv:ffffffffffffff,".repeat(20_000)),
        "ot=".repeat(140_000),
    ];
    for tracestate in huge {
        assert!(tracestate.len() >= 400 * 1024 || tracestate.len() > 200_000);
        let headers = HashMap::from([
            (
                "traceparent".to_owned(),
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03".to_owned(),
            ),
            ("tracestate".to_owned(), tracestate),
        ]);
        let cx = propagators.extract(&headers);
        let id = cx.span().span_context().trace_id();
        let result = decide(sampler.as_ref(), Some(&cx), id);
        assert!(sampled(&result), "the caller sampled");
        assert!(result.trace_state.header().len() <= 512);
        let result = decide(other.as_ref(), Some(&cx), id);
        assert!(result.trace_state.get("ot").is_none_or(|ot| ot.len() <= 256));
    }
}

#[test]
fn legacy_arithmetic_writes_no_threshold_and_passes_trace_state_on() {
    let legacy = Sampling::trace_id_ratio(0.5)
        .with_arithmetic(RatioArithmetic::Legacy)
        .into_sampler();
    for id in ids(500, 4) {
        let result = decide(
            legacy.as_ref(),
            Some(&parent(id, true, true, "ot=th:c;rv:00000000000000,v=1")),
            id,
        );
        assert_eq!(result.trace_state.header(), "ot=th:c;rv:00000000000000,v=1");
        let low = u128::from_be_bytes(id.to_bytes()) as u64;
        assert_eq!(sampled(&result), (low >> 1) < 1 << 62, "{id}");
    }
}

#[test]
fn the_arithmetic_variable_switches_and_a_bad_value_warns_once_naming_the_default() {
    let read = |value: &'static str| {
        Sampling::from_lookup(move |name| match name {
            "OTEL_TRACES_SAMPLER" => Some("parentbased_traceidratio".to_owned()),
            "OTEL_TRACES_SAMPLER_ARG" => Some("0.1".to_owned()),
            "OTEL_KIT_SAMPLER_ARITHMETIC" => Some(value.to_owned()),
            _ => None,
        })
    };
    let (legacy, warnings) = read(" Legacy ");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        legacy,
        Sampling::ratio(0.1).with_arithmetic(RatioArithmetic::Legacy)
    );
    assert_eq!(read("consistent").0.arithmetic(), RatioArithmetic::Consistent);
    assert_eq!(read("").0.arithmetic(), RatioArithmetic::Consistent);
    let (fallback, warnings) = read("sdk");
    assert_eq!(fallback.arithmetic(), RatioArithmetic::Consistent);
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["OTEL_KIT_SAMPLER_ARITHMETIC=\"sdk\" is not consistent or legacy; using the default consistent."]
    );
}

#[test]
fn the_random_flag_of_a_caller_is_sent_on_but_roots_started_here_lack_it() {
    use opentelemetry::propagation::TextMapPropagator as _;
    use opentelemetry::trace::{Span as _, Tracer as _};
    use otel_kit_propagators::{PropagatorName, Propagators};
    use std::collections::HashMap;

    use crate::pipeline::Pipeline;

    let propagators = Propagators::new([PropagatorName::TraceContext]);
    let pipeline = Pipeline::new(Sampling::ratio(0.5));
    let tracer = pipeline.tracer();
    let flags_sent = |cx: &Context| {
        let mut headers = HashMap::new();
        propagators.inject_context(cx, &mut headers);
        headers["traceparent"][53..].to_owned()
    };

    // A Level 2 caller: sampled and random. The child follows it and sends both on.
    let caller = HashMap::from([(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03".to_owned(),
    )]);
    let parent = propagators.extract(&caller);
    let child = tracer.start_with_context("child", &parent);
    assert_eq!(flags_sent(&parent.with_span(child)), "03");

    // A root this process starts: random id, sampled by its randomness, but the 0.33 SDK
    // builds its flags from nothing and lets no sampler or id generator set the random
    // flag (opentelemetry-rust issue #3270). When this fails, the SDK sets it: forward
    // it and update docs/configuration.md.
    let root = (0..64)
        .map(|_| tracer.start("root"))
        .find(|span| span.span_context().is_sampled())
        .expect("one of 64 roots at 50%");
    assert_eq!(root.span_context().trace_state().get("ot"), Some("th:8"));
    assert_eq!(flags_sent(&Context::new().with_span(root)), "01");
}
