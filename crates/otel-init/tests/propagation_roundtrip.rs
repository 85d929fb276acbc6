//! Inject then extract through each trace propagator, B3 in both encodings and both
//! directions, and malformed headers.

use std::collections::HashMap;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, propagation::Extractor};
use opentelemetry_sdk::trace::{IdGenerator as _, RandomIdGenerator};
use otel_init::propagation::{MessageHeaders, PropagatorName, Propagators};

use PropagatorName::{B3, B3Multi, TraceContext};

/// A remote parent with fresh random ids, so no test passes on remembered values.
fn random_parent(sampled: bool) -> SpanContext {
    let ids = RandomIdGenerator::default();
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    SpanContext::new(
        ids.new_trace_id(),
        ids.new_span_id(),
        flags,
        true,
        TraceState::default(),
    )
}

fn inject(propagators: &Propagators, parent: &SpanContext) -> HashMap<String, String> {
    let mut headers = HashMap::new();
    propagators.inject_context(
        &Context::new().with_remote_span_context(parent.clone()),
        &mut headers,
    );
    headers
}

fn extracted(propagators: &Propagators, carrier: &dyn Extractor) -> SpanContext {
    propagators
        .extract_with_context(&Context::new(), carrier)
        .span()
        .span_context()
        .clone()
}

fn assert_same(got: &SpanContext, want: &SpanContext) {
    assert!(got.is_valid(), "extracted nothing, expected {want:?}");
    assert_eq!(got.trace_id(), want.trace_id());
    assert_eq!(got.span_id(), want.span_id());
    assert_eq!(got.is_sampled(), want.is_sampled());
    assert!(got.is_remote());
}

fn keys(headers: &HashMap<String, String>) -> Vec<&str> {
    let mut keys: Vec<&str> = headers.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn tracecontext_round_trips() {
    let propagators = Propagators::new([TraceContext]);
    for sampled in [true, false] {
        let parent = random_parent(sampled);
        let headers = inject(&propagators, &parent);
        assert_eq!(
            headers["traceparent"],
            format!(
                "00-{}-{}-0{}",
                parent.trace_id(),
                parent.span_id(),
                u8::from(sampled)
            )
        );
        assert_same(&extracted(&propagators, &headers), &parent);
    }
}

#[test]
fn b3_injects_the_single_header_and_round_trips() {
    let propagators = Propagators::new([B3]);
    for sampled in [true, false] {
        let parent = random_parent(sampled);
        let headers = inject(&propagators, &parent);
        assert_eq!(keys(&headers), ["b3"], "only the single header");
        assert_eq!(
            headers["b3"],
            format!("{}-{}-{}", parent.trace_id(), parent.span_id(), u8::from(sampled))
        );
        assert_same(&extracted(&propagators, &headers), &parent);
    }
}

#[test]
fn b3multi_injects_the_multi_headers_and_round_trips() {
    let propagators = Propagators::new([B3Multi]);
    for sampled in [true, false] {
        let parent = random_parent(sampled);
        let headers = inject(&propagators, &parent);
        assert_eq!(keys(&headers), ["x-b3-sampled", "x-b3-spanid", "x-b3-traceid"]);
        assert_eq!(headers["x-b3-traceid"], parent.trace_id().to_string());
        assert_eq!(headers["x-b3-spanid"], parent.span_id().to_string());
        assert_eq!(headers["x-b3-sampled"], u8::from(sampled).to_string());
        assert_same(&extracted(&propagators, &headers), &parent);
    }
}

#[test]
fn b3_extracts_a_multi_header_request() {
    let parent = random_parent(true);
    // As an HTTP client sends them, in mixed case; `MessageHeaders` matches any case.
    let headers = vec![
        ("X-B3-TraceId".to_owned(), parent.trace_id().to_string()),
        ("X-B3-SpanId".to_owned(), parent.span_id().to_string()),
        ("X-B3-Sampled".to_owned(), "1".to_owned()),
    ];
    assert_same(
        &extracted(&Propagators::new([B3]), &MessageHeaders::new(&headers)),
        &parent,
    );
}

#[test]
fn b3_accepts_the_legacy_true_and_b3multi_the_debug_flag() {
    // The b3 crate parses `true` only with a multi-header encoding and `d` only with a
    // single-header one; both propagators accept both.
    let parent = random_parent(true);
    let legacy = HashMap::from([
        ("x-b3-traceid".to_owned(), parent.trace_id().to_string()),
        ("x-b3-spanid".to_owned(), parent.span_id().to_string()),
        ("x-b3-sampled".to_owned(), "true".to_owned()),
    ]);
    let debug = HashMap::from([(
        "b3".to_owned(),
        format!("{}-{}-d", parent.trace_id(), parent.span_id()),
    )]);
    for name in [B3, B3Multi] {
        let propagators = Propagators::new([name]);
        assert_same(&extracted(&propagators, &legacy), &parent);
        // Debug implies sampled (B3), so a parent-based sampler keeps the trace.
        assert_same(&extracted(&propagators, &debug), &parent);
    }
}

#[test]
fn b3_single_header_takes_precedence_over_multi() {
    let single = random_parent(true);
    let multi = random_parent(false);
    let headers = HashMap::from([
        (
            "b3".to_owned(),
            format!("{}-{}-1", single.trace_id(), single.span_id()),
        ),
        ("x-b3-traceid".to_owned(), multi.trace_id().to_string()),
        ("x-b3-spanid".to_owned(), multi.span_id().to_string()),
        ("x-b3-sampled".to_owned(), "0".to_owned()),
    ]);
    for name in [B3, B3Multi] {
        assert_same(&extracted(&Propagators::new([name]), &headers), &single);
    }
    // A broken single header falls back to the multi headers.
    let mut broken = headers.clone();
    broken.insert("b3".to_owned(), "not-b3".to_owned());
    assert_same(&extracted(&Propagators::new([B3]), &broken), &multi);
}

#[test]
fn malformed_headers_give_an_invalid_span_context() {
    let parent = random_parent(true);
    let (trace, span) = (parent.trace_id().to_string(), parent.span_id().to_string());
    let traceparents = [
        String::new(),
        "garbage".to_owned(),
        format!("00-{trace}-{span}"),
        format!("00-{}-{span}-01", "0".repeat(32)),
        format!("00-{trace}-{}-01", "0".repeat(16)),
        format!("ff-{trace}-{span}-01"),
        format!("00-{}-{span}-01", &trace[..31]),
        format!(
            "00-{}-{span}-01",
            trace.to_uppercase().replace(char::is_numeric, "Z")
        ),
        format!("00-{trace}-{span}-zz"),
        // Accepted by the SDK's own parser (`from_str_radix`), not by W3C.
        format!("00-+{}-{span}-01", &trace[1..]),
        format!("00-{trace}-{span}-001"),
        format!("0-{trace}-{span}-01"),
        format!("00-{trace}-{span}-01-extra"),
        "-".repeat(55),
    ];
    for value in &traceparents {
        let headers = HashMap::from([("traceparent".to_owned(), value.clone())]);
        let got = extracted(&Propagators::new([TraceContext]), &headers);
        assert!(!got.is_valid(), "traceparent {value:?} gave {got:?}");
    }

    let b3_values = [
        String::new(),
        "0".to_owned(),
        "1".to_owned(),
        "garbage".to_owned(),
        format!("{trace}-{span}-x"),
        format!("{}-{span}-1", trace.to_uppercase().replace(char::is_numeric, "A")),
        format!("{}-{span}-1", "0".repeat(32)),
        format!("{trace}-{}-1", "0".repeat(16)),
        format!("{trace}-{span}-1-{span}-extra"),
        format!("{trace}-{span}-1-nothex"),
        format!("{trace}{span}"),
        format!("+{}-{span}-1", &trace[1..]),
        format!("{trace}-+{}-1", &span[1..]),
    ];
    for value in &b3_values {
        let headers = HashMap::from([("b3".to_owned(), value.clone())]);
        for name in [B3, B3Multi] {
            let got = extracted(&Propagators::new([name]), &headers);
            assert!(!got.is_valid(), "{name} with b3 {value:?} gave {got:?}");
        }
    }

    let multi = HashMap::from([
        ("x-b3-traceid".to_owned(), "xyz".to_owned()),
        ("x-b3-spanid".to_owned(), span.clone()),
        ("x-b3-sampled".to_owned(), "1".to_owned()),
    ]);
    assert!(!extracted(&Propagators::new([B3Multi]), &multi).is_valid());
}

#[test]
fn a_malformed_header_does_not_erase_what_an_earlier_propagator_found() {
    let parent = random_parent(true);
    let headers = HashMap::from([
        (
            "traceparent".to_owned(),
            format!("00-{}-{}-01", parent.trace_id(), parent.span_id()),
        ),
        ("b3".to_owned(), "garbage".to_owned()),
    ]);
    assert_same(
        &extracted(&Propagators::new([TraceContext, B3]), &headers),
        &parent,
    );
    assert_same(
        &extracted(&Propagators::new([B3, TraceContext]), &headers),
        &parent,
    );
}

#[test]
fn later_propagators_win_on_conflicting_headers() {
    let w3c = random_parent(true);
    let zipkin = random_parent(true);
    let headers = HashMap::from([
        (
            "traceparent".to_owned(),
            format!("00-{}-{}-01", w3c.trace_id(), w3c.span_id()),
        ),
        (
            "b3".to_owned(),
            format!("{}-{}-1", zipkin.trace_id(), zipkin.span_id()),
        ),
    ]);
    assert_same(
        &extracted(&Propagators::new([TraceContext, B3]), &headers),
        &zipkin,
    );
    assert_same(&extracted(&Propagators::new([B3, TraceContext]), &headers), &w3c);
}

#[test]
fn every_format_is_injected_and_none_injects_nothing() {
    let parent = random_parent(true);
    let all = Propagators::new([TraceContext, B3, B3Multi]);
    let headers = inject(&all, &parent);
    assert_eq!(
        keys(&headers),
        [
            "b3",
            "traceparent",
            "tracestate",
            "x-b3-sampled",
            "x-b3-spanid",
            "x-b3-traceid"
        ]
    );
    assert_same(&extracted(&all, &headers), &parent);

    assert!(inject(&Propagators::none(), &parent).is_empty());
    assert!(!extracted(&Propagators::none(), &headers).is_valid());
}

#[test]
fn an_invalid_context_injects_no_ids() {
    let invalid = SpanContext::new(
        TraceId::INVALID,
        SpanId::INVALID,
        TraceFlags::default(),
        false,
        TraceState::default(),
    );
    let headers = inject(&Propagators::new([TraceContext, B3Multi]), &invalid);
    assert!(!headers.contains_key("traceparent"));
    assert!(!headers.contains_key("x-b3-traceid"));
}
