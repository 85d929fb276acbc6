//! Inject then extract through each trace propagator, B3 in both encodings and both
//! directions, and malformed headers.

use std::collections::HashMap;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, propagation::Extractor};
use opentelemetry_sdk::trace::{IdGenerator as _, RandomIdGenerator};
use otel_kit_propagators::{MessageHeaders, PropagatorName, Propagators};

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
        // No `tracestate`: the parent has none, and an empty header is not sent.
        ["b3", "traceparent", "x-b3-sampled", "x-b3-spanid", "x-b3-traceid"]
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

// W3C Trace Context conformance: each test below fixes a behaviour the W3C trace-context
// test suite checks (see examples/w3c-conformance); vectors are from the spec and suite.

/// Header fields in arrival order, a name possibly repeated, as HTTP carries them.
struct Fields(Vec<(&'static str, String)>);

impl Extractor for Fields {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(name, _)| *name).collect()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let values: Vec<&str> = self
            .0
            .iter()
            .filter(|(name, _)| *name == key)
            .map(|(_, value)| value.as_str())
            .collect();
        (!values.is_empty()).then_some(values)
    }
}

const TRACEPARENT: &str = "00-12345678901234567890123456789012-1234567890123456-01";

/// The `tracestate` extracted with [`TRACEPARENT`] and the given `tracestate` fields, as
/// it is injected onwards; `None` when nothing is injected.
fn tracestate_onwards(tracestate_fields: &[&str]) -> Option<String> {
    let propagators = Propagators::new([TraceContext]);
    let mut fields = vec![("traceparent", TRACEPARENT.to_owned())];
    fields.extend(tracestate_fields.iter().map(|v| ("tracestate", (*v).to_owned())));
    let cx = propagators.extract_with_context(&Context::new(), &Fields(fields));
    assert_eq!(
        cx.span().span_context().trace_id().to_string(),
        "12345678901234567890123456789012"
    );
    let mut headers = HashMap::new();
    propagators.inject_context(&cx, &mut headers);
    headers.remove("tracestate").filter(|v| !v.is_empty())
}

#[test]
fn two_traceparent_fields_start_a_new_trace() {
    // Duplicated traceparent: the suite expects neither trace id to be continued; W3C:
    // "vendors MUST ignore the entire header" when it is invalid.
    let fields = Fields(vec![
        (
            "traceparent",
            "00-12345678901234567890123456789011-1234567890123456-01".to_owned(),
        ),
        ("traceparent", TRACEPARENT.to_owned()),
    ]);
    assert!(!extracted(&Propagators::new([TraceContext]), &fields).is_valid());
}

#[test]
fn tracestate_fields_are_combined_in_order() {
    // "When receiving multiple `tracestate` header fields, they MUST be combined into a
    // single header according to RFC9110."
    assert_eq!(
        tracestate_onwards(&["foo=1,bar=2", "rojo=1,congo=2", "baz=3"]).as_deref(),
        Some("foo=1,bar=2,rojo=1,congo=2,baz=3")
    );
    // "Vendors MUST accept empty `tracestate` headers"; "Empty and whitespace-only list
    // members are allowed"; "Spaces and horizontal tabs surrounding `list-member`s are
    // ignored."
    assert_eq!(tracestate_onwards(&["", "foo=1"]).as_deref(), Some("foo=1"));
    assert_eq!(tracestate_onwards(&["foo=1", ""]).as_deref(), Some("foo=1"));
    assert_eq!(
        tracestate_onwards(&["foo=1 , \t,bar=2\t", " ,baz=3"]).as_deref(),
        Some("foo=1,bar=2,baz=3")
    );
}

#[test]
fn an_invalid_tracestate_is_discarded_whole() {
    // "value = 0*255(chr) nblk-chr": at least one character, no `=`. "If the
    // `tracestate` header cannot be parsed the vendor MAY discard the entire header."
    for invalid in [
        &["foo=bar=baz"][..],
        &["foo=,bar=3"],
        // "A `key` MUST begin with a lowercase letter or a digit".
        &["@foo=1,bar=2"],
        &["foo =1,bar=2"],
        &["FOO=1"],
        &["foo.bar=1"],
        // "up to 256 characters": a 257-character key invalidates the list.
        &["foo=1", &format!("{}=1", "z".repeat(257))],
    ] {
        assert_eq!(tracestate_onwards(invalid), None, "{invalid:?}");
    }
}

#[test]
fn tracestate_holds_32_members_and_no_more() {
    // "There can be a maximum of 32 `list-member`s in a `list`."
    let members: Vec<String> = (1..=33).map(|i| format!("bar{i:02}={i:02}")).collect();
    let thirty_two = members[..32].join(",");
    assert_eq!(tracestate_onwards(&[&thirty_two]), Some(thirty_two.clone()));
    assert_eq!(tracestate_onwards(&[&thirty_two, &members[32]]), None);
}

#[test]
fn tracestate_keys_follow_the_current_key_grammar() {
    // "key = ( lcalpha / DIGIT ) 0*255 ( keychar )", keychar including "@" anywhere:
    // keys the SDK's `TraceState` rejects are still propagated unchanged.
    let long = "z".repeat(256);
    let with_at = format!("{}@{}", "t".repeat(241), "v".repeat(14));
    let late_at = format!("{}@v", "t".repeat(242));
    for key in [
        "foo@",
        "foo@@bar",
        "foo@bar@baz",
        "t@vvvvvvvvvvvvvvv",
        &long,
        &with_at,
        &late_at,
    ] {
        assert_eq!(
            tracestate_onwards(&["foo=1", &format!("{key}=1,bar=2")]),
            Some(format!("foo=1,{key}=1,bar=2")),
            "{key}"
        );
    }
}

#[test]
fn entries_set_on_a_span_join_a_tracestate_the_sdk_could_not_hold() {
    // A caller's list with a key the SDK's `TraceState` rejects is carried verbatim; a
    // span that then gets entries of its own (a consistent sampler's `ot=th:`) sends
    // them first, the caller's other members after, never dropping them.
    let propagators = Propagators::new([TraceContext]);
    let fields = Fields(vec![
        ("traceparent", TRACEPARENT.to_owned()),
        ("tracestate", "ot=th:c,foo@bar@baz=1,bar=2".to_owned()),
    ]);
    let cx = propagators.extract_with_context(&Context::new(), &fields);
    let parent = cx.span().span_context().clone();
    assert_eq!(parent.trace_state().header(), "", "the SDK cannot hold this list");
    let own = opentelemetry::trace::SpanContext::new(
        parent.trace_id(),
        opentelemetry::trace::SpanId::from(9),
        parent.trace_flags(),
        false,
        "ot=th:8".parse().expect("valid"),
    );
    let mut headers = HashMap::new();
    propagators.inject_context(&cx.with_remote_span_context(own), &mut headers);
    assert_eq!(headers["tracestate"], "ot=th:8,foo@bar@baz=1,bar=2");
}

#[test]
fn a_repeated_tracestate_key_keeps_its_first_value() {
    // "Adding a key/value pair MUST NOT result in the same key being present multiple
    // times"; "vendors MAY also discard duplicate keys".
    assert_eq!(tracestate_onwards(&["foo=1,foo=2"]).as_deref(), Some("foo=1"));
    assert_eq!(tracestate_onwards(&["foo=1", "foo=2"]).as_deref(), Some("foo=1"));
}

#[test]
fn tracestate_without_a_valid_traceparent_is_dropped() {
    // "If a `tracestate` header is received without an accompanying `traceparent`
    // header, it is invalid and MUST be discarded."
    let propagators = Propagators::new([TraceContext]);
    let cx =
        propagators.extract_with_context(&Context::new(), &Fields(vec![("tracestate", "foo=1".to_owned())]));
    let mut headers = HashMap::new();
    propagators.inject_context(&cx, &mut headers);
    assert!(headers.is_empty(), "{headers:?}");
}

#[test]
fn the_random_flag_is_sent_on_even_from_a_span_that_was_not_sampled() {
    use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};

    let w3c = Propagators::new([TraceContext]);
    // Unsampled and random, as the Python SDK sends a trace it did not sample.
    let incoming = HashMap::from([(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02".to_owned(),
    )]);
    let parent = w3c.extract(&incoming);
    assert_eq!(parent.span().span_context().trace_flags(), TraceFlags::new(0x02));

    let provider = SdkTracerProvider::builder()
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)))
        .build();
    let span = provider.tracer("t").start_with_context("child", &parent);
    let child = parent.with_span(span);
    assert!(
        !child.span().span_context().is_sampled(),
        "the parent's decision holds"
    );
    let mut onwards = HashMap::new();
    w3c.inject_context(&child, &mut onwards);
    let traceparent = &onwards["traceparent"];
    assert!(
        traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
        "{traceparent}"
    );
    assert!(
        traceparent.ends_with("-02"),
        "random kept, sampled not set: {traceparent}"
    );

    // And a trace without it does not gain it.
    let plain = w3c.extract(&HashMap::from([(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    )]));
    let mut onwards = HashMap::new();
    w3c.inject_context(&plain, &mut onwards);
    assert!(
        onwards["traceparent"].ends_with("-01"),
        "{}",
        onwards["traceparent"]
    );
}
