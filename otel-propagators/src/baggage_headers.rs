//! What the Jaeger and OT Trace formats share: baggage carried one entry per header,
//! `<prefix><key>: <value>` (`uberctx-`, `ot-baggage-`), and ids written as hex digits
//! of any length up to the id's.

use std::borrow::Cow;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::{Context, KeyValue};
use otel_kit_core::__private::carrier::{BoundedExtractor, HeaderSource, MAX_TOTAL_BYTES};

/// `cx` with the baggage of the headers named `prefix` + key added to what it holds
/// (see [`extract`]).
pub(crate) fn extract_into<H: HeaderSource>(
    cx: &Context,
    bounded: &BoundedExtractor<'_, H>,
    prefix: &str,
    decode: fn(&str) -> Option<Cow<'_, str>>,
) -> Context {
    let found = extract(bounded, prefix, decode);
    if found.is_empty() {
        return cx.clone();
    }
    let mut all: Vec<KeyValue> = cx
        .baggage()
        .iter()
        .map(|(k, (v, _))| KeyValue::new(k.clone(), v.clone()))
        .collect();
    all.extend(found);
    cx.with_baggage(all)
}

/// The headers named `prefix` + key (the prefix in any case) as baggage, each value
/// through `decode` (an undecodable one is skipped) and trimmed, keys lower-cased. The
/// carrier rule bounds the names read and each value's bytes; the total is bounded here
/// as W3C baggage is.
fn extract<H: HeaderSource>(
    bounded: &BoundedExtractor<'_, H>,
    prefix: &str,
    decode: fn(&str) -> Option<Cow<'_, str>>,
) -> Vec<KeyValue> {
    let mut total = 0usize;
    let mut entries = Vec::new();
    for name in bounded.names() {
        let Some(key) = strip_prefix_ignore_case(name, prefix) else {
            continue;
        };
        let Some(value) = bounded.value(name).and_then(decode) else {
            continue;
        };
        let key = key.to_ascii_lowercase();
        total = total.saturating_add(key.len() + value.len() + 1);
        if key.is_empty() || total > MAX_TOTAL_BYTES {
            continue;
        }
        entries.push(KeyValue::new(key, value.trim().to_owned()));
    }
    entries
}

fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    (name.len() >= prefix.len() && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()))
        .then(|| &name[prefix.len()..])
}

/// `digits` as a number: 1 to `max_digits` hex digits, nothing else (no sign); upper-case
/// digits too unless `lower_only`.
pub(crate) fn hex_id(digits: &str, max_digits: usize, lower_only: bool) -> Option<u128> {
    let digit =
        |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || !lower_only && (b'A'..=b'F').contains(&b);
    if digits.is_empty() || digits.len() > max_digits || !digits.bytes().all(digit) {
        return None;
    }
    u128::from_str_radix(digits, 16).ok()
}

/// A carrier of `headers`, for the propagators' unit tests.
#[cfg(test)]
pub(crate) fn carrier(headers: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
