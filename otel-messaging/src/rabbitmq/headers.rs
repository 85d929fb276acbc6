//! Trace context in AMQP message headers (the `headers` field table of a message's
//! properties): [`HeaderExtractor`] reads it within the bounds of
//! [`carrier`](crate::carrier), [`HeaderInjector`] writes it.
//!
//! A field table is ordered by name, and its names are case-sensitive; the extractor
//! reads the exact spelling first, then the others in that order. String values
//! (`LongString`, `ShortString`) and byte arrays are read; a field of any other type is
//! not a propagation header and is ignored.
//!
//! ```
//! use lapin::types::FieldTable;
//! use opentelemetry::propagation::{Extractor as _, Injector as _};
//! use otel_kit_messaging::rabbitmq::{HeaderExtractor, HeaderInjector};
//!
//! let mut headers = FieldTable::default();
//! HeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
//! assert!(HeaderExtractor(&headers).get("traceparent").is_some());
//! ```

use std::ops::ControlFlow;

use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use opentelemetry::propagation::{Extractor, Injector};

use crate::carrier::{BoundedExtractor, HeaderSource};

/// A propagation [`Extractor`] over an AMQP field table, bounded as
/// [`carrier`](crate::carrier) describes.
#[derive(Debug, Clone, Copy)]
pub struct HeaderExtractor<'a>(pub &'a FieldTable);

/// The bytes of a string-like field.
fn bytes(value: &AMQPValue) -> Option<&[u8]> {
    match value {
        AMQPValue::LongString(text) => Some(text.as_bytes()),
        AMQPValue::ShortString(text) => Some(text.as_str().as_bytes()),
        AMQPValue::ByteArray(array) => Some(array.as_slice()),
        _ => None,
    }
}

impl HeaderSource for FieldTable {
    fn for_each_value<'a>(&'a self, name: &str, each: &mut dyn FnMut(&'a [u8]) -> ControlFlow<()>) {
        let table = self.inner();
        if let Some(value) = table.get(name).and_then(bytes)
            && each(value).is_break()
        {
            return;
        }
        for (key, value) in table {
            let key = key.as_str();
            if key != name
                && key.eq_ignore_ascii_case(name)
                && let Some(value) = bytes(value)
                && each(value).is_break()
            {
                return;
            }
        }
    }

    fn for_each_name<'a>(&'a self, each: &mut dyn FnMut(&'a str) -> ControlFlow<()>) {
        for key in self.inner().keys() {
            if each(key.as_str()).is_break() {
                return;
            }
        }
    }
}

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        BoundedExtractor::new(self.0).value(key)
    }

    fn keys(&self) -> Vec<&str> {
        BoundedExtractor::new(self.0).names()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        BoundedExtractor::new(self.0).values(key)
    }
}

/// A propagation [`Injector`] into an AMQP field table: each field a `LongString`,
/// replacing the value under its exact name. A name longer than an AMQP short string
/// (255 bytes) is skipped rather than panic.
#[derive(Debug)]
pub struct HeaderInjector<'a>(pub &'a mut FieldTable);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let Ok(name) = ShortString::try_new(key) {
            self.0
                .insert(name, AMQPValue::LongString(LongString::from(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use lapin::types::ByteArray;

    use super::*;

    #[test]
    fn string_fields_are_read_in_any_case_and_others_are_not() {
        let mut headers = FieldTable::default();
        headers.insert("Baggage".into(), AMQPValue::ShortString("b=2".into()));
        headers.insert("baggage".into(), AMQPValue::LongString("a=1".into()));
        headers.insert(
            "BAGGAGE".into(),
            AMQPValue::ByteArray(ByteArray::from(b"c=3".to_vec())),
        );
        headers.insert("tracestate".into(), AMQPValue::LongInt(7));
        let extractor = HeaderExtractor(&headers);
        assert_eq!(extractor.get_all("baggage"), Some(vec!["a=1", "c=3", "b=2"]));
        assert_eq!(extractor.get("tracestate"), None);
    }

    #[test]
    fn an_overlong_name_is_skipped() {
        let mut headers = FieldTable::default();
        HeaderInjector(&mut headers).set(&"x".repeat(300), "v".into());
        assert!(headers.inner().is_empty());
    }
}
