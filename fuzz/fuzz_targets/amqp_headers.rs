//! Trace context from AMQP message headers a producer wrote
//! (`otel_kit_messaging::rabbitmq::HeaderExtractor`, over `otel_kit_messaging::carrier`'s
//! bounds), read with otel-kit-init's W3C trace context and baggage propagators.
//!
//! Input: `name: value` lines, each one field of the `headers` table (a later line of the
//! same name replaces the earlier one, as in a field table; names repeat in other
//! cases). A UTF-8 value is a `LongString`, except that a value starting with `#` is a
//! `ShortString` of the rest and one starting with `=` an integer field; any other value
//! is a `ByteArray`. A name over 255 bytes is skipped, as AMQP cannot carry it.
//!
//! Invariants, for `traceparent`, `tracestate` and `baggage`:
//! - `get_all` answers distinct values, at most `MAX_VALUES` of at most `MAX_VALUE_BYTES`
//!   each, `MAX_TOTAL_BYTES` in all, and `get` answers one exactly when `get_all` does;
//!   `keys` at most `MAX_KEYS` names;
//! - a value `get` reads is the text of every field of that name (any case) that holds
//!   readable text;
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
use otel_kit_init::propagation::{PropagatorName, Propagators};
use otel_kit_messaging::carrier::{MAX_KEYS, MAX_TOTAL_BYTES, MAX_VALUE_BYTES, MAX_VALUES};
use otel_kit_messaging::rabbitmq::HeaderExtractor;

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
    std::str::from_utf8(bytes)
        .ok()
        .filter(|text| text.len() <= MAX_VALUE_BYTES)
}

fuzz_target!(|data: &[u8]| {
    let mut headers = FieldTable::default();
    for (name, value) in header_lines(data) {
        if let Ok(name) = ShortString::try_new(name) {
            headers.insert(name, field(&value));
        }
    }
    let extractor = HeaderExtractor(&headers);

    assert!(extractor.keys().len() <= MAX_KEYS);
    for name in FIELDS {
        let one = extractor.get(name);
        let all = extractor.get_all(name);
        assert_eq!(
            one,
            all.as_deref()
                .and_then(|all| if let [only] = all { Some(*only) } else { None }),
            "{name}: get and get_all disagree"
        );
        if let Some(value) = one {
            let disagreeing = headers
                .inner()
                .iter()
                .filter(|(key, _)| key.as_str().eq_ignore_ascii_case(name))
                .filter_map(|(_, field)| text(field))
                .any(|other| other != value);
            assert!(
                !disagreeing,
                "{name}: {value:?} read although another value disagrees"
            );
        }
        if let Some(all) = all {
            assert!(!all.is_empty() && all.len() <= MAX_VALUES);
            assert!(all.iter().all(|v| v.len() <= MAX_VALUE_BYTES));
            assert!(all.iter().map(|v| v.len()).sum::<usize>() <= MAX_TOTAL_BYTES);
            for (i, value) in all.iter().enumerate() {
                assert!(!all[..i].contains(value), "{name}: {value:?} twice");
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
