//! Trace context from NATS headers a producer wrote (`otel_kit_messaging::nats::NatsHeaderExtractor`,
//! by the rule of `otel_kit_messaging::carrier`), read with otel-kit-init's W3C trace
//! context and baggage propagators.
//!
//! Input: `name: value` lines, each appended to an `async_nats::HeaderMap` (a name or
//! value NATS refuses is skipped, as the client would refuse to send it; names repeat,
//! in any case).
//!
//! Invariants, for `traceparent`, `tracestate` and `baggage`:
//! - `get` answers a value exactly when every value `get_all` reads (in any case) is that
//!   value; `get_all` stops at the value that takes them past `MAX_TOTAL_BYTES`; `keys`
//!   answers at most `MAX_KEYS` names;
//! - the answers depend only on the headers: a second map built from the same lines
//!   (another hash order) gives the same;
//! - a valid extracted span context is remote and its trace id is the one of the
//!   `traceparent` `get` read; with no such value, nothing valid is extracted;
//! - extracted baggage holds at most 64 members and 8192 bytes.
#![no_main]

use std::str::FromStr as _;

use async_nats::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::{Extractor as _, TextMapPropagator as _};
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_fuzz::header_lines;
use otel_kit_init::reexports::otel_kit_propagators::{PropagatorName, Propagators};
use otel_kit_messaging::carrier::{MAX_KEYS, MAX_TOTAL_BYTES};
use otel_kit_messaging::nats::NatsHeaderExtractor;

const FIELDS: [&str; 3] = ["traceparent", "tracestate", "baggage"];

fn header_map(lines: &[(String, Vec<u8>)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in lines {
        let Ok(name) = HeaderName::from_str(name) else {
            continue;
        };
        let Ok(value) = std::str::from_utf8(value) else {
            continue;
        };
        let Ok(value) = HeaderValue::from_str(value) else {
            continue;
        };
        headers.append(name, value);
    }
    headers
}

fuzz_target!(|data: &[u8]| {
    let lines = header_lines(data);
    let headers = header_map(&lines);
    let again = header_map(&lines);
    let extractor = NatsHeaderExtractor(&headers);
    let other = NatsHeaderExtractor(&again);

    assert!(extractor.keys().len() <= MAX_KEYS);
    for field in FIELDS {
        let one = extractor.get(field);
        assert_eq!(one, other.get(field), "{field}: depends on the hash order");
        let all = extractor.get_all(field);
        assert_eq!(all, other.get_all(field), "{field}: depends on the hash order");
        // The rule of `otel_kit_messaging::carrier`: `get` answers a value exactly when
        // every value `get_all` reads is that value; the values read stop at the one that
        // takes them past `MAX_TOTAL_BYTES`.
        assert_eq!(
            one,
            all.as_deref().and_then(|all| {
                let first = *all.first()?;
                all.iter().all(|v| *v == first).then_some(first)
            }),
            "{field}: get and get_all disagree"
        );
        if let Some(all) = &all {
            assert!(!all.is_empty());
            let before_last: usize = all[..all.len() - 1].iter().map(|v| v.len() + 1).sum();
            assert!(before_last <= MAX_TOTAL_BYTES, "{field}: read past the limit");
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
