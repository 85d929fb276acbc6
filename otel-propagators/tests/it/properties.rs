//! Properties: extraction never panics on arbitrary header values, for every propagator
//! and carrier; extracted baggage is always within the limits; valid contexts round-trip.

use std::collections::HashMap;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, propagation::Extractor};
use otel_kit_propagators::{LimitedBaggagePropagator, MessageHeaders, PropagatorName, Propagators};
use proptest::prelude::*;

const FIELDS: [&str; 8] = [
    "traceparent",
    "tracestate",
    "baggage",
    "b3",
    "x-b3-traceid",
    "x-b3-spanid",
    "x-b3-sampled",
    "x-b3-flags",
];

/// Each propagator alone, and all of them together.
fn propagator_sets() -> Vec<Propagators> {
    use PropagatorName::*;
    let all = [TraceContext, Baggage, B3, B3Multi];
    let mut sets: Vec<Propagators> = all.iter().map(|n| Propagators::new([*n])).collect();
    sets.push(Propagators::new(all));
    sets
}

/// Header values: anything at all, or text close to the real formats (hex, dashes,
/// separators, percent signs), which reaches deeper into the parsers.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-fA-F+-]{0,70}",
        "(0[01]-)?[0-9a-f]{0,33}-[0-9a-f]{0,17}(-[0-9a-fdtrue]{0,4}){0,3}",
        "[ -~]{0,300}",
        "([a-z0-9%]{0,6}=[a-z0-9%;= ]{0,8},?){0,80}",
    ]
}

/// Checks what every extraction must satisfy, whatever the input.
fn check(propagators: &Propagators, carrier: &dyn Extractor) {
    let cx = propagators.extract_with_context(&Context::new(), carrier);
    let span = cx.span();
    let sc = span.span_context();
    if sc.is_valid() {
        assert!(sc.is_remote());
    }
    assert!(cx.baggage().len() <= LimitedBaggagePropagator::MAX_MEMBERS);
    // Whatever was accepted can be sent on within the limits.
    let mut out = HashMap::new();
    propagators.inject_context(&cx, &mut out);
    if let Some(baggage) = out.get("baggage") {
        assert!(baggage.len() <= LimitedBaggagePropagator::MAX_BYTES);
    }
}

proptest! {
    #[test]
    fn extraction_never_panics_on_string_maps(values in proptest::collection::vec(value(), FIELDS.len())) {
        let carrier: HashMap<String, String> =
            FIELDS.iter().zip(values).map(|(k, v)| ((*k).to_owned(), v)).collect();
        for propagators in propagator_sets() {
            check(&propagators, &carrier);
        }
    }

    #[test]
    fn extraction_never_panics_on_message_headers(
        headers in proptest::collection::vec(
            (
                prop_oneof![proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_owned), any::<String>()],
                prop_oneof![value().prop_map(String::into_bytes), any::<Vec<u8>>()],
            ),
            0..24,
        )
    ) {
        for propagators in propagator_sets() {
            check(&propagators, &MessageHeaders::new(&headers));
        }
    }

    #[test]
    fn baggage_extraction_stays_within_the_limits(
        // Headers of members `key=vvv…` with a separator of one or two bytes: sizes are
        // drawn, not text, which keeps generation fast; together they often pass 8192.
        headers in proptest::collection::vec(
            proptest::collection::vec(("[a-z0-9]{1,4}", 0..600usize, any::<bool>()), 0..24),
            0..8,
        )
    ) {
        let values: Vec<String> = headers
            .iter()
            .map(|members| {
                let mut joined = String::new();
                for (i, (key, len, space)) in members.iter().enumerate() {
                    if i > 0 {
                        joined.push_str(if *space { ", " } else { "," });
                    }
                    joined.push_str(&format!("{key}={}", "v".repeat(*len)));
                }
                joined
            })
            .collect();
        let carrier: Vec<(&str, &[u8])> = values.iter().map(|v| ("baggage", v.as_bytes())).collect();
        let cx = LimitedBaggagePropagator::new().extract_with_context(&Context::new(), &MessageHeaders::new(&carrier));
        prop_assert!(cx.baggage().len() <= LimitedBaggagePropagator::MAX_MEMBERS);
        // Every kept member was read within the first 8192 bytes of the joined list.
        let joined = values.join(",");
        for (key, (value, _)) in cx.baggage().iter() {
            let member = format!("{}={}", key.as_str(), value.as_str());
            // A whole member: bounded by a separator or the end on both sides.
            let bytes = joined.as_bytes();
            let end = joined
                .match_indices(&member)
                .map(|(start, _)| (start, start + member.len()))
                .find(|(start, end)| {
                    (*start == 0 || matches!(bytes[start - 1], b',' | b' ')) && matches!(bytes.get(*end), None | Some(b','))
                })
                .map(|(_, end)| end);
            prop_assert!(end.is_some_and(|end| end <= LimitedBaggagePropagator::MAX_BYTES), "{} kept", key.as_str());
        }
    }

    #[test]
    fn valid_contexts_round_trip(trace in 1..=u128::MAX, span in 1..=u64::MAX, sampled: bool) {
        let flags = if sampled { TraceFlags::SAMPLED } else { TraceFlags::default() };
        let parent = SpanContext::new(TraceId::from(trace), SpanId::from(span), flags, true, TraceState::default());
        let cx = Context::new().with_remote_span_context(parent.clone());
        for name in [PropagatorName::TraceContext, PropagatorName::B3, PropagatorName::B3Multi] {
            let propagators = Propagators::new([name]);
            let mut headers = HashMap::new();
            propagators.inject_context(&cx, &mut headers);
            let back = propagators.extract_with_context(&Context::new(), &headers);
            let got = back.span().span_context().clone();
            prop_assert_eq!(got.trace_id(), parent.trace_id(), "{}", name);
            prop_assert_eq!(got.span_id(), parent.span_id(), "{}", name);
            prop_assert_eq!(got.is_sampled(), sampled, "{}", name);
        }
    }
}
