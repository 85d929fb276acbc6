//! The X-Ray remote sampler's rules parser and matcher (`otel_kit_sampling`'s
//! `xray_matching_rule`), over arbitrary `GetSamplingRules` answers and span paths.
//!
//! Input: the root span's `url.path` up to the first newline, then the answer's body.
//!
//! Invariants:
//! - it never panics, and a decision stays quick (libFuzzer's 5 s timeout) whatever the
//!   rules' globs and the path;
//! - a matched rule is one the answer names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;

fuzz_target!(|data: &[u8]| {
    let (path, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    let path = String::from_utf8_lossy(path).into_owned();
    let resource = Resource::builder_empty().build();
    let attributes = [KeyValue::new("url.path", path), KeyValue::new("http.request.method", "GET")];
    let Ok(Some(rule)) = otel_kit_sampling::xray_matching_rule(body, &resource, &attributes) else {
        return;
    };
    let answer: serde_json::Value = serde_json::from_slice(body).expect("a usable answer is JSON");
    let named = answer["SamplingRuleRecords"]
        .as_array()
        .expect("a usable answer has the list")
        .iter()
        .any(|record| record["SamplingRule"]["RuleName"] == rule.as_str());
    assert!(named, "{rule:?} is not a rule of the answer");
});
