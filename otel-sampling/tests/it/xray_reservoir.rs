//! The X-Ray sampler's reservoir and the statistics it reports, against the X-Ray API
//! on loopback: 1 trace a second borrowed until the first target, then the target's
//! quota each second until its TTL, then the fixed rate alone; and every root counted,
//! by rule, in the `SamplingTargets` bodies (children are not: X-Ray counts the traces a
//! service starts), each count equal to what the test saw sampled.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use otel_kit_sampling::Sampling;
use serde_json::Value;

use super::xray_remote::{PATIENCE, remote};
use super::xray_server::{Reply, RuleJson, TARGETS, XrayApi, rule, rules, targets};
use crate::pipeline::{Pipeline, remote_parent, root, span};

const REPORT_EVERY: Duration = Duration::from_millis(300);

/// A statistics document as sent.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Counts {
    requests: u64,
    sampled: u64,
    borrowed: u64,
}

/// Every statistics document the API got, in order.
fn documents(api: &XrayApi) -> Vec<Value> {
    api.requests()
        .into_iter()
        .filter(|r| r.path == TARGETS)
        .flat_map(|r| {
            let body: Value = serde_json::from_str(&r.body).expect("the statistics are JSON");
            body["SamplingStatisticsDocuments"]
                .as_array()
                .expect("a SamplingStatisticsDocuments list")
                .clone()
        })
        .collect()
}

/// The counts of `rule`, summed over every document sent.
fn reported(api: &XrayApi, rule: &str) -> Counts {
    documents(api)
        .iter()
        .filter(|d| d["RuleName"] == rule)
        .fold(Counts::default(), |sum, d| Counts {
            requests: sum.requests + d["RequestCount"].as_u64().expect("RequestCount"),
            sampled: sum.sampled + d["SampledCount"].as_u64().expect("SampledCount"),
            borrowed: sum.borrowed + d["BorrowCount"].as_u64().expect("BorrowCount"),
        })
}

/// Waits until the reports of `rule` add up to `expected`; panics with what they say.
fn wait_reported(api: &XrayApi, rule: &str, expected: Counts) {
    let start = Instant::now();
    while reported(api, rule) != expected {
        assert!(
            start.elapsed() < PATIENCE,
            "rule {rule}: reported {:?}, expected {expected:?}",
            reported(api, rule)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Roots with `path` started every 5 ms for `during`: how many started and were sampled.
fn roots_for(tracer: &opentelemetry_sdk::trace::SdkTracer, path: &str, during: Duration) -> (u64, u64) {
    let (mut started, mut sampled) = (0, 0);
    let start = Instant::now();
    while start.elapsed() < during {
        started += 1;
        sampled += u64::from(root(tracer, "request", &[("url.path", path)]));
        std::thread::sleep(Duration::from_millis(5));
    }
    (started, sampled)
}

/// Starts a root of the `ping` rule every 20 ms (the poller reports only when a rule
/// was used) until `n` reports got the current targets answer.
fn keep_reporting_until(api: &XrayApi, tracer: &opentelemetry_sdk::trace::SdkTracer, n: usize) {
    let start = Instant::now();
    while api.targets_served() < n {
        assert!(
            start.elapsed() < PATIENCE,
            "fewer than {n} reports within {PATIENCE:?}"
        );
        root(tracer, "ping", &[("url.path", "/ping")]);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A rule for the traffic that keeps reports coming, apart from the rule under test.
fn ping() -> RuleJson {
    RuleJson {
        path: "/ping",
        ..rule("ping", 1, 0.0, 0)
    }
}

#[test]
fn the_reservoir_borrows_one_a_second_then_takes_the_quota_until_its_ttl() {
    let empty = targets(&[], Duration::ZERO);
    let api = XrayApi::start(rules(&[rule("Default", 10000, 0.0, 50), ping()]), empty);
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, REPORT_EVERY)));
    let tracer = pipeline.tracer();
    api.wait_rules(1, PATIENCE);

    // No target yet: 1 a second, borrowed (at most 1 + 1 a second), the fixed rate 0 after.
    let phase = Instant::now();
    let (started_1, sampled_1) = roots_for(&tracer, "/a", Duration::from_millis(1500));
    let most = 1 + phase.elapsed().as_secs();
    assert!(
        (1..=most).contains(&sampled_1),
        "borrowing: sampled {sampled_1} of {started_1} in {:?}",
        phase.elapsed()
    );
    wait_reported(
        &api,
        "Default",
        Counts {
            requests: started_1,
            sampled: sampled_1,
            borrowed: sampled_1,
        },
    );

    // A quota of 20 a second for 2 seconds: up to 20 at once and 20 a second, none
    // borrowed; then the fixed rate (0) alone.
    let ttl = Duration::from_millis(2500);
    api.targets(targets(&[("Default", 0.0, Some(20))], ttl));
    let quota_from = Instant::now();
    // A second report answered alike shows the first answer was applied: the poller
    // reports again only after it has.
    keep_reporting_until(&api, &tracer, 2);
    let phase = Instant::now();
    let (started_2, sampled_2) = roots_for(&tracer, "/a", Duration::from_millis(1000));
    let most = 20 + (20.0 * phase.elapsed().as_secs_f64()).ceil() as u64 + 1;
    assert!(
        (20..=most).contains(&sampled_2),
        "quota 20/s: sampled {sampled_2} of {started_2} in {:?}",
        phase.elapsed()
    );
    std::thread::sleep(
        (quota_from + ttl + Duration::from_millis(200)).saturating_duration_since(Instant::now()),
    );
    let (started_3, sampled_3) = roots_for(&tracer, "/a", Duration::from_millis(300));
    assert_eq!(sampled_3, 0, "after the quota's TTL, the fixed rate 0 alone");
    wait_reported(
        &api,
        "Default",
        Counts {
            requests: started_1 + started_2 + started_3,
            sampled: sampled_1 + sampled_2,
            borrowed: sampled_1,
        },
    );
}

#[test]
fn every_root_is_counted_by_rule_and_children_are_not() {
    let api = XrayApi::start(
        rules(&[
            rule("Default", 10000, 0.0, 0),
            RuleJson {
                path: "/a",
                ..rule("a-rule", 1, 1.0, 0)
            },
            RuleJson {
                path: "/unused",
                ..rule("unused", 2, 1.0, 0)
            },
        ]),
        targets(&[], Duration::ZERO),
    );
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, REPORT_EVERY)));
    let tracer = pipeline.tracer();
    api.wait_rules(1, PATIENCE);
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    for _ in 0..30 {
        assert!(root(&tracer, "request", &[("url.path", "/a")]));
    }
    for _ in 0..20 {
        assert!(!root(&tracer, "request", &[("url.path", "/b")]));
    }
    for id in 1..=10u128 {
        assert!(span(
            &tracer,
            "child",
            &remote_parent(id, true),
            &[("url.path", "/a")]
        ));
    }
    let a = Counts {
        requests: 30,
        sampled: 30,
        borrowed: 0,
    };
    wait_reported(&api, "a-rule", a);
    wait_reported(
        &api,
        "Default",
        Counts {
            requests: 20,
            sampled: 0,
            borrowed: 0,
        },
    );
    let documents = documents(&api);
    assert!(
        documents.iter().all(|d| d["RuleName"] != "unused"),
        "a rule no trace matched is not reported: {documents:?}"
    );
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    let client = documents[0]["ClientID"].as_str().expect("ClientID").to_owned();
    assert_eq!(client.len(), 24, "{client}");
    assert!(client.bytes().all(|b| b.is_ascii_hexdigit()), "{client}");
    for document in &documents {
        assert_eq!(document["ClientID"], client.as_str(), "one client id");
        let timestamp = document["Timestamp"].as_f64().expect("Timestamp in seconds");
        assert!((before - 1.0..=after + 1.0).contains(&timestamp), "{document}");
        let mut keys: Vec<&String> = document.as_object().expect("an object").keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "BorrowCount",
                "ClientID",
                "RequestCount",
                "RuleName",
                "SampledCount",
                "Timestamp"
            ],
            "X-Ray's field names"
        );
    }
}

#[test]
fn a_target_changes_the_fixed_rate_and_a_changed_rule_set_is_fetched_at_once() {
    let api = XrayApi::start(
        rules(&[rule("Default", 10000, 0.0, 0)]),
        targets(&[], Duration::ZERO),
    );
    // Rules only every 10 minutes: a new fetch can come only from a target's answer.
    let remote = remote(&api, REPORT_EVERY).polling_interval(Duration::from_secs(600));
    let pipeline = Pipeline::new(Sampling::xray(remote));
    let tracer = pipeline.tracer();
    api.wait_rules(1, PATIENCE);
    assert!(!root(&tracer, "request", &[]));
    api.targets(targets(&[("Default", 1.0, None)], Duration::ZERO));
    let start = Instant::now();
    while !root(&tracer, "request", &[]) {
        assert!(
            start.elapsed() < PATIENCE,
            "the target's fixed rate 1 was never applied"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // X-Ray says the rules changed after they were fetched: they are fetched again now
    // (a rule before Default, at 0, tells the new rules apply).
    api.rules(rules(&[
        rule("Default", 10000, 0.0, 0),
        rule("all-off", 1, 0.0, 0),
    ]));
    let Reply::Json(answer) = targets(&[], Duration::ZERO) else {
        unreachable!("a JSON reply")
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    api.targets(Reply::Json(answer.replace(
        r#""LastRuleModification":1.0"#,
        &format!(r#""LastRuleModification":{}"#, now + 1.0),
    )));
    let start = Instant::now();
    while root(&tracer, "request", &[]) {
        assert!(start.elapsed() < PATIENCE, "the rules were not fetched again");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(api.wait_rules(1, PATIENCE) < PATIENCE);
}
