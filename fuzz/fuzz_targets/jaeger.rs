//! Jaeger propagation (`jaeger` in `OTEL_PROPAGATORS`): extraction from arbitrary
//! `uber-trace-id` and `uberctx-*` headers, then injection and extraction again.
//!
//! Input: `name: value` lines (values are bytes, not necessarily UTF-8).
//!
//! Invariants:
//! - a valid extracted context is remote, its ids are not zero;
//! - injecting it writes one `uber-trace-id`, `<32 hex>:<16 hex>:0:<2 hex>` in lower
//!   case, which extracts to the same trace id, span id and sampled flag;
//! - when nothing valid is extracted, no `uber-trace-id` is injected;
//! - baggage read from `uberctx-*` headers injects and extracts to the same entries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_fuzz::{header_lines, is_lower_hex, single};
use otel_kit_init::reexports::otel_kit_propagators::{MessageHeaders, MessageHeadersMut, PropagatorName, Propagators};

fuzz_target!(|data: &[u8]| {
    let carrier = header_lines(data);
    let propagator = Propagators::new([PropagatorName::Jaeger]);
    let cx = propagator.extract(&MessageHeaders::new(&carrier));
    let span = cx.span();
    let extracted = span.span_context();

    let mut injected: Vec<(String, Vec<u8>)> = Vec::new();
    propagator.inject_context(&cx, &mut MessageHeadersMut::new(&mut injected));
    let header = single(&injected, "uber-trace-id");
    if !extracted.is_valid() {
        assert!(
            header.is_none(),
            "nothing valid was extracted, yet {injected:?} was injected"
        );
    } else {
        assert!(extracted.is_remote());
        let header = header.expect("a valid context injects uber-trace-id");
        let parts: Vec<&str> = header.split(':').collect();
        assert_eq!(parts.len(), 4, "{header:?}");
        assert!(
            parts[0].len() == 32 && parts[1].len() == 16 && parts[2] == "0" && parts[3].len() == 2,
            "{header:?}"
        );
        for part in [parts[0], parts[1], parts[3]] {
            assert!(is_lower_hex(part), "{header:?}");
        }
    }
    let again = propagator.extract(&MessageHeaders::new(&injected));
    let again_span = again.span();
    let round = again_span.span_context();
    assert_eq!(
        round.is_valid(),
        extracted.is_valid(),
        "{carrier:?} -> {injected:?}"
    );
    if extracted.is_valid() {
        assert_eq!(round.trace_id(), extracted.trace_id());
        assert_eq!(round.span_id(), extracted.span_id());
        assert_eq!(
            round.is_sampled(),
            extracted.is_sampled(),
            "{carrier:?} -> {injected:?}"
        );
    }
    let entries = |cx: &opentelemetry::Context| {
        let mut all: Vec<(String, String)> = cx
            .baggage()
            .iter()
            .map(|(k, (v, _))| (k.to_string(), v.as_str().to_owned()))
            .collect();
        all.sort();
        all
    };
    assert_eq!(entries(&again), entries(&cx), "{carrier:?} -> {injected:?}");
});
