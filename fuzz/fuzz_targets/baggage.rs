//! W3C baggage with its limits (`otel_kit_init::reexports::otel_kit_propagators::LimitedBaggagePropagator`).
//!
//! Input: an optional first line `*N` repeats the rest N times (1..=400), so small inputs
//! still cross the 8192-byte and 64-member limits; every other line is one `baggage`
//! header value (bytes, not necessarily UTF-8). A first line `=` instead builds the
//! baggage directly from `key=value` lines (no extraction), to reach the injection path
//! where percent-encoding makes the header longer than the limit.
//!
//! Invariants:
//! - extraction keeps at most `MAX_MEMBERS` (64) entries, and the decoded keys and values
//!   of the kept entries total at most `MAX_BYTES` (8192) bytes (only the first 8192
//!   bytes of the joined headers are read, and decoding never lengthens text);
//! - the injected `baggage` header is at most `MAX_BYTES` bytes and has at most
//!   `MAX_MEMBERS` members, is written once, and only when there is baggage;
//! - the composite `Propagators` with `baggage` extracts the same baggage;
//! - extracting the injected header gives back a subset of the baggage that was
//!   injected, every kept entry with the same (trimmed) value. Not checked when a key or
//!   value holds a `%`: the SDK's encoder (opentelemetry_sdk 0.33 `BaggagePropagator`)
//!   does not escape `%`, so a value `%41` comes back as `A` (found by this target,
//!   reported, see docs/reliability.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry::Context;
use opentelemetry::baggage::{Baggage, BaggageExt as _};
use opentelemetry::propagation::TextMapPropagator as _;
use otel_kit_fuzz::{lines, single};
use otel_kit_init::reexports::otel_kit_propagators::{
    LimitedBaggagePropagator, MessageHeaders, MessageHeadersMut, PropagatorName, Propagators,
};

const MAX_MEMBERS: usize = LimitedBaggagePropagator::MAX_MEMBERS;
const MAX_BYTES: usize = LimitedBaggagePropagator::MAX_BYTES;

fn entries(cx: &Context) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = cx
        .baggage()
        .iter()
        .map(|(k, (v, m))| (k.to_string(), v.to_string(), m.as_str().to_owned()))
        .collect();
    out.sort();
    out
}

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let propagator = LimitedBaggagePropagator::new();
    let (cx, extracted) = match lines.split_first() {
        Some((first, rest)) if *first == b"=" => {
            // Direct mode: the API's `Baggage` applies its own limits on insertion.
            let mut baggage = Baggage::new();
            for line in rest {
                let line = String::from_utf8_lossy(line);
                let (key, value) = line.split_once('=').unwrap_or((&line, ""));
                baggage.insert(key.to_owned(), value.to_owned());
            }
            (Context::new().with_baggage(baggage), false)
        }
        _ => {
            let (repeat, values) = match lines.split_first() {
                Some((first, rest)) if first.starts_with(b"*") => {
                    let n = std::str::from_utf8(&first[1..])
                        .ok()
                        .and_then(|n| n.parse::<usize>().ok());
                    (n.unwrap_or(1).clamp(1, 400), rest)
                }
                _ => (1, &lines[..]),
            };
            let carrier: Vec<(&str, &[u8])> = (0..repeat)
                .flat_map(|_| values.iter().map(|v| ("baggage", *v)))
                .collect();
            let cx = propagator.extract(&MessageHeaders::new(&carrier));
            let composite =
                Propagators::new([PropagatorName::Baggage]).extract(&MessageHeaders::new(&carrier));
            assert_eq!(
                entries(&composite),
                entries(&cx),
                "Propagators extracts differently"
            );
            (cx, true)
        }
    };

    let baggage = cx.baggage();
    if extracted {
        assert!(
            baggage.len() <= MAX_MEMBERS,
            "{} members extracted",
            baggage.len()
        );
        let bytes: usize = baggage
            .iter()
            .map(|(k, (v, _))| k.as_str().len() + v.as_str().len())
            .sum();
        assert!(bytes <= MAX_BYTES, "{bytes} bytes of keys and values extracted");
    }

    let mut injected: Vec<(String, Vec<u8>)> = Vec::new();
    propagator.inject_context(&cx, &mut MessageHeadersMut::new(&mut injected));
    let Some(header) = single(&injected, "baggage") else {
        return;
    };
    assert!(!baggage.is_empty(), "empty baggage injected {header:?}");
    assert!(header.len() <= MAX_BYTES, "injected {} bytes", header.len());
    let members = header.split(',').count();
    assert!(members <= MAX_MEMBERS, "injected {members} members");

    // What the header carries comes back, and nothing else (keys and values are trimmed
    // when encoded; properties are not compared).
    let before: Vec<(String, String)> = entries(&cx)
        .into_iter()
        .map(|(k, v, _)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    if before.iter().any(|(k, v)| k.contains('%') || v.contains('%')) {
        return;
    }
    let again = propagator.extract(&MessageHeaders::new(&injected));
    for (key, value, _) in entries(&again) {
        assert!(
            before.contains(&(key.clone(), value.clone())),
            "{key:?}={value:?} came back from {header:?} but was not injected"
        );
    }
});
