//! Strategies for the data the encoders take: attribute values of every type, scopes
//! (a few, so that batches group), resources, span contexts, times.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};
use opentelemetry::{Array, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_sdk::Resource;
use proptest::prelude::*;

/// Any `f64` but NaN, which no struct comparison can equal (the byte comparison
/// covers it: `nan_encodes_as_prost_encodes_it`).
pub(super) fn float() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{INFINITE, NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE
}

/// Text of any characters, empty included, up to a length that crosses the one-byte
/// length boundary (127) now and then.
pub(super) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,12}",
        1 => "[a-z]{100,200}",
        1 => Just(String::new()),
    ]
}

fn string_value() -> impl Strategy<Value = StringValue> {
    text().prop_map(StringValue::from)
}

/// Every attribute value type: the four scalars and an array of each.
pub(super) fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        string_value().prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::I64),
        float().prop_map(Value::F64),
        prop::collection::vec(any::<bool>(), 0..4).prop_map(|v| Value::Array(Array::Bool(v))),
        prop::collection::vec(any::<i64>(), 0..4).prop_map(|v| Value::Array(Array::I64(v))),
        prop::collection::vec(float(), 0..4).prop_map(|v| Value::Array(Array::F64(v))),
        prop::collection::vec(string_value(), 0..4).prop_map(|v| Value::Array(Array::String(v))),
    ]
}

/// Keys, the empty key included (proto3 leaves it out; it must still decode equal).
pub(super) fn key() -> impl Strategy<Value = String> {
    prop_oneof![9 => "[a-z][a-z._]{0,15}", 1 => Just(String::new())]
}

pub(super) fn attributes(max: usize) -> impl Strategy<Value = Vec<KeyValue>> {
    prop::collection::vec((key(), value()), 0..max)
        .prop_map(|kvs| kvs.into_iter().map(|(k, v)| KeyValue::new(k, v)).collect())
}

/// One of a few scopes, some differing only by version, schema URL or attributes, one
/// pair equal but for the order of its attributes (the same scope for OTLP), one pair
/// differing only by an empty or absent version.
pub(super) fn scope() -> impl Strategy<Value = InstrumentationScope> {
    let scopes = [
        InstrumentationScope::builder("otel-kit-http").build(),
        InstrumentationScope::builder("otel-kit-http")
            .with_version("0.1.0")
            .build(),
        InstrumentationScope::builder("otel-kit-http")
            .with_version("0.1.0")
            .with_schema_url("https://opentelemetry.io/schemas/1.40.0")
            .build(),
        InstrumentationScope::builder("db")
            .with_attributes([KeyValue::new("a", 1), KeyValue::new("b", "two")])
            .build(),
        InstrumentationScope::builder("db")
            .with_attributes([KeyValue::new("b", "two"), KeyValue::new("a", 1)])
            .build(),
        InstrumentationScope::builder("")
            .with_attributes([KeyValue::new("list", Value::Array(Array::F64(vec![1.5])))])
            .build(),
        // The same for the logs' grouping (an absent version is an empty one), not for
        // the spans'.
        InstrumentationScope::builder("db").with_version("").build(),
        InstrumentationScope::builder("db").build(),
    ];
    prop::sample::select(scopes.to_vec())
}

pub(super) fn resource() -> impl Strategy<Value = Resource> {
    (attributes(6), prop::option::of("[a-z:/.]{1,30}")).prop_map(|(attributes, schema)| match schema {
        Some(url) => Resource::builder_empty().with_schema_url(attributes, url).build(),
        None => Resource::builder_empty().with_attributes(attributes).build(),
    })
}

/// A W3C trace state, most often empty.
fn trace_state() -> impl Strategy<Value = TraceState> {
    prop_oneof![
        3 => Just(TraceState::NONE),
        1 => prop::collection::vec(("[a-z][a-z0-9_-]{0,8}", "[a-zA-Z0-9]{1,8}"), 1..3).prop_map(|kvs| {
            TraceState::from_key_value(kvs).unwrap_or_default()
        }),
    ]
}

/// Any ids (the invalid all-zero ones included), any trace flags, remote or not.
pub(super) fn span_context() -> impl Strategy<Value = SpanContext> {
    (
        any::<u128>(),
        any::<u64>(),
        any::<u8>(),
        any::<bool>(),
        trace_state(),
    )
        .prop_map(|(trace, span, flags, remote, state)| {
            SpanContext::new(
                TraceId::from(trace),
                SpanId::from(span),
                TraceFlags::new(flags),
                remote,
                state,
            )
        })
}

/// A time since the epoch, or before it (which both encode as 0).
pub(super) fn time() -> impl Strategy<Value = SystemTime> {
    prop_oneof![
        9 => any::<u64>().prop_map(|n| UNIX_EPOCH + Duration::from_nanos(n)),
        1 => (1..u32::MAX).prop_map(|n| UNIX_EPOCH - Duration::from_nanos(u64::from(n))),
    ]
}

/// A dropped count, most often 0.
pub(super) fn count() -> impl Strategy<Value = u32> {
    prop_oneof![3 => Just(0), 1 => any::<u32>()]
}
