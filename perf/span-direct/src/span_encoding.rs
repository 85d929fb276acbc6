//! The prototype's OTLP protobuf: one ended span written as a `ScopeSpans.spans` field,
//! and the resource and scope fields written once, when the pipeline is built.
//!
//! The same bytes as otel-kit-otlp's `TraceEncoder` writes for the same span (the
//! equivalence test decodes both): fields in tag order, defaults left out, varints in
//! their shortest form, nested lengths written after their body. otel-kit-otlp keeps its
//! wire primitives private to its `otlp_encoding` module, so the prototype carries its
//! own copy of the few it needs; adopting the design would move this file there.

use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{Event, Link, SpanContext, SpanId, SpanKind, Status};
use opentelemetry::{Array, InstrumentationScope, KeyValue, Value};
use prost::encoding::encoded_len_varint;

/// `Span.flags`: whether the parent (or the linked span) is remote is known, and whether it is.
const HAS_IS_REMOTE: u32 = 0x100;
const IS_REMOTE: u32 = 0x200;
const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

/// What is written of one ended span: the parts the `SpanData` would have held.
#[derive(Debug)]
pub struct EndedSpan<'a> {
    /// The span's own identity.
    pub span_context: &'a SpanContext,
    /// Its parent's span id ([`SpanId::INVALID`] for a root).
    pub parent_span_id: SpanId,
    /// Whether the parent came from another process.
    pub parent_is_remote: bool,
    /// The span's name.
    pub name: &'a str,
    /// The span's kind.
    pub kind: &'a SpanKind,
    /// When it started.
    pub start: SystemTime,
    /// When it ended.
    pub end: SystemTime,
    /// Its attributes, each key once.
    pub attributes: &'a [KeyValue],
    /// Attributes over the limit.
    pub dropped_attributes: u32,
    /// Its events.
    pub events: &'a [Event],
    /// Events over the limit.
    pub dropped_events: u32,
    /// Its links.
    pub links: &'a [Link],
    /// Links over the limit.
    pub dropped_links: u32,
    /// Its status.
    pub status: &'a Status,
}

/// Appends `span` to `out` as one `ScopeSpans.spans` field (tag 2).
pub fn span_field(out: &mut Vec<u8>, span: &EndedSpan<'_>) {
    // Most spans take 128 bytes to 16 KiB.
    let nested = begin(out, 2, 2);
    let context = span.span_context;
    bytes_always(out, 1, &context.trace_id().to_bytes());
    bytes_always(out, 2, &context.span_id().to_bytes());
    bytes(out, 3, context.trace_state().header().as_bytes());
    if span.parent_span_id != SpanId::INVALID {
        bytes_always(out, 4, &span.parent_span_id.to_bytes());
    }
    bytes(out, 5, span.name.as_bytes());
    varint(out, 6, kind(span.kind));
    fixed64(out, 7, nanos(span.start));
    fixed64(out, 8, nanos(span.end));
    let left_out = attributes(out, 9, span.attributes);
    varint(
        out,
        10,
        u64::from(span.dropped_attributes.saturating_add(left_out)),
    );
    for event in span.events {
        let nested = begin(out, 11, 1);
        fixed64(out, 1, nanos(event.timestamp));
        bytes(out, 2, event.name.as_bytes());
        let n = attributes(out, 3, &event.attributes);
        varint(
            out,
            4,
            u64::from(event.dropped_attributes_count.saturating_add(n)),
        );
        end(out, nested);
    }
    varint(out, 12, u64::from(span.dropped_events));
    for link in span.links {
        let nested = begin(out, 13, 1);
        let linked = &link.span_context;
        bytes_always(out, 1, &linked.trace_id().to_bytes());
        bytes_always(out, 2, &linked.span_id().to_bytes());
        bytes(out, 3, linked.trace_state().header().as_bytes());
        let n = attributes(out, 4, &link.attributes);
        varint(out, 5, u64::from(link.dropped_attributes_count.saturating_add(n)));
        fixed32(
            out,
            6,
            u32::from(linked.trace_flags().to_u8()) | remote_flags(linked.is_remote()),
        );
        end(out, nested);
    }
    varint(out, 14, u64::from(span.dropped_links));
    status(out, span.status);
    fixed32(
        out,
        16,
        u32::from(context.trace_flags().to_u8()) | remote_flags(span.parent_is_remote),
    );
    end(out, nested);
}

/// The `ResourceSpans.resource` field (tag 1) of `resource`, written once.
pub fn resource_field(resource: &opentelemetry_sdk::Resource) -> Vec<u8> {
    let mut out = Vec::new();
    let nested = begin(&mut out, 1, 2);
    let mut dropped = 0;
    for (key, value) in resource.iter() {
        if key_value(&mut out, 1, key.as_str(), value).is_err() {
            dropped += 1;
        }
    }
    varint(&mut out, 2, dropped);
    end(&mut out, nested);
    out
}

/// The `ScopeSpans.scope` field (tag 1) of `scope`, written once.
pub fn scope_field(scope: &InstrumentationScope) -> Vec<u8> {
    let mut out = Vec::new();
    let nested = begin(&mut out, 1, 1);
    bytes(&mut out, 1, scope.name().as_bytes());
    bytes(&mut out, 2, scope.version().unwrap_or_default().as_bytes());
    let n = attributes(&mut out, 3, &scope.attributes().cloned().collect::<Vec<_>>());
    varint(&mut out, 4, u64::from(n));
    end(&mut out, nested);
    out
}

/// A string field (`schema_url`, tag 3), left out when empty.
pub fn schema_url_field(url: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    bytes(&mut out, 3, url.unwrap_or_default().as_bytes());
    out
}

/// Writes a length-delimited field's key and length (tag below 16).
pub fn length_prefix(out: &mut Vec<u8>, tag: u32, len: usize) {
    key(out, tag, LEN);
    put_varint(out, len as u64);
}

/// The length of a field's key and length prefix for a body of `len` bytes (tag below 16).
pub fn length_prefix_len(len: usize) -> usize {
    1 + encoded_len_varint(len as u64)
}

fn attributes(out: &mut Vec<u8>, tag: u32, attributes: &[KeyValue]) -> u32 {
    let mut dropped = 0;
    for kv in attributes {
        if key_value(out, tag, kv.key.as_str(), &kv.value).is_err() {
            dropped += 1;
        }
    }
    dropped
}

/// One `KeyValue` field; a value with no OTLP form is left out (`Err`), as the kit's
/// encoder does. A scalar's lengths are known before it is written: written first, the
/// space reserved once (the kit's `scalar_key_value`).
#[inline]
fn key_value(out: &mut Vec<u8>, tag: u32, name: &str, value: &Value) -> Result<(), ()> {
    let scalar = match value {
        Value::String(s) => Scalar::String(s.as_str().as_bytes()),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::I64(i) => Scalar::Int(*i),
        Value::F64(f) => Scalar::Double(*f),
        _ => return nested_key_value(out, tag, name, value),
    };
    let value_len = scalar.any_value_len();
    let key_len = if name.is_empty() { 0 } else { field_len(name.len()) };
    let body = key_len + field_len(value_len);
    out.reserve(2 + encoded_len_varint(body as u64) + body);
    key(out, tag, LEN);
    put_varint(out, body as u64);
    bytes(out, 1, name.as_bytes());
    key(out, 2, LEN);
    put_varint(out, value_len as u64);
    scalar.write(out);
    Ok(())
}

/// A value whose `AnyValue` length is known before it is written.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    String(&'a [u8]),
    Bool(bool),
    Int(i64),
    Double(f64),
}

impl Scalar<'_> {
    #[inline(always)]
    fn any_value_len(self) -> usize {
        match self {
            Scalar::String(s) => field_len(s.len()),
            Scalar::Bool(_) => 2,
            Scalar::Int(i) => 1 + encoded_len_varint(i as u64),
            Scalar::Double(_) => 9,
        }
    }

    #[inline(always)]
    fn write(self, out: &mut Vec<u8>) {
        match self {
            Scalar::String(s) => bytes_always(out, 1, s),
            Scalar::Bool(b) => varint_always(out, 2, u64::from(b)),
            Scalar::Int(i) => varint_always(out, 3, i as u64),
            Scalar::Double(f) => fixed64_always(out, 4, f.to_bits()),
        }
    }
}

/// A `KeyValue` whose value's length is known only once written (arrays).
fn nested_key_value(out: &mut Vec<u8>, tag: u32, name: &str, value: &Value) -> Result<(), ()> {
    let start = out.len();
    let kv = begin(out, tag, 1);
    bytes(out, 1, name.as_bytes());
    let any = begin(out, 2, 1);
    let written = any_value(out, value);
    if written.is_err() {
        out.truncate(start);
        return written;
    }
    end(out, any);
    end(out, kv);
    Ok(())
}

/// The body of an `AnyValue` holding `value`.
fn any_value(out: &mut Vec<u8>, value: &Value) -> Result<(), ()> {
    match value {
        Value::String(s) => bytes_always(out, 1, s.as_str().as_bytes()),
        Value::Bool(b) => varint_always(out, 2, u64::from(*b)),
        Value::I64(i) => varint_always(out, 3, *i as u64),
        Value::F64(f) => fixed64_always(out, 4, f.to_bits()),
        Value::Array(array) => {
            let nested = begin(out, 5, 1);
            let written = array_values(out, array);
            end(out, nested);
            written?;
        }
        _ => return Err(()),
    }
    Ok(())
}

fn array_values(out: &mut Vec<u8>, array: &Array) -> Result<(), ()> {
    let element = |out: &mut Vec<u8>, value: Value| {
        let nested = begin(out, 1, 1);
        let written = any_value(out, &value);
        end(out, nested);
        written
    };
    match array {
        Array::Bool(values) => values.iter().try_for_each(|v| element(out, Value::Bool(*v))),
        Array::I64(values) => values.iter().try_for_each(|v| element(out, Value::I64(*v))),
        Array::F64(values) => values.iter().try_for_each(|v| element(out, Value::F64(*v))),
        Array::String(values) => values
            .iter()
            .try_for_each(|v| element(out, Value::String(v.clone()))),
        _ => Err(()),
    }
}

/// `Span.status`, always present, as opentelemetry-proto sets it.
fn status(out: &mut Vec<u8>, status: &Status) {
    let (code, message) = match status {
        Status::Unset => (0, ""),
        Status::Ok => (1, ""),
        Status::Error { description } => (2, description.as_ref()),
    };
    let nested = begin(out, 15, 1);
    bytes(out, 2, message.as_bytes());
    varint(out, 3, code);
    end(out, nested);
}

fn remote_flags(is_remote: bool) -> u32 {
    if is_remote {
        HAS_IS_REMOTE | IS_REMOTE
    } else {
        HAS_IS_REMOTE
    }
}

fn kind(kind: &SpanKind) -> u64 {
    match kind {
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

fn nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A varint in its shortest form: most are below 128 (keys, short lengths), one push.
#[inline(always)]
fn put_varint(out: &mut Vec<u8>, value: u64) {
    if value < 0x80 {
        out.push(value as u8);
    } else {
        put_long_varint(out, value);
    }
}

fn put_long_varint(out: &mut Vec<u8>, mut value: u64) {
    let mut bytes = [0u8; 10];
    let mut n = 0;
    while value >= 0x80 {
        bytes[n] = (value as u8) | 0x80;
        value >>= 7;
        n += 1;
    }
    bytes[n] = value as u8;
    out.extend_from_slice(&bytes[..=n]);
}

/// A length-delimited field's key, length and body, for a tag below 16.
#[inline]
fn field_len(body: usize) -> usize {
    1 + encoded_len_varint(body as u64) + body
}

#[inline(always)]
fn key(out: &mut Vec<u8>, tag: u32, wire_type: u8) {
    put_varint(out, u64::from((tag << 3) | u32::from(wire_type)));
}

#[inline]
fn varint(out: &mut Vec<u8>, tag: u32, value: u64) {
    if value != 0 {
        varint_always(out, tag, value);
    }
}

#[inline]
fn varint_always(out: &mut Vec<u8>, tag: u32, value: u64) {
    key(out, tag, VARINT);
    put_varint(out, value);
}

#[inline]
fn fixed64(out: &mut Vec<u8>, tag: u32, value: u64) {
    if value != 0 {
        fixed64_always(out, tag, value);
    }
}

#[inline]
fn fixed64_always(out: &mut Vec<u8>, tag: u32, value: u64) {
    key(out, tag, FIXED64);
    out.extend_from_slice(&value.to_le_bytes());
}

#[inline]
fn fixed32(out: &mut Vec<u8>, tag: u32, value: u32) {
    if value != 0 {
        key(out, tag, FIXED32);
        out.extend_from_slice(&value.to_le_bytes());
    }
}

#[inline]
fn bytes(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    if !value.is_empty() {
        bytes_always(out, tag, value);
    }
}

#[inline]
fn bytes_always(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    key(out, tag, LEN);
    put_varint(out, value.len() as u64);
    out.extend_from_slice(value);
}

/// A nested message: where its length goes, and how many bytes were kept for it.
struct Nested {
    length_at: usize,
    kept: usize,
}

#[inline]
fn begin(out: &mut Vec<u8>, tag: u32, kept: usize) -> Nested {
    key(out, tag, LEN);
    let length_at = out.len();
    out.resize(length_at + kept, 0);
    Nested { length_at, kept }
}

#[inline]
fn end(out: &mut Vec<u8>, nested: Nested) {
    let Nested { length_at, kept } = nested;
    let body_at = length_at + kept;
    let body_len = out.len() - body_at;
    let needed = encoded_len_varint(body_len as u64);
    if needed != kept {
        move_body(out, body_at, length_at + needed);
    }
    let mut value = body_len;
    for byte in &mut out[length_at..length_at + needed - 1] {
        *byte = (value as u8) | 0x80;
        value >>= 7;
    }
    out[length_at + needed - 1] = value as u8;
}

/// Moves the bytes from `from` to the end so that they start at `to`.
#[cold]
fn move_body(out: &mut Vec<u8>, from: usize, to: usize) {
    let len = out.len();
    if to > from {
        out.resize(len + (to - from), 0);
        out.copy_within(from..len, to);
    } else {
        out.copy_within(from..len, to);
        out.truncate(len - (from - to));
    }
}
