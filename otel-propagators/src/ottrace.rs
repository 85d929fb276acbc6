//! The OT Trace propagator (`OTEL_PROPAGATORS=ottrace`): the headers of OpenTracing's
//! basic tracers (Lightstep's, Envoy's `ot` tracing), as Python's
//! `opentelemetry-propagator-ot-trace` speaks them.
//!
//! `ot-tracer-traceid` (1 to 32 lower-case hex digits; injected as the trace id's low 64
//! bits, 16 digits), `ot-tracer-spanid` (1 to 16 digits), `ot-tracer-sampled` (`true`,
//! anything else is not sampled), and `ot-baggage-<key>` per baggage entry, extracted
//! only with a valid span context. Anything malformed is ignored: a new trace starts.
//! Reading goes through otel-kit-core's carrier rule and its bounds, as the Jaeger
//! propagator's does.

use std::borrow::Cow;

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator, text_map_propagator::FieldIter};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use otel_kit_core::__private::carrier::BoundedExtractor;

use crate::{baggage_headers::hex_id, extractor_source::ExtractorSource};

const TRACE_ID_HEADER: &str = "ot-tracer-traceid";
const SPAN_ID_HEADER: &str = "ot-tracer-spanid";
const SAMPLED_HEADER: &str = "ot-tracer-sampled";
const BAGGAGE_PREFIX: &str = "ot-baggage-";

/// OT Trace's propagation format.
#[derive(Debug, Clone)]
pub(super) struct OtTracePropagator {
    fields: [String; 3],
}

impl Default for OtTracePropagator {
    fn default() -> Self {
        OtTracePropagator {
            fields: [TRACE_ID_HEADER, SPAN_ID_HEADER, SAMPLED_HEADER].map(str::to_owned),
        }
    }
}

impl TextMapPropagator for OtTracePropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span();
        // Without a span context, nothing: not even baggage (as Python's).
        let Some(span_context) = Some(span.span_context()).filter(|sc| sc.is_valid()) else {
            return;
        };
        let low_bits = u128::from_be_bytes(span_context.trace_id().to_bytes()) as u64;
        injector.set(TRACE_ID_HEADER, format!("{low_bits:016x}"));
        injector.set(SPAN_ID_HEADER, span_context.span_id().to_string());
        let sampled = if span_context.is_sampled() {
            "true"
        } else {
            "false"
        };
        injector.set(SAMPLED_HEADER, sampled.to_owned());
        for (key, (value, _)) in cx.baggage() {
            let value = value.as_str();
            // A key or value a header cannot carry is left out, as Python's does.
            if is_token(key.as_str()) && is_header_value(value) {
                injector.set(&format!("{BAGGAGE_PREFIX}{}", key.as_str()), value.to_owned());
            }
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let source = ExtractorSource {
            extractor,
            without_plus: false,
        };
        let bounded = BoundedExtractor::new(&source);
        let Some(span_context) = parse(
            bounded.value(TRACE_ID_HEADER),
            bounded.value(SPAN_ID_HEADER),
            bounded.value(SAMPLED_HEADER),
        ) else {
            return cx.clone();
        };
        crate::baggage_headers::extract_into(cx, &bounded, BAGGAGE_PREFIX, |v| Some(Cow::Borrowed(v)))
            .with_remote_span_context(span_context)
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

/// The span context the three headers give, if the ids are well formed and not zero.
fn parse(trace_id: Option<&str>, span_id: Option<&str>, sampled: Option<&str>) -> Option<SpanContext> {
    let trace_id = TraceId::from(hex_id(trace_id?, 32, true)?);
    let span_id = SpanId::from(u64::try_from(hex_id(span_id?, 16, true)?).ok()?);
    if trace_id == TraceId::INVALID || span_id == SpanId::INVALID {
        return None;
    }
    Some(SpanContext::new(
        trace_id,
        span_id,
        TraceFlags::default().with_sampled(sampled == Some("true")),
        true,
        TraceState::default(),
    ))
}

/// An HTTP token (RFC 9110): what a header name may hold after the prefix.
fn is_token(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Tab, visible ASCII, space and bytes above 0x7f: what a header value may hold.
fn is_header_value(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags, TraceState};
    use opentelemetry::{Context, KeyValue, baggage::BaggageExt as _, propagation::TextMapPropagator as _};

    use super::{OtTracePropagator, parse};

    fn extract(headers: &[(&str, &str)]) -> Context {
        OtTracePropagator::default().extract(&crate::baggage_headers::carrier(headers))
    }

    #[test]
    fn short_and_long_ids_are_read() {
        let sc = parse(
            Some("4bf92f3577b34da6a3ce929d0e0e4736"),
            Some("f067aa0ba902b7"),
            Some("true"),
        )
        .expect("valid");
        assert_eq!(sc.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(sc.span_id().to_string(), "00f067aa0ba902b7");
        assert!(sc.is_sampled() && sc.is_remote());
        let sc = parse(Some("ab"), Some("1"), Some("false")).expect("valid");
        assert_eq!(sc.trace_id().to_string(), "000000000000000000000000000000ab");
        assert!(!sc.is_sampled());
        assert!(!parse(Some("ab"), Some("1"), None).expect("valid").is_sampled());
        assert!(
            !parse(Some("ab"), Some("1"), Some("True"))
                .expect("valid")
                .is_sampled()
        );
    }

    #[test]
    fn malformed_ids_start_a_new_trace() {
        for (trace_id, span_id) in [
            (None, Some("1")),
            (Some("ab"), None),
            (Some(""), Some("1")),
            (Some("0"), Some("1")),
            (Some("ab"), Some("0")),
            (Some("AB"), Some("1")),
            (Some("+ab"), Some("1")),
            (Some("4bf92f3577b34da6a3ce929d0e0e47360"), Some("1")),
            (Some("ab"), Some("f067aa0ba902b7a11")),
            (Some("ab "), Some("1")),
        ] {
            assert!(
                parse(trace_id, span_id, Some("true")).is_none(),
                "{trace_id:?} {span_id:?}"
            );
        }
        let cx = extract(&[
            ("ot-tracer-traceid", "zz"),
            ("ot-tracer-spanid", "1"),
            ("ot-baggage-user", "x"),
        ]);
        assert!(!cx.span().span_context().is_valid());
        assert_eq!(cx.baggage().len(), 0, "baggage only with a span context");
    }

    #[test]
    fn inject_writes_the_low_64_bits_and_skips_baggage_a_header_cannot_carry() {
        let sc = SpanContext::new(
            0x4bf92f3577b34da6a3ce929d0e0e4736_u128.into(),
            0x00f067aa0ba902b7_u64.into(),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        );
        let cx = Context::new().with_remote_span_context(sc.clone()).with_baggage([
            KeyValue::new("user", "alice"),
            KeyValue::new("bad key", "x"),
            KeyValue::new("newline", "a\nb"),
        ]);
        let mut headers = HashMap::new();
        OtTracePropagator::default().inject_context(&cx, &mut headers);
        assert_eq!(headers["ot-tracer-traceid"], "a3ce929d0e0e4736");
        assert_eq!(headers["ot-tracer-spanid"], "00f067aa0ba902b7");
        assert_eq!(headers["ot-tracer-sampled"], "true");
        assert_eq!(headers["ot-baggage-user"], "alice");
        assert_eq!(headers.len(), 4, "{headers:?}");
        let back = extract(
            &headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(back.span().span_context().span_id(), sc.span_id());
        assert_eq!(
            back.baggage().get("user").map(|v| v.as_str().to_owned()),
            Some("alice".to_owned())
        );
    }
}
