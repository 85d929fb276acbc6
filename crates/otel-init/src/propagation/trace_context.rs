//! W3C Trace Context: the SDK's propagator behind a strict check of the `traceparent`
//! format.
//!
//! Why: the SDK (0.33) parses the ids with `from_str_radix`, so it accepts ids of the
//! wrong length (a 31-digit trace id becomes a different, zero-padded one), a leading
//! `+`, and flags of any length. W3C says a receiver must ignore such a `traceparent`;
//! accepting it would join the request to a trace no other vendor would recognise.

use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry_sdk::propagation::TraceContextPropagator;

const TRACEPARENT: &str = "traceparent";

#[derive(Debug, Default)]
pub(super) struct StrictTraceContextPropagator {
    inner: TraceContextPropagator,
}

impl TextMapPropagator for StrictTraceContextPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.inner.inject_context(cx, injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        match extractor.get(TRACEPARENT) {
            Some(value) if is_well_formed(value.trim()) => self.inner.extract_with_context(cx, extractor),
            _ => cx.clone(),
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        self.inner.fields()
    }
}

/// `version-traceid-parentid-flags` as W3C Trace Context defines it: two lower-case hex
/// digits, 32, 16 and 2, version `ff` forbidden; version `00` ends there, a later
/// version may continue after a `-`. All-zero ids are left to the SDK's validity check.
fn is_well_formed(value: &str) -> bool {
    let bytes = value.as_bytes();
    let hex = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    };
    let dash = |at: usize| bytes.get(at) == Some(&b'-');
    let fields = hex(0..2) && dash(2) && hex(3..35) && dash(35) && hex(36..52) && dash(52) && hex(53..55);
    if !fields || &bytes[..2] == b"ff" {
        return false;
    }
    if &bytes[..2] == b"00" {
        bytes.len() == 55
    } else {
        bytes.len() == 55 || dash(55)
    }
}

#[cfg(test)]
mod tests {
    use super::is_well_formed;

    #[test]
    fn format() {
        let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert!(is_well_formed(valid));
        assert!(is_well_formed(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        ));
        assert!(is_well_formed(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"
        ));
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }
}
