//! Why otel-kit-init has its own W3C propagators (docs/architecture.md, "Where the kit
//! replaces upstream"): the cases where opentelemetry_sdk 0.33's `TraceContextPropagator`
//! and `BaggagePropagator` part from the W3C specifications and ours follow them, each
//! run through both in one test, over the carrier an HTTP service reads with
//! (`opentelemetry_http::HeaderExtractor` over `http::HeaderMap`). When upstream fixes
//! one, its assertion here fails: that is the signal to measure both again and drop
//! ours if it is no longer better.

use std::collections::HashMap;

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use otel_kit_propagators::{HeaderExtractor, PropagatorName, Propagators};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

fn extracted(propagator: &dyn TextMapPropagator, carrier: &dyn Extractor) -> SpanContext {
    propagator
        .extract_with_context(&Context::new(), carrier)
        .span()
        .span_context()
        .clone()
}

fn ours() -> Propagators {
    Propagators::new([PropagatorName::TraceContext, PropagatorName::Baggage])
}

#[test]
fn a_traceparent_w3c_rejects_is_accepted_upstream_and_refused_here() {
    // W3C: trace-id and parent-id are exactly 32 and 16 lowercase hex digits. The SDK
    // parses them with `from_str_radix`, which takes a leading `+`.
    let plus = format!("00-+{}-{SPAN}-01", &TRACE[1..]);
    let headers = HashMap::from([("traceparent".to_owned(), plus.clone())]);
    assert!(
        extracted(&TraceContextPropagator::new(), &headers).is_valid(),
        "upstream now refuses {plus:?}: measure both again (docs/architecture.md)"
    );
    assert!(!extracted(&ours(), &headers).is_valid(), "{plus:?}");
}

#[test]
fn the_random_flag_is_dropped_upstream_and_kept_here() {
    // Trace Context Level 2: flag 0x02 says the trace id's right part is random, and a
    // participant that passes the trace on keeps it.
    let headers = HashMap::from([("traceparent".to_owned(), format!("00-{TRACE}-{SPAN}-03"))]);
    let upstream = extracted(&TraceContextPropagator::new(), &headers);
    assert_eq!(
        upstream.trace_flags(),
        TraceFlags::SAMPLED,
        "upstream now keeps the random flag: measure both again"
    );
    let here = extracted(&ours(), &headers);
    assert_eq!(here.trace_flags().to_u8(), 0x03);
}

#[test]
fn several_tracestate_headers_are_one_list_here_and_the_first_one_upstream() {
    // W3C: several tracestate fields are combined, in order, as one list.
    let mut headers = http::HeaderMap::new();
    headers.append(
        "traceparent",
        format!("00-{TRACE}-{SPAN}-01").parse().expect("value"),
    );
    headers.append("tracestate", "a=1".parse().expect("value"));
    headers.append("tracestate", "b=2".parse().expect("value"));
    let carrier = HeaderExtractor(&headers);
    let upstream = extracted(&TraceContextPropagator::new(), &carrier);
    assert_eq!(
        upstream.trace_state().header(),
        "a=1",
        "upstream now combines tracestate fields: measure both again"
    );
    let here = extracted(&ours(), &carrier);
    assert_eq!(here.trace_state().header(), "a=1,b=2");
}

#[test]
fn several_baggage_headers_are_one_list_here_and_the_first_one_upstream() {
    // W3C Baggage: several baggage headers are combined.
    let mut headers = http::HeaderMap::new();
    headers.append("baggage", "tenant=acme".parse().expect("value"));
    headers.append("baggage", "region=eu".parse().expect("value"));
    let carrier = HeaderExtractor(&headers);
    let upstream = BaggagePropagator::new().extract_with_context(&Context::new(), &carrier);
    assert_eq!(
        upstream.baggage().len(),
        1,
        "upstream now combines baggage headers: measure both again"
    );
    let here = ours().extract_with_context(&Context::new(), &carrier);
    assert_eq!(
        here.baggage().get("tenant").map(|v| v.as_str().to_owned()),
        Some("acme".to_owned())
    );
    assert_eq!(
        here.baggage().get("region").map(|v| v.as_str().to_owned()),
        Some("eu".to_owned())
    );
}

#[test]
fn an_empty_tracestate_is_injected_upstream_and_left_out_here() {
    let parent = SpanContext::new(
        TraceId::from_hex(TRACE).expect("hex"),
        opentelemetry::trace::SpanId::from_hex(SPAN).expect("hex"),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let cx = Context::new().with_remote_span_context(parent);
    let mut upstream = HashMap::new();
    TraceContextPropagator::new().inject_context(&cx, &mut upstream);
    assert!(
        upstream.contains_key("tracestate"),
        "upstream now leaves an empty tracestate out: measure both again"
    );
    let mut here = HashMap::new();
    ours().inject_context(&cx, &mut here);
    assert!(!here.contains_key("tracestate"));
}
