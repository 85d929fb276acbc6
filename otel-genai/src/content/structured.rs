//! Content as a structured log attribute value: the conventions ask for
//! `gen_ai.input.messages`, `gen_ai.output.messages` and `gen_ai.system_instructions`
//! in structured form on events (a JSON string is only the spans' fallback).

use opentelemetry::Key;
use opentelemetry::logs::AnyValue;
use serde_json::Value;

/// `value` as an [`AnyValue`]: objects as maps, arrays as lists, integers as ints,
/// other numbers as doubles. The logs data model has no null: a `null` member of an
/// object is left out (the schemas read an absent member as null), and so is a `null`
/// item of an array; a `null` value as a whole is `None`. Strings are moved, not copied.
pub(crate) fn to_any_value(value: Value) -> Option<AnyValue> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => AnyValue::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AnyValue::Int(i),
            // A u64 beyond i64, or a float: every JSON number has an f64.
            None => AnyValue::Double(n.as_f64()?),
        },
        Value::String(s) => AnyValue::String(s.into()),
        Value::Array(items) => {
            AnyValue::ListAny(Box::new(items.into_iter().filter_map(to_any_value).collect()))
        }
        Value::Object(map) => AnyValue::Map(Box::new(
            map.into_iter()
                .filter_map(|(key, value)| Some((Key::from(key), to_any_value(value)?)))
                .collect(),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(entries: &[(&'static str, AnyValue)]) -> AnyValue {
        entries.iter().map(|(k, v)| (*k, v.clone())).collect()
    }

    #[test]
    fn objects_and_arrays_stay_structured() {
        let value = json!([{"role": "user", "parts": [{"type": "text", "content": "Hi"}], "n": 3, "t": 0.5, "ok": true}]);
        let parts = AnyValue::ListAny(Box::new(vec![map(&[
            ("type", AnyValue::from("text")),
            ("content", AnyValue::from("Hi")),
        ])]));
        let expected = AnyValue::ListAny(Box::new(vec![map(&[
            ("role", AnyValue::from("user")),
            ("parts", parts),
            ("n", AnyValue::Int(3)),
            ("t", AnyValue::Double(0.5)),
            ("ok", AnyValue::Boolean(true)),
        ])]));
        assert_eq!(to_any_value(value), Some(expected));
    }

    #[test]
    fn nulls_are_left_out_and_big_numbers_are_doubles() {
        let value = json!({"id": null, "items": [1, null, u64::MAX]});
        let expected = map(&[(
            "items",
            AnyValue::ListAny(Box::new(vec![
                AnyValue::Int(1),
                AnyValue::Double(u64::MAX as f64),
            ])),
        )]);
        assert_eq!(to_any_value(value), Some(expected));
        assert_eq!(to_any_value(Value::Null), None);
    }
}
