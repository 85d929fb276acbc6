//! The X-Ray sampler against an X-Ray API that fails in every way, for rules and for
//! targets: it accepts and never answers, answers 400 KiB of junk, JSON that is not an
//! answer, a rule or target that would sample everything, 500 and 404, or closes the
//! connection. None of it panics, blocks a span start or samples everything: the last
//! good rules (and targets) stay, and before any, the fallback.

use std::time::{Duration, Instant};

use otel_kit_sampling::Sampling;

use super::xray_remote::{PATIENCE, assert_fraction, remote, sampled_roots, serve_rules};
use super::xray_server::{Reply, RuleJson, TARGETS, XrayApi, rule, rules, targets};
use crate::pipeline::{Pipeline, root};

/// 400 KiB of bytes that are no answer, with a valid-looking start.
fn junk() -> Vec<u8> {
    let mut junk = br#"{"SamplingRuleRecords":[{"SamplingRule":{"RuleName":"Default","FixedRate":1"#.to_vec();
    let bytes = b"{[\"\\\x00\xff,:}]";
    junk.extend((0..400 * 1024).map(|i| bytes[i % bytes.len()]));
    junk
}

/// Every way an answer can be unusable, as `(what, reply)`.
fn failures() -> Vec<(&'static str, Reply)> {
    vec![
        ("400 KiB of junk", Reply::Body(junk())),
        (
            "invalid JSON",
            Reply::Body(br#"{"SamplingRuleRecords":[{"#.to_vec()),
        ),
        ("500", Reply::Status(500)),
        ("404", Reply::Status(404)),
        ("a closed connection", Reply::Close),
        ("a JSON array", Reply::Json("[1,2]".into())),
        (
            "JSON with neither list",
            Reply::Json(r#"{"NextToken":null}"#.into()),
        ),
        (
            "a list that is not one",
            Reply::Json(r#"{"SamplingRuleRecords":"all","SamplingTargetDocuments":7}"#.into()),
        ),
        ("2 MiB of spaces", Reply::Body(vec![b' '; 2 * 1024 * 1024])),
    ]
}

#[test]
fn unusable_rules_answers_keep_the_last_good_rules() {
    let api = XrayApi::start(rules(&[rule("Default", 10000, 0.2, 0)]), Reply::Status(404));
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, Duration::from_secs(60))));
    let tracer = pipeline.tracer();
    api.wait_rules(2, PATIENCE);
    assert_fraction(sampled_roots(&tracer, &[]), 0.2, "the first rules");
    let mut failures = failures();
    // A rule that would sample everything is left out; so the answer has no rule, and
    // the fallback (1 a second, then 5%) decides, not 100%.
    failures.push(("a fixed rate of 5", rules(&[rule("Default", 10000, 5.0, 0)])));
    for (what, reply) in failures {
        let fallback = what == "a fixed rate of 5";
        api.rules(reply);
        api.wait_rules(3, PATIENCE);
        let sampled = sampled_roots(&tracer, &[]);
        if fallback {
            assert!(sampled < 200, "{what}: sampled {sampled} of 2000");
        } else {
            assert_fraction(sampled, 0.2, what);
        }
        // Recovered for the next case.
        serve_rules(&api, rules(&[rule("Default", 10000, 0.2, 0)]));
    }
}

#[test]
fn unusable_targets_answers_keep_the_last_good_target() {
    let api = XrayApi::start(
        rules(&[rule("Default", 10000, 0.0, 0)]),
        targets(&[("Default", 0.2, None)], Duration::ZERO),
    );
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, Duration::from_millis(200))));
    let tracer = pipeline.tracer();
    // Traffic until the target (0.2) is applied.
    let start = Instant::now();
    while api.targets_served() < 2 {
        assert!(start.elapsed() < PATIENCE, "no target applied");
        root(&tracer, "request", &[]);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_fraction(sampled_roots(&tracer, &[]), 0.2, "the first target");
    let mut failures = failures();
    failures.push((
        "a target fixed rate of 5",
        targets(&[("Default", 5.0, None)], Duration::ZERO),
    ));
    failures.push((
        "a quota of -1",
        targets(&[("Default", 1.0, None)], Duration::ZERO),
    ));
    for (what, mut reply) in failures {
        if let Reply::Json(json) = &mut reply
            && what == "a quota of -1"
        {
            *json = json.replace(
                r#""FixedRate":1.0"#,
                r#""FixedRate":1.0,"ReservoirQuota":-1,"ReservoirQuotaTTL":9e9"#,
            );
        }
        api.targets(reply);
        let start = Instant::now();
        while api.targets_served() < 3 {
            assert!(start.elapsed() < PATIENCE, "{what}: fewer than 3 reports");
            root(&tracer, "request", &[]);
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_fraction(sampled_roots(&tracer, &[]), 0.2, what);
    }
}

#[test]
fn an_endpoint_that_never_answers_blocks_no_span_start_and_the_last_rules_stay() {
    let api = XrayApi::start(rules(&[rule("Default", 10000, 0.2, 0)]), Reply::Hang);
    // Rules every 2 s, so each hanging fetch holds on for 2 s (its deadline, the
    // interval): a span start that waited for it would take that long.
    let every = Duration::from_secs(2);
    let remote = remote(&api, Duration::from_millis(200)).polling_interval(every);
    let pipeline = Pipeline::new(Sampling::xray(remote));
    let tracer = pipeline.tracer();
    api.wait_rules(1, PATIENCE);
    api.rules(Reply::Hang);
    api.wait_rules(1, PATIENCE);
    // A fetch hangs now; 2,000 span starts meanwhile.
    let mut slowest = Duration::ZERO;
    let mut sampled = 0;
    for _ in 0..2000 {
        let start = Instant::now();
        sampled += usize::from(root(&tracer, "request", &[]));
        slowest = slowest.max(start.elapsed());
    }
    assert_fraction(sampled, 0.2, "hanging endpoint");
    assert!(slowest < every / 2, "a span start took {slowest:?}");
    // The fetch ends at its deadline and polling goes on, for rules and targets alike.
    let took = api.wait_rules(3, Duration::from_secs(20));
    assert!(
        took < Duration::from_secs(15),
        "3 hanging rules fetches took {took:?}"
    );
    let start = Instant::now();
    while api.targets_served() < 2 {
        assert!(
            start.elapsed() < PATIENCE,
            "the targets poll stopped at a hanging call"
        );
        root(&tracer, "request", &[]);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_fraction(sampled_roots(&tracer, &[]), 0.2, "still the last good rules");
    // And it recovers.
    api.rules(rules(&[rule("Default", 10000, 0.0, 0)]));
    api.wait_rules(2, Duration::from_secs(20));
    assert_eq!(sampled_roots(&tracer, &[]), 0);
}

#[test]
fn an_endpoint_that_never_answers_from_the_start_leaves_the_fallback() {
    let api = XrayApi::start(Reply::Hang, Reply::Hang);
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, Duration::from_millis(200))));
    api.wait_rules(2, PATIENCE);
    let sampled = sampled_roots(&pipeline.tracer(), &[]);
    assert!(
        (20..200).contains(&sampled),
        "the fallback: sampled {sampled} of 2000"
    );
}

/// A rules interval set in code past what the clock can add (`Duration::MAX`) leaves the
/// poll loop running: after the first rules, the reports still go out every targets
/// interval.
#[test]
fn a_polling_interval_past_the_clock_keeps_the_poll_loop_running() {
    let api = XrayApi::start(
        rules(&[rule("Default", 10000, 1.0, 0)]),
        targets(&[("Default", 1.0, None)], Duration::from_secs(10)),
    );
    let settings = remote(&api, Duration::from_millis(200)).polling_interval(Duration::MAX);
    let pipeline = Pipeline::new(Sampling::xray(settings));
    let tracer = pipeline.tracer();
    api.wait_rules(1, PATIENCE);
    let start = Instant::now();
    while api.requests().iter().filter(|r| r.path == TARGETS).count() < 2 {
        assert!(
            start.elapsed() < PATIENCE,
            "fewer than 2 reports after the first rules: the poll loop stopped"
        );
        root(&tracer, "request", &[]);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Rules a hostile X-Ray API can write: twenty whose `URLPath` is a glob of a hundred
/// stars, against a root span whose 4 KiB path nearly matches each. Every decision reads
/// the path once per rule (a backtracking matcher took 400 ms a decision here); the
/// `xray_hostile_rules` bench measures it under a millisecond, this bound is generous.
#[test]
fn long_glob_rules_against_a_long_path_decide_quickly() {
    let ends_in_b: &'static str = format!("{}b", "*a".repeat(100)).leak();
    let b_inside: &'static str = format!("{}*b*", "*a".repeat(100)).leak();
    let mut answer: Vec<_> = (0..20)
        .map(|i| RuleJson {
            path: if i % 2 == 0 { ends_in_b } else { b_inside },
            ..rule(format!("glob{i}").leak(), i + 1, 1.0, 0)
        })
        .collect();
    answer.push(rule("Default", 10000, 0.0, 0));
    let api = XrayApi::start(rules(&answer), Reply::Status(404));
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, Duration::from_secs(60))));
    let tracer = pipeline.tracer();
    api.wait_rules(2, PATIENCE);
    // Only `Default` (rate 0) applies: the path has no `b`.
    let path = "a".repeat(4096);
    let started = Instant::now();
    let sampled = (0..50)
        .filter(|_| root(&tracer, "request", &[("url.path", &path)]))
        .count();
    let took = started.elapsed();
    assert_eq!(sampled, 0, "a glob rule matched a path without b");
    assert!(
        took < Duration::from_secs(1),
        "50 root-span decisions took {took:?}"
    );
    // And the rules are applied, not left out: a path with a `b` at its end is theirs.
    let matching = format!("{path}b");
    assert!(root(&tracer, "request", &[("url.path", &matching)]));
}

/// The bounds on what one answer may hold: a pattern past 512 characters, a run past 128
/// between wildcards or more than 16 attribute matchers leaves its rule out (the
/// `Default` rule decides instead), and past 100 rules the last by priority are left out.
#[test]
fn rules_past_the_bounds_are_left_out_and_the_default_stays() {
    let resource = opentelemetry_sdk::Resource::builder_empty().build();
    let path = [opentelemetry::KeyValue::new("url.path", "/orders/7")];
    let matched = |answer: Vec<RuleJson>| {
        let Reply::Json(json) = rules(&answer) else {
            unreachable!("rules() is JSON")
        };
        otel_kit_sampling::xray_matching_rule(json.as_bytes(), &resource, &path).expect("a usable answer")
    };
    let attributes: &'static [(&'static str, &'static str)] = (0..17)
        .map(|i| (&*format!("k{i}").leak(), "*"))
        .collect::<Vec<_>>()
        .leak();
    // Each rule matches the span as written; the Default decides when it is left out.
    for (first, expected) in [
        (
            RuleJson {
                path: format!("/orders/7{}", "*".repeat(600)).leak(),
                ..rule("long", 1, 1.0, 0)
            },
            "Default",
        ),
        (
            RuleJson {
                path: format!("/orders/7{}", "*".repeat(503)).leak(),
                ..rule("kept", 1, 1.0, 0)
            },
            "kept",
        ),
        (
            RuleJson {
                service_name: format!("*{}*", "?".repeat(129)).leak(),
                ..rule("run", 1, 1.0, 0)
            },
            "Default",
        ),
        (
            RuleJson {
                attributes,
                ..rule("attributes", 1, 1.0, 0)
            },
            "Default",
        ),
    ] {
        let name = first.name;
        let answer = vec![first, rule("Default", 10000, 0.0, 0)];
        assert_eq!(matched(answer).as_deref(), Some(expected), "rule {name}");
    }
    // `count` rules by priority, none matching but the one of priority `matching`, then
    // the Default.
    let numbered = |count: i64, matching: i64| {
        let mut answer: Vec<_> = (1..=count)
            .map(|i| RuleJson {
                path: if i == matching { "/orders/*" } else { "/never" },
                ..rule(format!("r{i:03}").leak(), i, 1.0, 0)
            })
            .collect();
        answer.push(rule("Default", 10000, 0.0, 0));
        answer
    };
    assert_eq!(
        matched(numbered(150, 120)).as_deref(),
        Some("Default"),
        "rule 120 is past the first 99"
    );
    assert_eq!(matched(numbered(99, 99)).as_deref(), Some("r099"));
}
