//! The Jaeger propagator (`OTEL_PROPAGATORS=jaeger`): `uber-trace-id` and the
//! `uberctx-<key>` baggage headers, as the OpenTelemetry specification describes them
//! and Python's `opentelemetry-propagator-jaeger` speaks them. opentelemetry-rust's own
//! Jaeger propagator crate stops at 0.32 (deprecated), so the kit keeps one.
//!
//! `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`: hex ids, a trace id
//! of up to 32 digits left-padded with zeros, a span id of up to 16, the deprecated
//! parent id (injected as `0`), and flags (bit 1 sampled, bit 2 debug, which implies
//! sampled). The value may arrive URL-encoded (`%3A` for `:`), as some Jaeger clients
//! send it. Anything malformed is ignored: a new trace starts. Reading goes through
//! otel-kit-core's one carrier rule (two different `uber-trace-id` headers are
//! ambiguous and ignored), and baggage through its bounds (64 header names, values up to
//! 8192 bytes in all).

use std::borrow::Cow;

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use otel_kit_core::__private::carrier::BoundedExtractor;

use crate::baggage_headers::hex_id;
use crate::extractor_source::ExtractorSource;

const TRACE_HEADER: &str = "uber-trace-id";
const BAGGAGE_PREFIX: &str = "uberctx-";
const SAMPLED: u8 = 0x01;
const DEBUG: u8 = 0x02;

/// Jaeger's propagation format.
#[derive(Debug, Clone)]
pub(super) struct JaegerPropagator {
    fields: [String; 1],
}

impl Default for JaegerPropagator {
    fn default() -> Self {
        JaegerPropagator {
            fields: [TRACE_HEADER.to_owned()],
        }
    }
}

impl TextMapPropagator for JaegerPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span();
        let span_context = span.span_context();
        if span_context.is_valid() {
            let flags = if span_context.is_sampled() { SAMPLED } else { 0 };
            injector.set(
                TRACE_HEADER,
                format!(
                    "{}:{}:0:{flags:02x}",
                    span_context.trace_id(),
                    span_context.span_id()
                ),
            );
        }
        for (key, (value, _)) in cx.baggage() {
            let value = value.as_str();
            injector.set(&format!("{BAGGAGE_PREFIX}{key}"), percent_encoded(value));
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let source = ExtractorSource {
            extractor,
            without_plus: false,
        };
        let bounded = BoundedExtractor::new(&source);
        let cx = crate::baggage_headers::extract_into(cx, &bounded, BAGGAGE_PREFIX, percent_decoded);
        match bounded.value(TRACE_HEADER).and_then(parse) {
            Some(span_context) => cx.with_remote_span_context(span_context),
            None => cx,
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

/// The span context of an `uber-trace-id` value, if it is well formed.
pub(super) fn parse(value: &str) -> Option<SpanContext> {
    let value = percent_decoded(value)?;
    let mut parts = value.split(':');
    let (trace_id, span_id, parent, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let trace_id = TraceId::from(hex_id(trace_id, 32, false)?);
    let span_id = SpanId::from(u64::try_from(hex_id(span_id, 16, false)?).ok()?);
    hex_id(parent, 16, false)?;
    let flags = u8::try_from(hex_id(flags, 2, false)?).ok()?;
    if trace_id == TraceId::INVALID || span_id == SpanId::INVALID {
        return None;
    }
    let sampled = flags & (SAMPLED | DEBUG) != 0;
    Some(SpanContext::new(
        trace_id,
        span_id,
        TraceFlags::default().with_sampled(sampled),
        true,
        TraceState::default(),
    ))
}

/// `value` with `%XX` escapes decoded; `None` when that is not UTF-8.
fn percent_decoded(value: &str) -> Option<Cow<'_, str>> {
    if !value.contains('%') {
        return Some(Cow::Borrowed(value));
    }
    percent_encoding::percent_decode_str(value).decode_utf8().ok()
}

/// What a header value cannot carry, escaped as Python's `urllib.parse.quote` does.
fn percent_encoded(value: &str) -> String {
    const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'_')
        .remove(b'.')
        .remove(b'-')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(value, ESCAPED).to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use opentelemetry::baggage::BaggageExt as _;
    use opentelemetry::propagation::TextMapPropagator as _;
    use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags};
    use opentelemetry::{Context, KeyValue};

    use super::{JaegerPropagator, parse};

    fn extract(headers: &[(&str, &str)]) -> Context {
        JaegerPropagator::default().extract(&crate::baggage_headers::carrier(headers))
    }

    #[test]
    fn well_formed_values() {
        let sc = parse("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01").expect("valid");
        assert_eq!(sc.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(sc.span_id().to_string(), "00f067aa0ba902b7");
        assert!(sc.is_sampled() && sc.is_remote());
        // A 64-bit trace id is left-padded; debug implies sampled; URL-encoded colons.
        let sc = parse("a3ce929d0e0e4736%3Af067aa0ba902b7%3A0%3A2").expect("valid");
        assert_eq!(sc.trace_id().to_string(), "0000000000000000a3ce929d0e0e4736");
        assert!(sc.is_sampled());
        assert!(
            !parse("a3ce929d0e0e4736:f067aa0ba902b7:0:0")
                .expect("valid")
                .is_sampled()
        );
    }

    #[test]
    fn malformed_values_start_a_new_trace() {
        for bad in [
            "",
            "a:b:c",
            "a3ce929d0e0e4736:f067aa0ba902b7:0:1:extra",
            "0:f067aa0ba902b7:0:1",
            "a3ce929d0e0e4736:0:0:1",
            "+a3ce929d0e0e4736:f067aa0ba902b7:0:1",
            "a3ce929d0e0e4736:f067aa0ba902b7:0:100",
            "4bf92f3577b34da6a3ce929d0e0e47360:f067aa0ba902b7:0:1",
            "a3ce929d0e0e4736:f067aa0ba902b7a11:0:1",
            "a3ce929d0e0e4736:f067aa0ba902b7::1",
            "zz:f067aa0ba902b7:0:1",
            "%FF%FE:1:0:1",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
        let cx = extract(&[("uber-trace-id", "garbage")]);
        assert!(!cx.span().span_context().is_valid());
    }

    #[test]
    fn round_trip_with_baggage() {
        let sc = SpanContext::new(
            0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128.into(),
            0x00f0_67aa_0ba9_02b7_u64.into(),
            TraceFlags::SAMPLED,
            false,
            Default::default(),
        );
        let cx = Context::new()
            .with_remote_span_context(sc)
            .with_baggage([KeyValue::new("tenant", "acme corp/eu")]);
        let mut headers = HashMap::new();
        JaegerPropagator::default().inject_context(&cx, &mut headers);
        assert_eq!(
            headers["uber-trace-id"],
            "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01"
        );
        assert_eq!(headers["uberctx-tenant"], "acme%20corp/eu");
        let back = JaegerPropagator::default().extract(&headers);
        assert_eq!(
            back.span().span_context().trace_id(),
            cx.span().span_context().trace_id()
        );
        assert_eq!(
            back.baggage().get("tenant").map(|v| v.as_str().to_owned()),
            Some("acme corp/eu".to_owned())
        );
    }
}
