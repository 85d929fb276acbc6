//! [`ValueLengthLimit`]: the limit, the count of what it cut, and the cutting of span
//! attribute values.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::{Array, KeyValue, StringValue, Value};

/// How deep strings nested in log attribute lists and maps are looked for.
#[cfg(feature = "logs")]
pub(crate) const MAX_DEPTH: usize = 16;

/// A maximum attribute value length in characters, and the count of values it cut.
/// Clones share the count.
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_processors::value_length::ValueLengthLimit;
///
/// let limit = ValueLengthLimit::new(Some(4));
/// let mut attributes = vec![
///     KeyValue::new("db.query.text", "SELECT 1"),
///     KeyValue::new("user_agent.original", "naïve"),
///     KeyValue::new("http.response.status_code", 200),
/// ];
/// limit.apply(&mut attributes);
/// assert_eq!(attributes[0].value.as_str(), "SELE");
/// assert_eq!(attributes[1].value.as_str(), "naïv", "cut at a character boundary");
/// assert_eq!(limit.truncated(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ValueLengthLimit {
    max_chars: Option<usize>,
    truncated: Arc<AtomicU64>,
}

impl ValueLengthLimit {
    /// At most `max_chars` characters per string value; `None` is no limit.
    pub fn new(max_chars: Option<usize>) -> Self {
        ValueLengthLimit {
            max_chars,
            truncated: Arc::default(),
        }
    }

    /// The same limit with a count of its own: for the second and later processors
    /// of a pipeline, which cut their own copies of the spans the first one counted.
    pub fn uncounted(&self) -> Self {
        ValueLengthLimit::new(self.max_chars)
    }

    /// The limit, `None` when there is none.
    pub fn max_chars(&self) -> Option<usize> {
        self.max_chars
    }

    /// String values cut so far, by this limit and its clones.
    pub fn truncated(&self) -> u64 {
        self.truncated.load(Ordering::Relaxed)
    }

    /// Cuts the string values of `attributes` that are longer than the limit.
    pub fn apply(&self, attributes: &mut [KeyValue]) {
        let Some(max) = self.max_chars else {
            return;
        };
        let mut cut = 0;
        for kv in attributes {
            cut += cut_value(&mut kv.value, max);
        }
        self.count(cut);
    }

    pub(crate) fn count(&self, cut: u64) {
        if cut > 0 {
            self.truncated.fetch_add(cut, Ordering::Relaxed);
        }
    }
}

/// `s` cut to `max` characters, or `None` when it is not longer. No allocation.
pub(crate) fn cut_str(s: &str, max: usize) -> Option<&str> {
    // A string of at most `max` bytes has at most `max` characters.
    if s.len() <= max {
        return None;
    }
    s.char_indices().nth(max).map(|(end, _)| &s[..end])
}

/// Cuts `value` in place; how many strings were cut.
fn cut_value(value: &mut Value, max: usize) -> u64 {
    match value {
        Value::String(s) => u64::from(cut_string(s, max)),
        Value::Array(Array::String(items)) => items.iter_mut().map(|s| u64::from(cut_string(s, max))).sum(),
        _ => 0,
    }
}

fn cut_string(s: &mut StringValue, max: usize) -> bool {
    match cut_str(s.as_str(), max) {
        Some(cut) => {
            *s = StringValue::from(cut.to_owned());
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_character_boundaries_only_when_longer() {
        assert_eq!(cut_str("abc", 3), None);
        assert_eq!(cut_str("abcd", 3), Some("abc"));
        // Two-byte and four-byte characters: counted as one each.
        assert_eq!(cut_str("ééé", 3), None);
        assert_eq!(cut_str("éééé", 3), Some("ééé"));
        assert_eq!(cut_str("😀😀", 1), Some("😀"));
        assert_eq!(cut_str("abc", 0), Some(""));
        assert_eq!(cut_str("", 0), None);
    }

    #[test]
    fn arrays_are_cut_per_string_and_counted() {
        let limit = ValueLengthLimit::new(Some(2));
        let mut attributes = vec![
            KeyValue::new(
                "a",
                Value::Array(Array::String(vec!["abc".into(), "x".into(), "xyz".into()])),
            ),
            KeyValue::new("b", 12345_i64),
            KeyValue::new("c", Value::Array(Array::I64(vec![1, 2, 3]))),
        ];
        limit.apply(&mut attributes);
        assert_eq!(
            attributes[0].value,
            Value::Array(Array::String(vec!["ab".into(), "x".into(), "xy".into()]))
        );
        assert_eq!(attributes[1].value, Value::I64(12345));
        assert_eq!(limit.truncated(), 2);
        let unlimited = ValueLengthLimit::default();
        unlimited.apply(&mut attributes);
        assert_eq!(unlimited.truncated(), 0);
    }
}
