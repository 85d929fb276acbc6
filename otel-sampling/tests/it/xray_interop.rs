//! The kit's X-Ray sampler beside AWS's own, on the same X-Ray API stub: the Python
//! sampler of `aws-opentelemetry-distro` (0.21.0; `tests/it/xray_peer.py`), run by the
//! interpreter `TEST_PYTHON_XRAY` names. The distro pins its own `opentelemetry-sdk`
//! (1.44.0), so it lives in a venv of its own (`target/tools/xray-venv`), apart from
//! `TEST_PYTHON_OTEL`'s. Without the variable the test says why on stderr and passes.
//!
//! Where the outcome is deterministic they must agree: which rule a new trace matches,
//! the decision when that rule's fixed rate is 0 or 1 (no reservoir), and the counts
//! each sends for each rule. Known differences, written out rather than hidden: the
//! distro names the sampled count `SampleCount` where X-Ray's API (and the kit) says
//! `SampledCount`, and adds `SamplingBoostStatisticsDocuments` (its adaptive sampling,
//! which the kit does not implement).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use opentelemetry::KeyValue;
use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use otel_kit_sampling::{Sampling, XrayRemote, xray_matching_rule};
use serde_json::{Value, json};

use super::xray_remote::PATIENCE;
use super::xray_server::{Reply, RuleJson, TARGETS, XrayApi, rule, rules, targets};
use crate::pipeline::{Pipeline, root};

const PYTHON_VAR: &str = "TEST_PYTHON_XRAY";

/// The interpreter, or `None` after saying why the test is skipped. A variable that is
/// set but names no file is a broken setup: panic.
fn python() -> Option<PathBuf> {
    let Some(path) = std::env::var_os(PYTHON_VAR).filter(|v| !v.is_empty()) else {
        eprintln!(
            "skipped: set {PYTHON_VAR} to a python3 whose venv has aws-opentelemetry-distro==0.21.0 \
             (it pins opentelemetry-sdk 1.44.0, so not TEST_PYTHON_OTEL's venv)"
        );
        return None;
    };
    let path = PathBuf::from(path);
    assert!(path.is_file(), "{PYTHON_VAR}={} is not a file", path.display());
    Some(path)
}

const RESOURCE: &[(&str, &str)] = &[
    ("service.name", "checkout"),
    ("cloud.platform", "aws_ecs"),
    (
        "aws.ecs.container.arn",
        "arn:aws:ecs:us-east-1:123456789012:container/shop/1",
    ),
];

/// Every rule without a reservoir, at a fixed rate of 0 or 1: deterministic decisions.
fn the_rules() -> Vec<RuleJson> {
    vec![
        rule("Default", 10000, 0.0, 0),
        // Same priority: `orders-any` comes first by name.
        RuleJson {
            method: "GET",
            path: "/orders/*",
            ..rule("orders-get", 10, 1.0, 0)
        },
        RuleJson {
            path: "/orders/?",
            ..rule("orders-any", 10, 0.0, 0)
        },
        RuleJson {
            service_type: "AWS::EC2::Instance",
            ..rule("ec2-only", 5, 1.0, 0)
        },
        RuleJson {
            host: "*.internal",
            ..rule("internal-hosts", 20, 1.0, 0)
        },
        RuleJson {
            attributes: &[("tenant", "gold-*")],
            ..rule("gold", 30, 1.0, 0)
        },
        RuleJson {
            service_name: "check*",
            service_type: "AWS::ECS::Container",
            method: "DELETE",
            ..rule("ecs-checkout", 40, 1.0, 0)
        },
        RuleJson {
            arn: "arn:aws:ecs:*",
            method: "PATCH",
            ..rule("container-arn", 50, 1.0, 0)
        },
        RuleJson {
            path: "/from-full",
            ..rule("url-full", 60, 1.0, 0)
        },
    ]
}

/// The span attributes of the cases, each a new trace.
fn the_cases() -> Vec<Vec<(&'static str, &'static str)>> {
    let once: Vec<Vec<(&str, &str)>> = vec![
        vec![("http.request.method", "GET"), ("url.path", "/orders/7")],
        vec![("http.request.method", "GET"), ("url.path", "/orders/77")],
        vec![("http.request.method", "POST"), ("url.path", "/orders/77")],
        vec![("http.method", "GET"), ("http.target", "/orders/77")],
        vec![("http.request.method", "GET"), ("url.path", "/ORDERS/77")],
        vec![("server.address", "db.internal")],
        vec![("server.address", "db.internal.example")],
        vec![("tenant", "gold-1")],
        vec![("tenant", "silver")],
        vec![("http.request.method", "DELETE")],
        vec![("http.request.method", "PATCH")],
        vec![("url.full", "https://shop.example/from-full?q=1")],
        vec![("url.full", "shop.example/from-full")],
        vec![],
    ];
    // Three times each, so that the counts are more than ones.
    once.iter().cycle().take(once.len() * 3).cloned().collect()
}

fn trace_id(i: usize) -> TraceId {
    TraceId::from(0x5bd6_6ef5_c31e_4b8a_9e8c_0d3d_7f10_0000_u128 + i as u128)
}

/// One rule's counts: `(rule, requests, sampled, borrowed)`.
type RuleCounts = (String, u64, u64, u64);

/// The counts of each rule in the statistics documents of `client`, summed over its
/// reports, by rule; and the field names used.
fn counts_of(api: &XrayApi, client: &str) -> (Vec<RuleCounts>, Vec<String>) {
    let mut counts = std::collections::BTreeMap::<String, (u64, u64, u64)>::new();
    let mut fields = Vec::new();
    for request in api.requests().into_iter().filter(|r| r.path == TARGETS) {
        let body: Value = serde_json::from_str(&request.body).expect("JSON statistics");
        for document in body["SamplingStatisticsDocuments"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if document["ClientID"] != client {
                continue;
            }
            let number = |key: &str| document[key].as_u64().unwrap_or(0);
            let sampled = document
                .get("SampledCount")
                .or_else(|| document.get("SampleCount"));
            let sum = counts
                .entry(document["RuleName"].as_str().unwrap_or_default().to_owned())
                .or_default();
            sum.0 += number("RequestCount");
            sum.1 += sampled.and_then(Value::as_u64).unwrap_or(0);
            sum.2 += number("BorrowCount");
            fields = document
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            fields.sort();
        }
    }
    let counts = counts
        .into_iter()
        .map(|(rule, (r, s, b))| (rule, r, s, b))
        .collect();
    (counts, fields)
}

#[test]
fn the_kit_and_aws_python_sampler_match_the_same_rules_decide_alike_and_report_the_same_counts() {
    let Some(python) = python() else {
        return;
    };
    let answer = rules(&the_rules());
    let Reply::Json(rules_json) = &answer else {
        unreachable!("a JSON reply")
    };
    let api = XrayApi::start(answer.clone(), targets(&[], Duration::ZERO));
    let cases = the_cases();

    // AWS's sampler.
    let request = json!({
        "endpoint": api.endpoint(),
        "resource": RESOURCE.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "cases": cases.iter().enumerate().map(|(i, attributes)| json!({
            "attributes": attributes.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "trace_id": format!("{:032x}", trace_id(i)),
        })).collect::<Vec<_>>(),
    });
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/xray_peer.py");
    let mut child = Command::new(python)
        .arg(driver)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the Python driver runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("write the cases");
    let output = child.wait_with_output().expect("the driver finishes");
    assert!(output.status.success(), "the Python driver failed");
    let theirs: Value = serde_json::from_slice(&output.stdout).expect("the driver's JSON");
    let their_client = theirs["client_id"].as_str().expect("client_id").to_owned();
    let their_results = theirs["results"].as_array().expect("results").clone();
    assert_eq!(their_results.len(), cases.len());

    // The kit's, on the same API and resource.
    let resource = Resource::builder_empty()
        .with_attributes(RESOURCE.iter().map(|(k, v)| KeyValue::new(*k, *v)))
        .build();
    let remote = XrayRemote::new(api.endpoint())
        .polling_interval(Duration::from_secs(600))
        .targets_interval(Duration::from_millis(300))
        .resource(&resource);
    let pipeline = Pipeline::new(Sampling::xray(remote));
    let tracer = pipeline.tracer();
    let before = api.requests().len();
    let start = Instant::now();
    while !api.requests()[before..]
        .iter()
        .any(|r| r.path == super::xray_server::RULES)
    {
        assert!(start.elapsed() < PATIENCE, "the kit never asked for rules");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));

    let mut rows = Vec::new();
    for (i, (attributes, theirs)) in cases.iter().zip(&their_results).enumerate() {
        let kvs: Vec<KeyValue> = attributes.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect();
        let our_rule = xray_matching_rule(rules_json.as_bytes(), &resource, &kvs).expect("usable rules");
        let our_decision = root(&tracer, "request", attributes);
        let (their_rule, their_decision) = (theirs["rule"].as_str(), theirs["sampled"].as_bool());
        rows.push(format!(
            "{attributes:?}: kit {our_rule:?} {our_decision}, python {their_rule:?} {their_decision:?}"
        ));
        assert_eq!(our_rule.as_deref(), their_rule, "case {i}: {}", rows.join("\n"));
        assert_eq!(
            Some(our_decision),
            their_decision,
            "case {i}: {}",
            rows.join("\n")
        );
    }

    // The statistics: the kit reports every 300 ms; the same counts, rule by rule.
    let ours = |api: &XrayApi| {
        let clients: Vec<String> = api
            .requests()
            .iter()
            .filter(|r| r.path == TARGETS)
            .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
            .filter_map(|b| {
                b["SamplingStatisticsDocuments"][0]["ClientID"]
                    .as_str()
                    .map(str::to_owned)
            })
            .filter(|c| *c != their_client)
            .collect();
        clients.first().map(|c| counts_of(api, c))
    };
    let (their_counts, their_fields) = counts_of(&api, &their_client);
    assert!(!their_counts.is_empty(), "the Python sampler sent no statistics");
    let start = Instant::now();
    loop {
        if let Some((our_counts, our_fields)) = ours(&api)
            && our_counts == their_counts
        {
            eprintln!(
                "{} cases agree (rule and decision).\nstatistics, rule by rule (rule, requests, sampled, borrowed): {our_counts:?}\n\
                 kit's document fields: {our_fields:?}\npython's document fields: {their_fields:?}",
                cases.len()
            );
            break;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "statistics differ: kit {:?}, python {their_counts:?}",
            ours(&api)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
