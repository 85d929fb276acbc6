//! A structured log attribute as `serde_json`, to compare it with `json!`: the harness
//! keeps a map's entries in the order they arrived, which a map does not promise.

#![allow(unreachable_pub)]

use otel_kit_testing::AttributeValue;
use serde_json::{Map, Value};

pub fn to_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::String(s) => Value::String(s.clone()),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Int(n) => Value::from(*n),
        AttributeValue::Double(x) => Value::from(*x),
        AttributeValue::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        AttributeValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        other => panic!("no JSON for {other:?}"),
    }
}
