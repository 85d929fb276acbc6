//! AWS X-Ray propagation (`xray` in `OTEL_PROPAGATORS`): extraction from arbitrary
//! `X-Amzn-Trace-Id` values, then injection and extraction again.
//!
//! Input: the whole input is one `X-Amzn-Trace-Id` value (bytes, not necessarily UTF-8).
//!
//! Invariants:
//! - a valid extracted context is remote and came from a `Root=1-<8 hex>-<24 hex>` whose
//!   digits are its trace id;
//! - injecting it writes one `X-Amzn-Trace-Id` that extracts to the same trace id, span
//!   id and sampled flag;
//! - when nothing valid is extracted, extracting what was injected is not valid either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_init::reexports::otel_kit_propagators::{MessageHeaders, MessageHeadersMut, PropagatorName, Propagators};

fuzz_target!(|data: &[u8]| {
    let carrier = vec![("x-amzn-trace-id".to_owned(), data.to_vec())];
    let propagator = Propagators::new([PropagatorName::XRay]);
    let cx = propagator.extract(&MessageHeaders::new(&carrier));
    let span = cx.span();
    let extracted = span.span_context();

    let mut injected: Vec<(String, Vec<u8>)> = Vec::new();
    propagator.inject_context(&cx, &mut MessageHeadersMut::new(&mut injected));
    let again = propagator.extract(&MessageHeaders::new(&injected));
    let again_span = again.span();
    let round = again_span.span_context();
    if !extracted.is_valid() {
        assert!(!round.is_valid(), "{carrier:?} -> {injected:?}");
        return;
    }
    assert!(extracted.is_remote());
    let input = std::str::from_utf8(data).expect("a header that parsed is text");
    let trace_id = extracted.trace_id().to_string();
    let root = format!("Root=1-{}-{}", &trace_id[..8], &trace_id[8..]);
    assert!(
        input.to_ascii_lowercase().contains(&root.to_ascii_lowercase()),
        "{input:?} gave {trace_id}"
    );
    assert!(round.is_valid(), "{injected:?} did not extract");
    assert_eq!(round.trace_id(), extracted.trace_id());
    assert_eq!(round.span_id(), extracted.span_id());
    assert_eq!(
        round.is_sampled(),
        extracted.is_sampled(),
        "{carrier:?} -> {injected:?}"
    );
});
