//! B3 extraction, single header (`b3`) and multiple headers (`X-B3-*`), as otel-kit-init
//! configures it (`b3` and `b3multi` in `OTEL_PROPAGATORS`).
//!
//! Input: `name: value` lines, e.g. `b3: <trace>-<span>-1` or `x-b3-traceid: ...`
//! (values are bytes, not necessarily UTF-8).
//!
//! Invariants:
//! - `b3` and `b3multi` extract the same span context: the encoding only chooses what is
//!   injected, every valid B3 request is read whichever it is;
//! - a valid extracted context is remote, and sampled when the debug flag is set;
//! - injecting it with either encoding and extracting again gives the same trace id,
//!   span id and sampled/debug flags;
//! - an invalid context injects at most the sampling-only header with `0` (`b3: 0` or
//!   `X-B3-Sampled: 0`): that is what opentelemetry-propagator-b3 0.33 writes for a
//!   context without a span (see docs/reliability.md, "found, not fixed").
#![no_main]

use libfuzzer_sys::fuzz_target;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{SpanContext, TraceContextExt as _};
use otel_kit_fuzz::header_lines;
use otel_kit_init::reexports::otel_kit_propagators::{MessageHeaders, MessageHeadersMut, PropagatorName, Propagators};

const DEBUG: u8 = 0x04;

fn extract(propagator: &Propagators, carrier: &[(String, Vec<u8>)]) -> SpanContext {
    propagator
        .extract(&MessageHeaders::new(carrier))
        .span()
        .span_context()
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let carrier = header_lines(data);
    let single = Propagators::new([PropagatorName::B3]);
    let multi = Propagators::new([PropagatorName::B3Multi]);
    let from_single = extract(&single, &carrier);
    let from_multi = extract(&multi, &carrier);
    assert_eq!(from_single, from_multi, "b3 and b3multi disagree on {carrier:?}");

    let cx = single.extract(&MessageHeaders::new(&carrier));
    for propagator in [&single, &multi] {
        let mut injected: Vec<(String, Vec<u8>)> = Vec::new();
        propagator.inject_context(&cx, &mut MessageHeadersMut::new(&mut injected));
        if !from_single.is_valid() {
            let deny_only = injected
                .iter()
                .all(|(k, v)| (k == "b3" || k.eq_ignore_ascii_case("x-b3-sampled")) && v == b"0");
            assert!(
                deny_only,
                "nothing valid was extracted, yet {injected:?} was injected"
            );
            continue;
        }
        assert!(from_single.is_remote());
        let flags = from_single.trace_flags().to_u8();
        if flags & DEBUG != 0 {
            assert!(from_single.is_sampled(), "debug without sampled from {carrier:?}");
        }
        let round = extract(propagator, &injected);
        assert!(round.is_valid(), "{injected:?} did not extract");
        assert_eq!(round.trace_id(), from_single.trace_id());
        assert_eq!(round.span_id(), from_single.span_id());
        assert_eq!(
            round.is_sampled(),
            from_single.is_sampled(),
            "{carrier:?} -> {injected:?}"
        );
        assert_eq!(
            round.trace_flags().to_u8() & DEBUG,
            flags & DEBUG,
            "{carrier:?} -> {injected:?}"
        );
    }
});
