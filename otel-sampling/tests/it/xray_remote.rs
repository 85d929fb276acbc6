//! The X-Ray remote sampler against the X-Ray sampling API on loopback
//! (`xray_server`), whose rules change while the sampler runs: decisions follow within
//! the polling interval; rules match by priority, then name, with wildcards on every
//! matcher; fixed rates of 0 and 1 decide every root; children follow their parent; and
//! the fallback (1 a second, then 5%) before any rules arrive.
//!
//! The reservoir, the statistics and the hostile endpoints are in `xray_reservoir` and
//! `xray_hostile`. Sampled fractions are counted over 2,000 root spans through a real
//! tracer provider; the sampler polls its rules every 200 ms and waits allow seconds.

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracer;
use otel_kit_sampling::{Sampling, SamplingError, XrayRemote, xray_matching_rule};

use super::xray_server::{Reply, RuleJson, XrayApi, rule, rules, targets};
use crate::pipeline::{Pipeline, remote_parent, root, span};

pub(crate) const ROOTS: usize = 2000;
pub(crate) const INTERVAL: Duration = Duration::from_millis(200);
/// How long any wait for the sampler may take before the test fails.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

/// Settings polling `api` every [`INTERVAL`], reporting every `targets_every`, for the
/// service `checkout` on ECS.
pub(crate) fn remote(api: &XrayApi, targets_every: Duration) -> XrayRemote {
    let resource = Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "checkout"),
            KeyValue::new("cloud.platform", "aws_ecs"),
            KeyValue::new(
                "aws.ecs.container.arn",
                "arn:aws:ecs:us-east-1:123456789012:container/shop/1",
            ),
        ])
        .build();
    XrayRemote::new(api.endpoint())
        .polling_interval(INTERVAL)
        .targets_interval(targets_every)
        .resource(&resource)
}

/// How many of `ROOTS` new root spans with `attributes` were sampled.
pub(crate) fn sampled_roots(tracer: &SdkTracer, attributes: &[(&'static str, &str)]) -> usize {
    (0..ROOTS).filter(|_| root(tracer, "request", attributes)).count()
}

/// Binomial(2000, p) within six standard deviations (plus one span, for p near 0 or 1).
pub(crate) fn assert_fraction(sampled: usize, p: f64, what: &str) {
    let mean = ROOTS as f64 * p;
    let margin = 6.0 * (ROOTS as f64 * p * (1.0 - p)).sqrt() + 1.0;
    assert!(
        (sampled as f64 - mean).abs() <= margin,
        "{what}: sampled {sampled} of {ROOTS}, expected {mean} +- {margin:.0}"
    );
}

/// Serves `reply` as the rules and waits until the sampler has fetched and applied them.
pub(crate) fn serve_rules(api: &XrayApi, reply: Reply) -> Duration {
    api.rules(reply);
    api.wait_rules(2, PATIENCE)
}

const GET_ORDERS: &[(&str, &str)] = &[("http.request.method", "GET"), ("url.path", "/orders/7")];
const HEALTH: &[(&str, &str)] = &[("http.request.method", "GET"), ("url.path", "/health")];

#[test]
fn decisions_follow_the_rules_as_they_change() {
    let api = XrayApi::start(rules(&[rule("Default", 10000, 0.0, 0)]), Reply::Status(404));
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, Duration::from_secs(60))));
    let tracer = pipeline.tracer();
    api.wait_rules(2, PATIENCE);
    assert_eq!(
        sampled_roots(&tracer, GET_ORDERS),
        0,
        "Default at 0, no reservoir"
    );
    let bodies: Vec<String> = api.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies[0], "{}", "the first page is asked for with an empty body");

    let took = serve_rules(&api, rules(&[rule("Default", 10000, 1.0, 0)]));
    assert!(
        took < INTERVAL * 5,
        "the second fetch of new rules came {took:?} after the change"
    );
    assert_eq!(sampled_roots(&tracer, GET_ORDERS), ROOTS, "Default at 1");

    // A rule of a higher priority for health checks; the rest still at the Default's 1.
    let health = RuleJson {
        path: "/health*",
        ..rule("health", 1, 0.0, 0)
    };
    serve_rules(&api, rules(&[rule("Default", 10000, 1.0, 0), health]));
    assert_eq!(sampled_roots(&tracer, HEALTH), 0, "health checks at 0");
    assert_eq!(sampled_roots(&tracer, GET_ORDERS), ROOTS, "the rest at 1");

    serve_rules(&api, rules(&[rule("Default", 10000, 0.25, 0)]));
    assert_fraction(sampled_roots(&tracer, GET_ORDERS), 0.25, "Default at 0.25");
    assert_fraction(sampled_roots(&tracer, HEALTH), 0.25, "the health rule is gone");
}

#[test]
fn fixed_rates_of_zero_and_one_decide_every_root_and_children_follow_their_parent() {
    let api = XrayApi::start(
        rules(&[
            RuleJson {
                method: "POST",
                ..rule("writes", 5, 1.0, 0)
            },
            rule("Default", 10000, 0.0, 0),
        ]),
        Reply::Status(404),
    );
    let pipeline = Pipeline::new(Sampling::xray(remote(&api, Duration::from_secs(60))));
    let tracer = pipeline.tracer();
    api.wait_rules(2, PATIENCE);
    let post = &[("http.request.method", "POST"), ("url.path", "/orders")];
    assert_eq!(sampled_roots(&tracer, post), ROOTS, "writes at 1");
    assert_eq!(sampled_roots(&tracer, GET_ORDERS), 0, "the rest at 0");
    // A child follows its parent, whatever the rules say of its attributes.
    for id in 1..200u128 {
        assert!(span(&tracer, "child", &remote_parent(id, true), GET_ORDERS));
        assert!(!span(&tracer, "child", &remote_parent(id, false), post));
    }
}

#[test]
fn before_any_rules_the_fallback_samples_one_a_second_and_five_percent_of_the_rest() {
    // A port nobody listens on: every fetch is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let sampling = Sampling::xray(
        XrayRemote::new(format!("http://127.0.0.1:{port}"))
            .polling_interval(INTERVAL)
            .targets_interval(INTERVAL),
    );
    let pipeline = Pipeline::new(sampling);
    std::thread::sleep(INTERVAL * 3);
    let sampled = sampled_roots(&pipeline.tracer(), GET_ORDERS);
    // 1 from the reservoir (2 if a second passed), then 5% of the rest: never everything.
    let rest = ROOTS as f64 - 1.0;
    let (mean, margin) = (rest * 0.05, 6.0 * (rest * 0.05 * 0.95).sqrt() + 2.0);
    assert!(
        (sampled as f64 - 1.0 - mean).abs() <= margin,
        "fallback: sampled {sampled} of {ROOTS}, expected 1 + {mean:.0} +- {margin:.0}"
    );
}

/// The rule matching is checked through the parser and matcher the sampler uses
/// (`xray_matching_rule`), on one answer and many spans.
#[test]
fn rules_match_by_priority_then_name_with_wildcards_on_every_matcher() {
    let answer = rules(&[
        rule("Default", 10000, 0.05, 1),
        // Same priority as `b-orders`: `a-orders` comes first by name.
        RuleJson {
            path: "/orders/*",
            ..rule("b-orders", 10, 1.0, 0)
        },
        RuleJson {
            path: "/orders/?",
            method: "GET",
            ..rule("a-orders", 10, 1.0, 0)
        },
        RuleJson {
            host: "*.internal",
            ..rule("internal", 20, 0.0, 0)
        },
        RuleJson {
            attributes: &[("tenant", "gold-*"), ("region", "eu-?")],
            ..rule("gold", 30, 1.0, 0)
        },
        RuleJson {
            service_name: "payments",
            ..rule("payments-only", 1, 0.0, 0)
        },
        RuleJson {
            service_type: "AWS::ECS::Container",
            arn: "arn:aws:ecs:*:container/shop/*",
            method: "DELETE",
            ..rule("ecs-deletes", 40, 0.0, 0)
        },
        RuleJson {
            service_type: "AWS::EC2::Instance",
            method: "PUT",
            ..rule("ec2-puts", 41, 0.0, 0)
        },
    ]);
    let Reply::Json(answer) = answer else {
        unreachable!("a JSON reply")
    };
    let ecs = Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "checkout"),
            KeyValue::new("cloud.platform", "aws_ecs"),
            KeyValue::new(
                "aws.ecs.container.arn",
                "arn:aws:ecs:us-east-1:123456789012:container/shop/1",
            ),
        ])
        .build();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("http.request.method", "GET"), ("url.path", "/orders/7")],
            "a-orders",
        ),
        (
            &[("http.request.method", "POST"), ("url.path", "/orders/7")],
            "b-orders",
        ),
        (
            &[("http.request.method", "GET"), ("url.path", "/orders/77")],
            "b-orders",
        ),
        (&[("url.full", "https://shop.example/orders/7?x=1")], "b-orders"),
        (&[("url.full", "https://shop.example")], "Default"),
        (&[("server.address", "db.internal")], "internal"),
        (&[("server.address", "db.internal.example")], "Default"),
        (&[("tenant", "gold-3"), ("region", "eu-1")], "gold"),
        (&[("tenant", "gold-3")], "Default"),
        (&[("tenant", "silver"), ("region", "eu-1")], "Default"),
        (&[("http.request.method", "DELETE")], "ecs-deletes"),
        (&[("http.request.method", "PUT")], "Default"),
        // `_OTHER` is matched by the method sent.
        (
            &[
                ("http.request.method", "_OTHER"),
                ("http.request.method_original", "DELETE"),
            ],
            "ecs-deletes",
        ),
        // Case matters, as with AWS's Python sampler.
        (
            &[("http.request.method", "get"), ("url.path", "/orders/7")],
            "b-orders",
        ),
        (&[], "Default"),
    ];
    for (attributes, expected) in cases {
        let attributes: Vec<KeyValue> = attributes
            .iter()
            .map(|(k, v)| KeyValue::new(k.to_string(), v.to_string()))
            .collect();
        let got = xray_matching_rule(answer.as_bytes(), &ecs, &attributes).expect("a usable answer");
        assert_eq!(got.as_deref(), Some(*expected), "{attributes:?}");
    }
    // On EC2 the ECS rule does not apply and the EC2 one does; for `payments`, its rule
    // comes first of all.
    let ec2 = Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "payments"),
            KeyValue::new("cloud.platform", "aws_ec2"),
        ])
        .build();
    let put = [KeyValue::new("http.request.method", "PUT")];
    assert_eq!(
        xray_matching_rule(answer.as_bytes(), &ec2, &put)
            .expect("usable")
            .as_deref(),
        Some("payments-only")
    );
    let ec2_checkout = Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "checkout"),
            KeyValue::new("cloud.platform", "aws_ec2"),
        ])
        .build();
    assert_eq!(
        xray_matching_rule(answer.as_bytes(), &ec2_checkout, &put)
            .expect("usable")
            .as_deref(),
        Some("ec2-puts")
    );
}

#[test]
fn unusable_rules_are_left_out_and_the_default_rule_is_tried_last() {
    let answer = br#"{"SamplingRuleRecords":[
        {"SamplingRule":{"RuleName":"Default","Priority":1,"FixedRate":0.05,"ReservoirSize":1,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","ResourceARN":"*","Version":1}},
        {"SamplingRule":{"RuleName":"too-high","Priority":2,"FixedRate":5,"ReservoirSize":0,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","ResourceARN":"*","Version":1}},
        {"SamplingRule":{"RuleName":"v2","Priority":3,"FixedRate":1,"ReservoirSize":0,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","ResourceARN":"*","Version":2}},
        {"SamplingRule":{"RuleName":"","Priority":4,"FixedRate":1,"ReservoirSize":0,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","ResourceARN":"*","Version":1}},
        {"SamplingRule":{"RuleName":"number-path","Priority":5,"FixedRate":1,"ReservoirSize":0,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":7,"ResourceARN":"*","Version":1}},
        {"NotARule":{}},
        {"SamplingRule":{"RuleName":"post","Priority":9,"FixedRate":1,"ReservoirSize":0,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"POST","URLPath":"*","ResourceARN":"*","Version":1}}
    ]}"#;
    let resource = Resource::builder_empty().build();
    let post = [KeyValue::new("http.request.method", "POST")];
    let matching =
        |attributes: &[KeyValue]| xray_matching_rule(answer, &resource, attributes).expect("usable");
    assert_eq!(
        matching(&post).as_deref(),
        Some("post"),
        "Default (priority 1) is still last"
    );
    assert_eq!(matching(&[]).as_deref(), Some("Default"));
    for unusable in [
        &b"[]"[..],
        b"{}",
        b"{\"SamplingRuleRecords\":{}}",
        b"not json",
        b"\xff\xfe",
    ] {
        assert!(
            xray_matching_rule(unusable, &resource, &[]).is_err(),
            "{unusable:?}"
        );
    }
    // No rule at all: no match, the fallback decides.
    assert_eq!(
        xray_matching_rule(br#"{"SamplingRuleRecords":[]}"#, &resource, &[]).expect("usable"),
        None
    );
}

#[test]
fn validate_names_what_is_wrong_and_into_sampler_falls_back() {
    for bad in [
        "",
        "xray-daemon:2000",
        "https://xray:2000",
        "http://:2000",
        "http://h:2000/x?y=1",
    ] {
        let sampling = Sampling::xray(XrayRemote::new(bad));
        let err = sampling.validate().expect_err(bad);
        assert!(matches!(err, SamplingError::InvalidXrayRemote(_)), "{err:?}");
        assert!(err.to_string().starts_with("X-Ray remote sampler: "), "{err}");
        // Unvalidated, it samples the fallback ratio (0.001): not everything.
        let pipeline = Pipeline::new(sampling);
        let sampled = sampled_roots(&pipeline.tracer(), GET_ORDERS);
        assert!(sampled <= 12, "{bad:?}: sampled {sampled} of {ROOTS}");
    }
    for zero in [
        XrayRemote::new("http://h:2000").polling_interval(Duration::ZERO),
        XrayRemote::new("http://h:2000").targets_interval(Duration::ZERO),
    ] {
        assert!(Sampling::xray(zero).validate().is_err());
    }
    // The credentials an endpoint may carry are never printed.
    let secret = Sampling::xray(XrayRemote::new("https://alice:s3cret@h:2000"));
    let shown = format!("{secret} {}", secret.validate().expect_err("https"));
    assert!(
        !shown.contains("s3cret") && shown.contains("alice:***@"),
        "{shown}"
    );
}

#[test]
fn the_targets_interval_x_ray_asks_for_is_followed() {
    let api = XrayApi::start(rules(&[rule("Default", 10000, 1.0, 0)]), Reply::Status(404));
    let answer = targets(&[("Default", 1.0, None)], Duration::from_secs(10));
    let Reply::Json(answer) = answer else {
        unreachable!("a JSON reply")
    };
    // X-Ray asks for a report every second (the sampler's own interval here is 60 s).
    api.targets(Reply::Json(
        answer.replace(r#""FixedRate":1.0"#, r#""FixedRate":1.0,"Interval":1"#),
    ));
    let remote = remote(&api, Duration::from_millis(300));
    let pipeline = Pipeline::new(Sampling::xray(remote));
    let tracer = pipeline.tracer();
    api.wait_rules(1, PATIENCE);
    // Traffic all along, so that every report has something to say.
    let start = std::time::Instant::now();
    while api
        .requests()
        .iter()
        .filter(|r| r.path == super::xray_server::TARGETS)
        .count()
        < 4
    {
        assert!(start.elapsed() < PATIENCE, "fewer than 4 reports");
        root(&tracer, "request", GET_ORDERS);
        std::thread::sleep(Duration::from_millis(20));
    }
    // The first after 300 ms, then one a second: not every 300 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(2500),
        "4 reports in {:?}",
        start.elapsed()
    );
}
