//! Sampler presets: ratio and rate-limited root decisions, children of remote parents,
//! validation and the start-up description.

use std::thread;
use std::time::Instant;

use opentelemetry::trace::{SpanId, SpanKind, TraceId};
use otel_kit_sampling::{RatioArithmetic, Sampling, SamplingError, from_env_values};

use crate::pipeline::{Pipeline, harness, remote_parent, root, span};

const ROOTS: usize = 4000;

#[test]
fn ratio_quarter_samples_about_a_quarter_of_4000_root_traces() {
    let t = harness(Sampling::ratio(0.25));
    let tracer = t.tracer("ratio");
    for _ in 0..ROOTS {
        root(&tracer, "request", &[]);
    }
    // Root trace ids are random, so the count is Binomial(4000, 0.25): mean 1000,
    // standard deviation sqrt(4000 * 0.25 * 0.75) = 27.4. Six deviations (+-164) fail by
    // chance about once in 500 million runs, and still catch a ratio off by a sixth
    // (e.g. 0.21 or 0.29), let alone one ignored (4000) or applied twice (250).
    let sampled = t.spans().len();
    assert!(
        (836..=1164).contains(&sampled),
        "sampled {sampled} of {ROOTS} at ratio 0.25"
    );
}

#[test]
fn ratio_decides_by_trace_id_so_evenly_spread_ids_give_exactly_the_ratio() {
    // Consistent sampling compares the trace id's right-most 56 bits R with the
    // threshold T = (1 - ratio) * 2^56 and samples when R >= T. Ids in the middle of 4000
    // equal slots of that range put exactly the top quarter at or above the threshold.
    let slot = (1u64 << 56) / ROOTS as u64;
    let ids: Vec<TraceId> = (0..ROOTS as u64)
        .map(|i| TraceId::from((u128::from(i) << 64) | u128::from(i * slot + slot / 2)))
        .collect();
    let quarter = decisions(&ids, Sampling::ratio(0.25));
    assert_eq!(quarter.iter().filter(|d| **d).count(), 1000);
    assert!(!quarter[..3000].iter().any(|d| *d) && quarter[3000..].iter().all(|d| *d));
    // Same ids, same ratio, same decisions: another service with this preset agrees.
    assert_eq!(decisions(&ids, Sampling::ratio(0.25)), quarter);
    assert_eq!(
        decisions(&ids, Sampling::ratio(0.0))
            .iter()
            .filter(|d| **d)
            .count(),
        0
    );
    assert_eq!(
        decisions(&ids, Sampling::ratio(1.0))
            .iter()
            .filter(|d| **d)
            .count(),
        ROOTS
    );
}

#[test]
fn legacy_arithmetic_decides_by_the_low_63_bits_as_the_sdk_did() {
    // The SDK compares the trace id's low 64 bits with ratio * 2^64. Ids in the middle of
    // 4000 equal slots of that range put exactly a quarter below the threshold.
    let slot = u64::MAX / ROOTS as u64;
    let ids: Vec<TraceId> = (0..ROOTS as u64)
        .map(|i| TraceId::from((u128::from(i) << 64) | u128::from(i * slot + slot / 2)))
        .collect();
    let legacy = |ratio| Sampling::ratio(ratio).with_arithmetic(RatioArithmetic::Legacy);
    let quarter = decisions(&ids, legacy(0.25));
    assert_eq!(quarter.iter().filter(|d| **d).count(), 1000);
    assert!(quarter[..1000].iter().all(|d| *d) && !quarter[1000..].iter().any(|d| *d));
    assert_eq!(decisions(&ids, legacy(0.0)).iter().filter(|d| **d).count(), 0);
    assert_eq!(decisions(&ids, legacy(1.0)).iter().filter(|d| **d).count(), ROOTS);
}

fn decisions(ids: &[TraceId], sampling: Sampling) -> Vec<bool> {
    let sampler = sampling.into_sampler();
    ids.iter()
        .map(|id| {
            let result = sampler.should_sample(None, *id, "request", &SpanKind::Server, &[], &[]);
            result.decision == opentelemetry_sdk::trace::SamplingDecision::RecordAndSample
        })
        .collect()
}

/// Children of `count` sampled and `count` unsampled remote parents; returns how many of
/// each were sampled, after checking every exported child points at its remote parent.
fn children_of_remote_parents(pipeline: &Pipeline, count: u128) -> (usize, usize) {
    let tracer = pipeline.tracer();
    let before = pipeline.exported().len();
    let under_sampled = (1..=count)
        .filter(|i| span(&tracer, "child", &remote_parent(*i, true), &[]))
        .count();
    let under_unsampled = (1..=count)
        .filter(|i| span(&tracer, "child", &remote_parent(1000 + *i, false), &[]))
        .count();
    let exported = pipeline.exported();
    assert_eq!(exported.len() - before, under_sampled + under_unsampled);
    for child in &exported[before..] {
        assert_eq!(child.parent_span_id, SpanId::from(0x00f0_67aa_0ba9_02b7));
        assert!(child.parent_span_is_remote);
    }
    (under_sampled, under_unsampled)
}

#[test]
fn ratio_and_rate_limited_children_follow_their_remote_parent() {
    let presets = [
        Sampling::ratio(0.0),
        Sampling::ratio(0.25),
        Sampling::ratio(1.0),
        Sampling::rate_limited(1.0),
        Sampling::default(),
        from_env_values(Some("parentbased_always_off"), None).0,
    ];
    for sampling in presets {
        let name = sampling.to_string();
        let pipeline = Pipeline::new(sampling);
        assert_eq!(children_of_remote_parents(&pipeline, 100), (100, 0), "{name}");
    }
}

#[test]
fn rate_limited_children_never_use_up_the_budget() {
    let pipeline = Pipeline::new(Sampling::rate_limited(1.0));
    let tracer = pipeline.tracer();
    assert_eq!(children_of_remote_parents(&pipeline, 50), (50, 0));
    // The one-trace burst is still there for a root, and only one.
    assert!(root(&tracer, "first", &[]));
    assert!(!root(&tracer, "second", &[]));
    // ...and children of sampled parents are still sampled once it is spent.
    assert_eq!(children_of_remote_parents(&pipeline, 10), (10, 0));
}

#[test]
fn presets_that_are_not_parent_based_ignore_the_remote_parent() {
    let cases = [
        (Sampling::always_on(), (20, 20)),
        (Sampling::always_off(), (0, 0)),
        (from_env_values(Some("traceidratio"), Some("1")).0, (20, 20)),
        (from_env_values(Some("traceidratio"), Some("0")).0, (0, 0)),
    ];
    for (sampling, expected) in cases {
        let name = sampling.to_string();
        let pipeline = Pipeline::new(sampling);
        assert_eq!(children_of_remote_parents(&pipeline, 20), expected, "{name}");
    }
}

#[test]
fn rate_limited_admits_the_burst_and_no_more_than_time_refills() {
    let t = harness(Sampling::rate_limited(5.0));
    let tracer = t.tracer("rate");
    let start = Instant::now();
    for _ in 0..200 {
        root(&tracer, "request", &[]);
    }
    // The bucket starts full (5) and gains 5 per second; a slow machine only widens the
    // upper bound, it cannot make the test fail.
    let refilled = (start.elapsed().as_secs_f64() * 5.0).floor() as usize;
    let sampled = t.spans().len();
    assert!(
        (5..=5 + refilled).contains(&sampled),
        "sampled {sampled}, allowed 5..={}",
        5 + refilled
    );
}

#[test]
fn rate_limited_from_8_threads_stays_within_the_budget() {
    let pipeline = Pipeline::new(Sampling::rate_limited(50.0));
    let start = Instant::now();
    let admitted: usize = thread::scope(|s| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let tracer = pipeline.tracer();
                s.spawn(move || (0..500).filter(|_| root(&tracer, "request", &[])).count())
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    let allowed = 50 + (start.elapsed().as_secs_f64() * 50.0).floor() as usize;
    assert!(
        (50..=allowed).contains(&admitted),
        "admitted {admitted}, allowed 50..={allowed}"
    );
    assert_eq!(pipeline.exported().len(), admitted);
}

#[test]
fn validate_names_the_bad_value_and_the_allowed_range() {
    let ratio = |got: &str| format!("sampling ratio must be between 0.0 and 1.0, got {got}");
    let rate = |got: &str| {
        format!("sampling rate must be a finite number of traces per second greater than 0, got {got}")
    };
    let cases = [
        (Sampling::ratio(1.5), ratio("1.5")),
        (Sampling::ratio(-0.1), ratio("-0.1")),
        (Sampling::ratio(f64::NAN), ratio("NaN")),
        (Sampling::ratio(f64::INFINITY), ratio("inf")),
        (Sampling::rate_limited(0.0), rate("0")),
        (Sampling::rate_limited(-5.0), rate("-5")),
        (Sampling::rate_limited(f64::NAN), rate("NaN")),
        (Sampling::rate_limited(f64::INFINITY), rate("inf")),
    ];
    for (sampling, message) in cases {
        let err = sampling.validate().expect_err(&sampling.to_string());
        assert_eq!(err.to_string(), message);
        assert!(matches!(
            err,
            SamplingError::InvalidRatio(_) | SamplingError::InvalidRate(_)
        ));
    }
    assert_eq!(
        Sampling::ratio(2.0).validate(),
        Err(SamplingError::InvalidRatio(2.0))
    );
    assert_eq!(
        Sampling::rate_limited(-1.0).validate(),
        Err(SamplingError::InvalidRate(-1.0))
    );
}

#[test]
fn validate_accepts_the_edges_and_every_fixed_preset() {
    let valid = [
        Sampling::ratio(0.0),
        Sampling::ratio(1.0),
        Sampling::rate_limited(0.001),
        Sampling::rate_limited(1e9),
        Sampling::always_on(),
        Sampling::always_off(),
        Sampling::default().excluding_health_checks(),
    ];
    for sampling in valid {
        assert_eq!(sampling.validate(), Ok(()), "{sampling}");
    }
}

#[test]
fn display_is_the_env_name_with_its_argument_and_routes() {
    let cases = [
        (Sampling::default(), "parentbased_always_on"),
        (Sampling::always_on(), "always_on"),
        (Sampling::always_off(), "always_off"),
        (Sampling::ratio(0.1), "parentbased_traceidratio(0.1)"),
        (Sampling::ratio(1.0), "parentbased_traceidratio(1)"),
        (Sampling::rate_limited(2.5), "parentbased_ratelimited(2.5/s)"),
        (
            from_env_values(Some("traceidratio"), Some("0.5")).0,
            "traceidratio(0.5)",
        ),
        (
            from_env_values(Some("parentbased_always_off"), None).0,
            "parentbased_always_off",
        ),
        (
            Sampling::always_off()
                .excluding_routes(["/a"])
                .excluding_routes(["/b", "/a"]),
            "always_off excluding routes [/a, /b]",
        ),
    ];
    for (sampling, expected) in cases {
        assert_eq!(sampling.to_string(), expected);
    }
}
