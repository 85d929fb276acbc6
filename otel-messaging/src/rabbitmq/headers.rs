//! Trace context in AMQP message headers (the `headers` field table of a message's
//! properties): [`RabbitMqHeaderExtractor`] reads it by the rule of
//! [`carrier`](crate::carrier), [`RabbitMqHeaderInjector`] writes it.
//!
//! A field table is ordered by name, and its names are case-sensitive; the extractor
//! reads the exact spelling first, then the others in that order. String values
//! (`LongString`, `ShortString`) and byte arrays are read; a field of any other type is
//! not a propagation header and is ignored.
//!
//! ```
//! use lapin::types::FieldTable;
//! use opentelemetry::propagation::{Extractor as _, Injector as _};
//! use otel_kit_messaging::rabbitmq::{RabbitMqHeaderExtractor, RabbitMqHeaderInjector};
//!
//! let mut headers = FieldTable::default();
//! RabbitMqHeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
//! assert!(RabbitMqHeaderExtractor(&headers).get("traceparent").is_some());
//! ```

use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
#[cfg(doc)]
use opentelemetry::propagation::Extractor;
use opentelemetry::propagation::Injector;

use crate::carrier::HeaderSource;

/// A propagation [`Extractor`] over an AMQP field table, by the rule of
/// [`carrier`](crate::carrier).
#[derive(Debug, Clone, Copy)]
pub struct RabbitMqHeaderExtractor<'a>(pub &'a FieldTable);

/// The bytes of a string-like field.
fn bytes(value: &AMQPValue) -> Option<&[u8]> {
    match value {
        AMQPValue::LongString(text) => Some(text.as_bytes()),
        AMQPValue::ShortString(text) => Some(text.as_str().as_bytes()),
        AMQPValue::ByteArray(array) => Some(array.as_slice()),
        _ => None,
    }
}

/// A field table: the exact spelling first, then the others in the table's order (by
/// name); fields that are not strings or bytes are not read.
impl HeaderSource for RabbitMqHeaderExtractor<'_> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let table = self.0.inner();
        let others = table
            .iter()
            .filter(move |(key, _)| key.as_str() != name && key.as_str().eq_ignore_ascii_case(name))
            .map(|(_, value)| value);
        table.get(name).into_iter().chain(others).filter_map(bytes)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.0.inner().keys().map(ShortString::as_str)
    }
}

crate::bounded_extractor::extractor_by_carrier_rule!(RabbitMqHeaderExtractor);

/// A propagation [`Injector`] into an AMQP field table: each field a `LongString`,
/// replacing the value under its exact name. A name longer than an AMQP short string
/// (255 bytes) is skipped rather than panic.
#[derive(Debug)]
pub struct RabbitMqHeaderInjector<'a>(pub &'a mut FieldTable);

impl Injector for RabbitMqHeaderInjector<'_> {
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
    use opentelemetry::propagation::Extractor as _;

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
        let extractor = RabbitMqHeaderExtractor(&headers);
        assert_eq!(extractor.get_all("baggage"), Some(vec!["a=1", "c=3", "b=2"]));
        assert_eq!(extractor.get("tracestate"), None);
    }

    #[test]
    fn an_overlong_name_is_skipped() {
        let mut headers = FieldTable::default();
        RabbitMqHeaderInjector(&mut headers).set(&"x".repeat(300), "v".into());
        assert!(headers.inner().is_empty());
    }
}
