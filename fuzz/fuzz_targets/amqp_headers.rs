//! Trace context from AMQP message headers a producer wrote
//! (`otel_kit_messaging::rabbitmq::RabbitMqHeaderExtractor`, by the rule of
//! `otel_kit_messaging::carrier`), read with otel-kit-init's W3C trace context and baggage propagators.
//!
//! Input: `name: value` lines, each one field of the `headers` table (a later line of the
//! same name replaces the earlier one, as in a field table; names repeat in other
//! cases). A UTF-8 value is a `LongString`, except that a value starting with `#` is a
//! `ShortString` of the rest and one starting with `=` an integer field; any other value
//! is a `ByteArray`. A name over 255 bytes is skipped, as AMQP cannot carry it.
//!
//! Invariants, for `traceparent`, `tracestate` and `baggage`:
//! - `get` answers a value exactly when every value `get_all` reads (in any case) is that
//!   value; `get_all` stops at the value that takes them past `MAX_TOTAL_BYTES`; `keys`
//!   answers at most `MAX_KEYS` names;
//! - an integer field is never read;
//! - a valid extracted span context is remote and its trace id is the one of the
//!   `traceparent` `get` read; with no such value, nothing valid is extracted;
//! - extracted baggage holds at most 64 members and 8192 bytes.
#![no_main]

use lapin::types::{AMQPValue, ByteArray, FieldTable, LongString, ShortString};
use libfuzzer_sys::fuzz_target;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::{Extractor as _, TextMapPropagator as _};
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_fuzz::header_lines;
use otel_kit_init::reexports::otel_kit_propagators::{PropagatorName, Propagators};
use otel_kit_messaging::carrier::{MAX_KEYS, MAX_TOTAL_BYTES};
use otel_kit_messaging::rabbitmq::RabbitMqHeaderExtractor;

const FIELDS: [&str; 3] = ["traceparent", "tracestate", "baggage"];

fn field(value: &[u8]) -> AMQPValue {
    match std::str::from_utf8(value) {
        Ok(text) => match (text.strip_prefix('#'), text.strip_prefix('=')) {
            (Some(short), _) => match ShortString::try_new(short) {
                Ok(short) => AMQPValue::ShortString(short),
                Err(_) => AMQPValue::LongString(LongString::from(text.to_owned())),
            },
            (None, Some(number)) => AMQPValue::LongLongInt(number.len() as i64),
            (None, None) => AMQPValue::LongString(LongString::from(text.to_owned())),
        },
        Err(_) => AMQPValue::ByteArray(ByteArray::from(value.to_vec())),
    }
}

/// The readable text of a field, as the extractor sees it.
fn text(value: &AMQPValue) -> Option<&str> {
    let bytes = match value {
        AMQPValue::LongString(text) => text.as_bytes(),
        AMQPValue::ShortString(text) => text.as_str().as_bytes(),
        AMQPValue::ByteArray(array) => array.as_slice(),
        _ => return None,
    };
    std::str::from_utf8(bytes).ok()
}

fuzz_target!(|data: &[u8]| {
    let mut headers = FieldTable::default();
    for (name, value) in header_lines(data) {
        if let Ok(name) = ShortString::try_new(name) {
            headers.insert(name, field(&value));
        }
    }
    let extractor = RabbitMqHeaderExtractor(&headers);

    assert!(extractor.keys().len() <= MAX_KEYS);
    for name in FIELDS {
        let one = extractor.get(name);
        let all = extractor.get_all(name);
        // The rule of `otel_kit_messaging::carrier`: `get` answers a value exactly when
        // every value `get_all` reads is that value; the values read stop at the one that
        // takes them past `MAX_TOTAL_BYTES`.
        assert_eq!(
            one,
            all.as_deref().and_then(|all| {
                let first = *all.first()?;
                all.iter().all(|v| *v == first).then_some(first)
            }),
            "{name}: get and get_all disagree"
        );
        if let Some(all) = &all {
            assert!(!all.is_empty());
            let before_last: usize = all[..all.len() - 1].iter().map(|v| v.len() + 1).sum();
            assert!(before_last <= MAX_TOTAL_BYTES, "{name}: read past the limit");
            for value in all {
                let field_of_that_text = headers.inner().iter().any(|(key, field)| {
                    key.as_str().eq_ignore_ascii_case(name) && text(field) == Some(*value)
                });
                assert!(field_of_that_text, "{name}: {value:?} is the text of no field");
            }
        }
    }

    let propagator = Propagators::new([PropagatorName::TraceContext, PropagatorName::Baggage]);
    let cx = propagator.extract(&extractor);
    let span = cx.span();
    let extracted = span.span_context();
    match extractor.get("traceparent") {
        Some(traceparent) if extracted.is_valid() => {
            assert!(extracted.is_remote());
            let trace_id = extracted.trace_id().to_string();
            assert!(
                traceparent
                    .trim()
                    .get(3..35)
                    .is_some_and(|id| id.eq_ignore_ascii_case(&trace_id)),
                "{trace_id} is not the trace id of {traceparent:?}"
            );
        }
        Some(_) => {}
        None => assert!(!extracted.is_valid(), "a context without a readable traceparent"),
    }
    let baggage = cx.baggage();
    assert!(baggage.len() <= 64);
    let bytes: usize = baggage
        .iter()
        .map(|(k, (v, _))| k.as_str().len() + v.as_str().len())
        .sum();
    assert!(bytes <= 8192, "{bytes} bytes of baggage");
});
