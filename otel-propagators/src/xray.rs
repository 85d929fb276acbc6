//! AWS X-Ray propagation (`OTEL_PROPAGATORS=xray`, the `xray` cargo feature):
//! opentelemetry-aws's `XrayPropagator` (the `X-Amzn-Trace-Id` header,
//! `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1|?>`), reading the carrier by
//! otel-kit-core's one rule (two different headers are ambiguous and ignored, values are
//! bounded), and only a well-formed header handed to it: the crate parses ids with
//! `from_str_radix` and pads short ones, so it would accept a `+` sign, a short id or
//! another format version; here those start a new trace, as a malformed `traceparent`
//! does.

use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry_aws::trace::XrayPropagator as Upstream;
use otel_kit_core::__private::carrier::BoundedExtractor;

use crate::extractor_source::ExtractorSource;

/// X-Ray's propagation format.
#[derive(Debug, Clone, Default)]
pub(super) struct XrayPropagator(Upstream);

impl TextMapPropagator for XrayPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.0.inject_context(cx, injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let source = ExtractorSource {
            extractor,
            without_plus: true,
        };
        let bounded = BoundedExtractor::new(&source);
        match bounded.value(HEADER) {
            Some(value) if well_formed(value) => self.0.extract_with_context(cx, &bounded),
            _ => cx.clone(),
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        self.0.fields()
    }
}

/// The header X-Ray's propagation reads and writes.
const HEADER: &str = "x-amzn-trace-id";

/// Whether an `X-Amzn-Trace-Id` value has a `Root` of format version 1 with its exact
/// lengths (`1-<8 hex>-<24 hex>`), a `Parent` of 16 hex digits when present, and a
/// `Sampled` of `0`, `1` or `?` when present; other keys are left to the crate.
fn well_formed(value: &str) -> bool {
    let is_hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut root = false;
    for part in value.trim().split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return false;
        };
        let key = key.trim();
        // A known key in another case would be kept as an unknown one, its meaning lost.
        if ["Root", "Parent", "Sampled"]
            .iter()
            .any(|known| known.eq_ignore_ascii_case(key) && *known != key)
        {
            return false;
        }
        match key {
            "Root" => {
                let mut pieces = value.split('-');
                root = pieces.next() == Some("1")
                    && pieces.next().is_some_and(|time| is_hex(time, 8))
                    && pieces.next().is_some_and(|random| is_hex(random, 24))
                    && pieces.next().is_none();
                if !root {
                    return false;
                }
            }
            "Parent" if !is_hex(value, 16) => return false,
            "Sampled" if !matches!(value, "0" | "1" | "?") => return false,
            _ => {}
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use opentelemetry::propagation::TextMapPropagator as _;
    use opentelemetry::trace::TraceContextExt as _;

    use super::XrayPropagator;

    fn extract(value: &str) -> opentelemetry::trace::SpanContext {
        let headers = HashMap::from([("x-amzn-trace-id".to_owned(), value.to_owned())]);
        XrayPropagator::default()
            .extract(&headers)
            .span()
            .span_context()
            .clone()
    }

    #[test]
    fn a_well_formed_header_and_malformed_ones() {
        let sc = extract("Root=1-58406520-a006649127e371903a2de979;Parent=4c721bf33e3caf8f;Sampled=1");
        assert_eq!(sc.trace_id().to_string(), "58406520a006649127e371903a2de979");
        assert_eq!(sc.span_id().to_string(), "4c721bf33e3caf8f");
        assert!(sc.is_sampled() && sc.is_remote());
        for bad in [
            "",
            "Root=1-+8406520-a006649127e371903a2de979;Parent=4c721bf33e3caf8f;Sampled=1",
            "Root=1-58406520-a00664;Parent=4c721bf33e3caf8f",
            "Parent=4c721bf33e3caf8f;Sampled=1",
            "Root=2-58406520-a006649127e371903a2de979;Parent=4c721bf33e3caf8f",
            "Root=1-58406520-a006649127e371903a2de979;Parent=4c721bf33e3caf8;Sampled=1",
            "Root=1-58406520-a006649127e371903a2de979;Parent=4c721bf33e3caf8f;Sampled=yes",
            "Root=1-50846520-a006649127e371903a2de979;Parent=4c721bf33e3caf8f;SAmpled=1",
            "garbage",
        ] {
            assert!(!extract(bad).is_valid(), "{bad:?}");
        }
    }
}
