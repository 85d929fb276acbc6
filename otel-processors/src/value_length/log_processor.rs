//! The log processor that applies a [`ValueLengthLimit`] before export (the `logs`
//! cargo feature).

use opentelemetry::Key;
use opentelemetry::logs::AnyValue;
use opentelemetry_sdk::logs::SdkLogRecord;

use super::limit::{MAX_DEPTH, ValueLengthLimit, cut_str};
use crate::log_transform::{LogTransform, TransformingLogProcessor};

/// Cuts the string values of each log record's attributes to the limit, in place, and
/// strings nested in lists and maps. Register it before the processors that export: the
/// SDK hands the same record to each processor in order. Like the redacting processor,
/// it never enables a log event by itself.
///
/// ```
/// use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_processors::value_length::{TruncatingLogProcessor, ValueLengthLimit};
///
/// let exporter = InMemoryLogExporter::default();
/// let limit = ValueLengthLimit::new(Some(5));
/// let provider = SdkLoggerProvider::builder()
///     .with_log_processor(TruncatingLogProcessor::new(limit.clone()))
///     .with_simple_exporter(exporter.clone())
///     .build();
/// let logger = provider.logger("demo");
/// let mut record = logger.create_log_record();
/// record.set_body("the body is not an attribute: never cut".into());
/// record.add_attribute("app.note", "a long note");
/// logger.emit(record);
/// let logs = exporter.get_emitted_logs()?;
/// let (_, note) = logs[0].record.attributes_iter().next().expect("one attribute");
/// assert_eq!(note, &AnyValue::from("a lon"));
/// assert_eq!(limit.truncated(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type TruncatingLogProcessor = TransformingLogProcessor<ValueLengthLimit>;

impl TransformingLogProcessor<ValueLengthLimit> {
    /// Applies the limit to `record`; untouched (and nothing allocated) when no value
    /// is longer.
    pub fn truncate(&self, record: &mut SdkLogRecord) {
        self.apply(record);
    }
}

/// The body is not an attribute: the limits leave it alone. A look without allocating
/// comes first: most records have nothing to cut, and a record that does is rebuilt.
impl LogTransform for ValueLengthLimit {
    fn changes(&self, _key: &Key, value: &AnyValue) -> bool {
        self.max_chars().is_some_and(|max| longer(value, max, 0))
    }

    fn attribute(&self, _key: &Key, value: &AnyValue) -> Option<AnyValue> {
        let Some(max) = self.max_chars() else {
            return Some(value.clone());
        };
        let mut cut = 0;
        let value = cut_any(value, max, 0, &mut cut).unwrap_or_else(|| value.clone());
        self.count(cut);
        Some(value)
    }
}

/// Whether `value` holds a string longer than `max` characters or a byte array longer
/// than `max` bytes (the specification's attribute limits count each byte as one).
fn longer(value: &AnyValue, max: usize, depth: usize) -> bool {
    match value {
        AnyValue::String(s) => cut_str(s.as_str(), max).is_some(),
        AnyValue::Bytes(bytes) => bytes.len() > max,
        AnyValue::ListAny(items) if depth < MAX_DEPTH => items.iter().any(|v| longer(v, max, depth + 1)),
        AnyValue::Map(map) if depth < MAX_DEPTH => map.values().any(|v| longer(v, max, depth + 1)),
        _ => false,
    }
}

/// `value` with its strings and byte arrays cut, or `None` when none is longer; `cut`
/// counts them. One pass: a list or map is copied only once a value in it is cut.
fn cut_any(value: &AnyValue, max: usize, depth: usize, cut: &mut u64) -> Option<AnyValue> {
    match value {
        AnyValue::String(s) => {
            let shorter = cut_str(s.as_str(), max)?;
            *cut += 1;
            Some(AnyValue::String(shorter.to_owned().into()))
        }
        AnyValue::Bytes(bytes) if bytes.len() > max => {
            *cut += 1;
            Some(AnyValue::Bytes(Box::new(bytes[..max].to_vec())))
        }
        AnyValue::ListAny(items) if depth < MAX_DEPTH => {
            let mut out: Option<Vec<AnyValue>> = None;
            for (i, v) in items.iter().enumerate() {
                if let Some(shorter) = cut_any(v, max, depth + 1, cut) {
                    out.get_or_insert_with(|| items.to_vec())[i] = shorter;
                }
            }
            out.map(|items| AnyValue::ListAny(Box::new(items)))
        }
        AnyValue::Map(map) if depth < MAX_DEPTH => {
            let mut out = None;
            for (k, v) in map.iter() {
                if let Some(shorter) = cut_any(v, max, depth + 1, cut) {
                    out.get_or_insert_with(|| map.clone()).insert(k.clone(), shorter);
                }
            }
            out.map(AnyValue::Map)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use opentelemetry::Key;

    use super::*;

    #[test]
    fn nested_strings_are_cut_and_counted() {
        let mut map = HashMap::new();
        map.insert(Key::from("inner"), AnyValue::from("abcdef"));
        map.insert(Key::from("n"), AnyValue::Int(7));
        let value = AnyValue::ListAny(Box::new(vec![AnyValue::Map(Box::new(map)), AnyValue::from("xy")]));
        let mut cut = 0;
        let AnyValue::ListAny(items) = cut_any(&value, 3, 0, &mut cut).expect("cut") else {
            panic!("a list");
        };
        let AnyValue::Map(map) = &items[0] else {
            panic!("a map");
        };
        assert_eq!(map[&Key::from("inner")], AnyValue::from("abc"));
        assert_eq!(map[&Key::from("n")], AnyValue::Int(7));
        assert_eq!(items[1], AnyValue::from("xy"));
        assert_eq!(cut, 1);
        assert!(cut_any(&AnyValue::from("ab"), 3, 0, &mut cut).is_none());
    }

    #[test]
    fn byte_arrays_are_cut_by_bytes_and_counted() {
        let value = AnyValue::ListAny(Box::new(vec![
            AnyValue::Bytes(Box::new(vec![1, 2, 3, 4, 5])),
            AnyValue::Bytes(Box::new(vec![9, 9, 9])),
        ]));
        assert!(longer(&value, 3, 0));
        let mut cut = 0;
        let AnyValue::ListAny(items) = cut_any(&value, 3, 0, &mut cut).expect("cut") else {
            panic!("a list");
        };
        assert_eq!(items[0], AnyValue::Bytes(Box::new(vec![1, 2, 3])));
        assert_eq!(items[1], AnyValue::Bytes(Box::new(vec![9, 9, 9])));
        assert_eq!(cut, 1);
        assert!(!longer(&AnyValue::Bytes(Box::new(vec![0; 3])), 3, 0));
    }
}
