//! The Jaeger remote sampler's strategies parser (`otel_kit_sampling`'s
//! `normalise_jaeger_strategy`), over arbitrary response bodies.
//!
//! Input: the body the strategies endpoint answered.
//!
//! Invariants:
//! - it never panics;
//! - an accepted body is what the SDK parses: JSON, `strategyType` `PROBABILISTIC`, every
//!   sampling rate within 0..=1, a rate limit a whole number within `i32`;
//! - accepting is idempotent: the accepted body is accepted again, unchanged, with the
//!   same rate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Every `samplingRate` in `value`, however deep.
fn rates(value: &Value, out: &mut Vec<f64>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "samplingRate" {
                    out.push(v.as_f64().expect("a number"));
                }
                rates(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| rates(v, out)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok((body, rate)) = otel_kit_sampling::normalise_jaeger_strategy(data) else {
        return;
    };
    let value: Value = serde_json::from_slice(&body).expect("the accepted body is JSON");
    assert_eq!(value["strategyType"], "PROBABILISTIC");
    let mut found = Vec::new();
    rates(&value, &mut found);
    assert!(found.iter().all(|p| (0.0..=1.0).contains(p)), "{found:?}");
    if let Some(rate) = rate {
        assert!(rate >= 0.0 && rate <= f64::from(i32::MAX) && rate.fract() == 0.0, "{rate}");
    }
    let (again, again_rate) =
        otel_kit_sampling::normalise_jaeger_strategy(&body).expect("the accepted body is accepted again");
    assert_eq!(again, body);
    assert_eq!(again_rate, rate);
});
