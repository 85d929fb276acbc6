//! Serialising captured content within a size limit, keeping valid JSON: strings are
//! shortened fairly (the longest first) and marked with `…`, and when the structure
//! alone is too big, the oldest entries of a top-level array are dropped. The values of
//! the message schema's enumerations (`role`, `type`, `finish_reason`) count as
//! structure and are never shortened: a cut one would break the schema (an output
//! message's `finish_reason` is required).

use serde_json::Value;

/// Appended to every shortened string.
///
/// ```
/// assert_eq!(otel_kit_genai::content::TRUNCATION_MARKER, "…");
/// ```
pub const TRUNCATION_MARKER: &str = "…";

/// `value` as JSON of at most `max` bytes (always valid JSON; `[]` or `null` when not
/// even the structure fits).
///
/// ```
/// use otel_kit_genai::content::bounded_json;
/// use serde_json::json;
///
/// let messages = json!([{"role": "user", "parts": [{"type": "text", "content": "x".repeat(1000)}]}]);
/// let json = bounded_json(messages, 100);
/// assert!(json.len() <= 100);
/// let back: serde_json::Value = serde_json::from_str(&json).unwrap();
/// assert!(back[0]["parts"][0]["content"].as_str().unwrap().ends_with('…'));
/// ```
pub fn bounded_json(value: Value, max: usize) -> String {
    bounded(value, max).1
}

/// `value` cut as [`bounded_json`] cuts it, and its JSON: the span records the text,
/// the details event the structure, and both are the same content within the limit.
pub(crate) fn bounded(mut value: Value, max: usize) -> (Value, String) {
    let full = value.to_string();
    if full.len() <= max {
        return (value, full);
    }
    let mut overhead = full.len() - string_bytes(&value);
    // The structure alone is too big: drop the oldest entries of a top-level array.
    if overhead > max
        && let Value::Array(items) = &mut value
    {
        let mut item_overheads: Vec<usize> = items
            .iter()
            .map(|item| item.to_string().len() - string_bytes(item))
            .collect();
        let mut dropped = 0;
        while overhead > max && dropped < items.len() {
            // Each item costs its own overhead and one comma (or none, for the last).
            overhead -= item_overheads[dropped] + usize::from(dropped + 1 < items.len());
            dropped += 1;
        }
        items.drain(..dropped);
        item_overheads.drain(..dropped);
    }
    if overhead > max {
        return nothing(value.is_array());
    }
    let mut lengths = Vec::new();
    collect_lengths(&value, &mut lengths);
    let cap = fair_cap(&mut lengths, max - overhead);
    shorten(&mut value, cap);
    let json = value.to_string();
    if json.len() <= max {
        (value, json)
    } else {
        // Not reached (lengths are counted as serde_json escapes them); kept as a guard.
        nothing(true)
    }
}

/// An empty array (or `null`), when not even the structure fits.
fn nothing(array: bool) -> (Value, String) {
    if array {
        (Value::Array(Vec::new()), "[]".to_owned())
    } else {
        (Value::Null, "null".to_owned())
    }
}

/// Keys whose string values are the schema's enumerations, kept whole.
const KEPT: [&str; 3] = ["role", "type", "finish_reason"];

/// The values of `map` that may be shortened: all but the strings under [`KEPT`] keys.
fn cuttable(map: &serde_json::Map<String, Value>) -> impl Iterator<Item = &Value> {
    map.iter()
        .filter(|(key, value)| !(value.is_string() && KEPT.contains(&key.as_str())))
        .map(|(_, value)| value)
}

/// The bytes the string values that may be shortened take inside their quotes, escaped.
fn string_bytes(value: &Value) -> usize {
    match value {
        Value::String(s) => escaped_len(s),
        Value::Array(items) => items.iter().map(string_bytes).sum(),
        Value::Object(map) => cuttable(map).map(string_bytes).sum(),
        _ => 0,
    }
}

fn collect_lengths(value: &Value, out: &mut Vec<usize>) {
    match value {
        Value::String(s) => out.push(escaped_len(s)),
        Value::Array(items) => items.iter().for_each(|v| collect_lengths(v, out)),
        Value::Object(map) => cuttable(map).for_each(|v| collect_lengths(v, out)),
        _ => {}
    }
}

/// The largest per-string cap such that the strings, each cut to the cap, fit `budget`.
fn fair_cap(lengths: &mut [usize], budget: usize) -> usize {
    lengths.sort_unstable();
    let mut remaining = budget;
    let mut left = lengths.len();
    for &len in lengths.iter() {
        // Every string still in play gets an equal share; this one needs less.
        let share = remaining / left;
        if len > share {
            return share;
        }
        remaining -= len;
        left -= 1;
    }
    usize::MAX
}

fn shorten(value: &mut Value, cap: usize) {
    match value {
        Value::String(s) if escaped_len(s) > cap => {
            let keep = cap.saturating_sub(TRUNCATION_MARKER.len());
            let cut = prefix_within(s, keep);
            s.truncate(cut);
            if cap >= TRUNCATION_MARKER.len() {
                s.push_str(TRUNCATION_MARKER);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| shorten(v, cap)),
        Value::Object(map) => map
            .iter_mut()
            .filter(|(key, value)| !(value.is_string() && KEPT.contains(&key.as_str())))
            .for_each(|(_, v)| shorten(v, cap)),
        _ => {}
    }
}

/// The byte length of the longest prefix of `s` (on a char boundary) whose escaped form
/// takes at most `budget` bytes.
fn prefix_within(s: &str, budget: usize) -> usize {
    let mut used = 0;
    for (at, c) in s.char_indices() {
        used += escaped_char_len(c);
        if used > budget {
            return at;
        }
    }
    s.len()
}

fn escaped_len(s: &str) -> usize {
    s.chars().map(escaped_char_len).sum()
}

/// How many bytes serde_json writes for `c` inside a string.
fn escaped_char_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: Value, max: usize) -> Value {
        let (structured, json) = bounded(value, max);
        assert!(json.len() <= max, "{} > {max}: {json}", json.len());
        let parsed: Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(parsed, structured, "the structure is what the JSON says");
        parsed
    }

    #[test]
    fn small_content_is_unchanged() {
        let v = json!([{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]);
        assert_eq!(check(v.clone(), 1000), v);
    }

    #[test]
    fn the_schema_s_enumerations_are_never_shortened() {
        let v = json!([{
            "role": "assistant",
            "parts": [{"type": "text", "content": "x".repeat(500)}],
            "finish_reason": "content_filter",
        }]);
        for max in [95, 120, 160] {
            let out = check(v.clone(), max);
            assert_eq!(out[0]["role"], "assistant", "{max}");
            assert_eq!(out[0]["parts"][0]["type"], "text", "{max}");
            assert_eq!(out[0]["finish_reason"], "content_filter", "{max}");
            assert!(
                out[0]["parts"][0]["content"]
                    .as_str()
                    .is_some_and(|c| c.len() < 500)
            );
        }
    }

    #[test]
    fn long_strings_are_shortened_fairly_and_short_ones_kept() {
        let v = json!({"a": "x".repeat(500), "b": "short", "c": "y".repeat(900)});
        let out = check(v, 200);
        assert_eq!(out["b"], "short");
        let a = out["a"].as_str().expect("a");
        let c = out["c"].as_str().expect("c");
        assert!(a.ends_with(TRUNCATION_MARKER) && c.ends_with(TRUNCATION_MARKER));
        assert_eq!(a.len(), c.len());
    }

    #[test]
    fn escapes_and_multibyte_text_stay_within_the_limit() {
        for max in [10, 37, 64, 101, 250] {
            let v = json!(["\"quoted\"\n\u{1}".repeat(40), "héllo wörld 日本語 🎉".repeat(30)]);
            check(v, max);
        }
    }

    #[test]
    fn oldest_messages_are_dropped_when_the_structure_is_too_big() {
        let v = Value::Array((0..200).map(|i| json!({"role": "user", "n": i})).collect());
        let out = check(v, 120);
        let items = out.as_array().expect("array");
        assert!(!items.is_empty());
        assert_eq!(items.last().expect("last")["n"], 199);
        assert_eq!(check(json!([{"k": 1}]), 3), json!([]));
        assert_eq!(check(json!({"k": 1}), 5), Value::Null);
    }
}
