//! W3C trace context (`otel_kit_propagators`, `tracecontext`): extraction from arbitrary
//! `traceparent`/`tracestate` values, then injection and extraction again.
//!
//! Input: the first line is the `traceparent` value, every further line one `tracestate`
//! header value (bytes, not necessarily UTF-8).
//!
//! Invariants, whenever the extracted span context is valid:
//! - it is remote, and its trace id and span id are the ones written in the input;
//! - injecting it writes exactly one `traceparent`, 55 bytes, `00-<32 hex>-<16 hex>-<2 hex>`
//!   in lower case;
//! - extracting that header again gives the same trace id, span id, flags and trace state,
//!   and injecting the result writes the same headers again (a fixed point).
//!
//! When the extracted context is not valid, injection writes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry::Context;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_fuzz::{is_lower_hex, lines, single};
use otel_kit_init::reexports::otel_kit_propagators::{MessageHeaders, MessageHeadersMut, PropagatorName, Propagators};

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let mut carrier: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some((traceparent, tracestates)) = lines.split_first() {
        carrier.push(("traceparent".to_owned(), traceparent.to_vec()));
        for state in tracestates {
            carrier.push(("tracestate".to_owned(), state.to_vec()));
        }
    }
    let propagator = Propagators::new([PropagatorName::TraceContext]);
    let cx = propagator.extract(&MessageHeaders::new(&carrier));
    let span = cx.span();
    let extracted = span.span_context();

    let mut injected: Vec<(String, Vec<u8>)> = Vec::new();
    propagator.inject_context(&cx, &mut MessageHeadersMut::new(&mut injected));
    if !extracted.is_valid() {
        assert!(
            injected.is_empty(),
            "nothing valid was extracted, yet {injected:?} was injected"
        );
        return;
    }
    assert!(extracted.is_remote());

    // The ids are the ones in the input (which is ASCII here, or it would not parse).
    let input = std::str::from_utf8(lines[0]).expect("a traceparent that parsed is text");
    let input = input.trim();
    assert_eq!(
        &input[3..35],
        extracted.trace_id().to_string(),
        "trace id of {input:?}"
    );
    assert_eq!(
        &input[36..52],
        extracted.span_id().to_string(),
        "span id of {input:?}"
    );

    let traceparent = single(&injected, "traceparent").expect("a valid context injects a traceparent");
    let bytes = traceparent.as_bytes();
    assert_eq!(bytes.len(), 55, "{traceparent:?}");
    assert!(traceparent.starts_with("00-"), "{traceparent:?}");
    assert!(bytes[35] == b'-' && bytes[52] == b'-', "{traceparent:?}");
    for field in [&traceparent[3..35], &traceparent[36..52], &traceparent[53..55]] {
        assert!(is_lower_hex(field), "{traceparent:?}");
    }

    let again = propagator.extract(&MessageHeaders::new(&injected));
    let again_span = again.span();
    let round = again_span.span_context();
    assert!(round.is_valid(), "{traceparent:?} did not extract");
    assert_eq!(round.trace_id(), extracted.trace_id());
    assert_eq!(round.span_id(), extracted.span_id());
    assert_eq!(round.trace_flags(), extracted.trace_flags(), "{traceparent:?}");
    assert_eq!(round.trace_state().header(), extracted.trace_state().header());

    let mut reinjected: Vec<(String, Vec<u8>)> = Vec::new();
    propagator.inject_context(&again, &mut MessageHeadersMut::new(&mut reinjected));
    assert_eq!(reinjected, injected, "injection is not a fixed point");

    // Extraction into a non-empty parent context behaves the same.
    let parent = Context::new().with_value(17_u32);
    let with_parent = propagator.extract_with_context(&parent, &MessageHeaders::new(&carrier));
    assert_eq!(with_parent.span().span_context(), extracted);
});
