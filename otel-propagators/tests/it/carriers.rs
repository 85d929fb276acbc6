//! Carriers for non-HTTP transports, with an explicit propagator (nothing global):
//! byte-valued message headers in both directions.

use std::collections::HashMap;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::{Extractor as _, Injector as _, TextMapPropagator as _};
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{IdGenerator as _, RandomIdGenerator};
use otel_kit_propagators::{MessageHeaders, MessageHeadersMut, PropagatorName, Propagators};

fn random_parent() -> SpanContext {
    let ids = RandomIdGenerator::default();
    SpanContext::new(
        ids.new_trace_id(),
        ids.new_span_id(),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    )
}

#[test]
fn message_headers_round_trip_every_propagator() {
    let all = [
        PropagatorName::TraceContext,
        PropagatorName::Baggage,
        PropagatorName::B3,
        PropagatorName::B3Multi,
    ];
    for name in all {
        let propagators = Propagators::new([name]);
        let parent = random_parent();
        let tenant = format!("t-{}", parent.span_id());
        let cx = Context::new()
            .with_remote_span_context(parent.clone())
            .with_baggage([KeyValue::new("tenant", tenant.clone())]);

        let mut headers: Vec<(String, Vec<u8>)> =
            vec![("content-type".to_owned(), b"application/json".to_vec())];
        propagators.inject_context(&cx, &mut MessageHeadersMut::new(&mut headers));
        assert_eq!(headers[0].0, "content-type", "{name}: existing headers are kept");
        assert!(headers.len() > 1, "{name}: nothing injected");

        let back = propagators.extract_with_context(&Context::new(), &MessageHeaders::new(&headers));
        if name == PropagatorName::Baggage {
            assert_eq!(
                back.baggage().get("tenant").map(|v| v.as_str()),
                Some(tenant.as_str())
            );
            assert!(!back.span().span_context().is_valid());
        } else {
            assert_eq!(back.span().span_context().trace_id(), parent.trace_id(), "{name}");
            assert_eq!(back.span().span_context().span_id(), parent.span_id(), "{name}");
            assert!(back.span().span_context().is_sampled(), "{name}");
            assert!(back.baggage().is_empty(), "{name} carries no baggage");
        }
    }
}

#[test]
fn reinjecting_replaces_stale_headers_in_any_case() {
    let propagators = Propagators::new([PropagatorName::TraceContext]);
    let first = random_parent();
    let second = random_parent();
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    propagators.inject_context(
        &Context::new().with_remote_span_context(first),
        &mut MessageHeadersMut::new(&mut headers),
    );
    // A hand-written duplicate in another case, as a forwarding proxy might leave.
    headers.push(("TraceParent".to_owned(), b"00-stale".to_vec()));
    propagators.inject_context(
        &Context::new().with_remote_span_context(second.clone()),
        &mut MessageHeadersMut::new(&mut headers),
    );
    let traceparents = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("traceparent"))
        .count();
    assert_eq!(traceparents, 1);
    let back = propagators.extract_with_context(&Context::new(), &MessageHeaders::new(&headers));
    assert_eq!(back.span().span_context().span_id(), second.span_id());
}

#[test]
fn non_utf8_values_are_ignored_and_keys_match_in_any_case() {
    let parent = random_parent();
    let traceparent = format!("00-{}-{}-01", parent.trace_id(), parent.span_id());
    let headers: Vec<(String, Vec<u8>)> = vec![
        ("traceparent".to_owned(), vec![0xc3, 0x28]),
        ("TRACEPARENT".to_owned(), traceparent.clone().into_bytes()),
        ("baggage".to_owned(), vec![0xff]),
        ("Baggage".to_owned(), b"a=1".to_vec()),
        ("BAGGAGE".to_owned(), b"b=2".to_vec()),
    ];
    let reader = MessageHeaders::new(&headers);
    assert_eq!(reader.get("TraceParent"), Some(traceparent.as_str()));
    assert_eq!(reader.get_all("baggage"), Some(vec!["a=1", "b=2"]));
    assert_eq!(reader.get("missing"), None);
    assert_eq!(reader.get_all("missing"), None);
    assert_eq!(reader.keys().len(), headers.len());

    let cx = Propagators::default().extract_with_context(&Context::new(), &reader);
    assert_eq!(cx.span().span_context().span_id(), parent.span_id());
    assert_eq!(cx.baggage().len(), 2);

    let only_binary: Vec<(&str, &[u8])> = vec![("traceparent", &[0x80, 0x81])];
    let cx = Propagators::default().extract_with_context(&Context::new(), &MessageHeaders::new(&only_binary));
    assert!(!cx.span().span_context().is_valid());
}

#[test]
fn message_headers_work_with_other_key_and_value_types() {
    // `&str` keys and `&[u8]` values for reading; `String` / `Vec<u8>` for writing.
    let parent = random_parent();
    let value = format!("{}-{}-1", parent.trace_id(), parent.span_id());
    let borrowed: Vec<(&str, &[u8])> = vec![("b3", value.as_bytes())];
    let cx = Propagators::new([PropagatorName::B3])
        .extract_with_context(&Context::new(), &MessageHeaders::new(&borrowed));
    assert_eq!(cx.span().span_context().trace_id(), parent.trace_id());

    let mut written: Vec<(String, Vec<u8>)> = Vec::new();
    let mut writer = MessageHeadersMut::new(&mut written);
    writer.reserve(2);
    writer.set("x", "1".to_owned());
    writer.set("X", "2".to_owned());
    assert_eq!(written, [("X".to_owned(), b"2".to_vec())]);
}

#[test]
fn string_maps_round_trip() {
    let propagators = Propagators::default();
    let parent = random_parent();
    let cx = Context::new()
        .with_remote_span_context(parent.clone())
        .with_baggage([KeyValue::new("k", "v")]);
    let mut map = HashMap::new();
    propagators.inject_context(&cx, &mut map);
    let back = propagators.extract_with_context(&Context::new(), &map);
    assert_eq!(back.span().span_context().trace_id(), parent.trace_id());
    assert_eq!(back.baggage().get("k").map(|v| v.as_str()), Some("v"));
}
