//! `common.v1` and `resource.v1`: attribute values (`AnyValue`), attributes (`KeyValue`),
//! the instrumentation scope, and the resource, which is encoded once when the exporter
//! is given it and copied into every request.

use opentelemetry::{Array, InstrumentationScope, KeyValue, Value};
use prost::encoding::{WireType, encoded_len_varint};

use super::wire;

// `AnyValue`'s oneof.
const STRING_VALUE: u32 = 1;
const BOOL_VALUE: u32 = 2;
const INT_VALUE: u32 = 3;
const DOUBLE_VALUE: u32 = 4;
pub(super) const ARRAY_VALUE: u32 = 5;
#[cfg(feature = "logs")]
pub(super) const KVLIST_VALUE: u32 = 6;
const BYTES_VALUE: u32 = 7;
// `ArrayValue.values` and `KeyValueList.values`.
pub(super) const VALUES: u32 = 1;
const ARRAY_VALUES: u32 = VALUES;
// `KeyValue`.
const KEY: u32 = 1;
const VALUE: u32 = 2;

/// A value with no OTLP form: a variant the API added after the version this encoder
/// knows. Its attribute is left out and counted, never a panic.
#[derive(Debug)]
pub(super) struct Unencodable;

/// The body of an `AnyValue` holding `value`.
pub(super) fn any_value(buf: &mut Vec<u8>, value: &Value) -> Result<(), Unencodable> {
    match value {
        Value::String(s) => wire::bytes_always(buf, STRING_VALUE, s.as_str().as_bytes()),
        Value::Bool(b) => wire::varint_always(buf, BOOL_VALUE, u64::from(*b)),
        Value::I64(i) => wire::varint_always(buf, INT_VALUE, *i as u64),
        Value::F64(f) => wire::fixed64_always(buf, DOUBLE_VALUE, f.to_bits()),
        Value::Array(array) => array_value(buf, array)?,
        _ => return Err(Unencodable),
    }
    Ok(())
}

/// An `ArrayValue` field; each element is an `AnyValue` of known length, written
/// without going back to patch it.
fn array_value(buf: &mut Vec<u8>, array: &Array) -> Result<(), Unencodable> {
    let nested = wire::begin(buf, ARRAY_VALUE, 1);
    match array {
        Array::Bool(values) => {
            for b in values {
                buf.extend_from_slice(&[element_key(), 2, key(BOOL_VALUE, 0), u8::from(*b)]);
            }
        }
        Array::I64(values) => {
            for i in values {
                let v = *i as u64;
                buf.extend_from_slice(&[element_key(), 1 + encoded_len_varint(v) as u8]);
                wire::varint_always(buf, INT_VALUE, v);
            }
        }
        Array::F64(values) => {
            for f in values {
                buf.extend_from_slice(&[element_key(), 9]);
                wire::fixed64_always(buf, DOUBLE_VALUE, f.to_bits());
            }
        }
        Array::String(values) => {
            for s in values {
                let s = s.as_str().as_bytes();
                let body = 1 + encoded_len_varint(s.len() as u64) + s.len();
                buf.push(element_key());
                wire::put_varint(buf, body as u64);
                wire::bytes_always(buf, STRING_VALUE, s);
            }
        }
        _ => return Err(Unencodable),
    }
    wire::end(buf, nested);
    Ok(())
}

/// The key byte of a field with a tag below 16.
const fn key(tag: u32, wire_type: u8) -> u8 {
    ((tag << 3) as u8) | wire_type
}

/// The key of one `ArrayValue.values` element (length-delimited).
const fn element_key() -> u8 {
    key(ARRAY_VALUES, 2)
}

/// A value whose `AnyValue` length is known before it is written: every type but the
/// arrays and maps.
#[derive(Clone, Copy)]
pub(super) enum Scalar<'a> {
    String(&'a [u8]),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Only the log API has bytes.
    #[cfg_attr(not(feature = "logs"), allow(dead_code))]
    Bytes(&'a [u8]),
}

impl Scalar<'_> {
    /// The length of the `AnyValue` holding it.
    #[inline(always)]
    fn any_value_len(self) -> usize {
        match self {
            Scalar::String(s) | Scalar::Bytes(s) => wire::field_len(s.len()),
            Scalar::Bool(_) => 2,
            Scalar::Int(i) => 1 + encoded_len_varint(i as u64),
            Scalar::Double(_) => 9,
        }
    }

    /// The body of the `AnyValue` holding it.
    #[inline(always)]
    pub(super) fn write(self, buf: &mut Vec<u8>) {
        match self {
            Scalar::String(s) => wire::bytes_always(buf, STRING_VALUE, s),
            Scalar::Bool(b) => wire::varint_always(buf, BOOL_VALUE, u64::from(b)),
            Scalar::Int(i) => wire::varint_always(buf, INT_VALUE, i as u64),
            Scalar::Double(f) => wire::fixed64_always(buf, DOUBLE_VALUE, f.to_bits()),
            Scalar::Bytes(b) => wire::bytes_always(buf, BYTES_VALUE, b),
        }
    }
}

/// One `KeyValue` field under `tag`; nothing is written when the value has no OTLP form.
#[inline]
pub(super) fn key_value(buf: &mut Vec<u8>, tag: u32, key: &str, value: &Value) -> Result<(), Unencodable> {
    let scalar = match value {
        Value::String(s) => Scalar::String(s.as_str().as_bytes()),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::I64(i) => Scalar::Int(*i),
        Value::F64(f) => Scalar::Double(*f),
        _ => return nested_key_value(buf, tag, key, |buf| any_value(buf, value)),
    };
    scalar_key_value(buf, tag, key, scalar);
    Ok(())
}

/// A `KeyValue` holding a scalar: its lengths are known before it is written, so they
/// are written first (the common case: no going back). Inlined: it is most of the
/// encoding's work, and its branches fold once the value's type is known.
#[inline(always)]
pub(super) fn scalar_key_value(buf: &mut Vec<u8>, tag: u32, key: &str, value: Scalar<'_>) {
    let value_len = value.any_value_len();
    let key_len = if key.is_empty() {
        0
    } else {
        wire::field_len(key.len())
    };
    let body = key_len + wire::field_len(value_len);
    if body < 0x80 && tag < 16 {
        short_key_value(buf, tag, key, value, body as u8, value_len as u8);
        return;
    }
    buf.reserve(2 + encoded_len_varint(body as u64) + body);
    wire::put_key(buf, tag, WireType::LengthDelimited);
    wire::put_varint(buf, body as u64);
    wire::bytes(buf, KEY, key.as_bytes());
    wire::put_key(buf, VALUE, WireType::LengthDelimited);
    wire::put_varint(buf, value_len as u64);
    value.write(buf);
}

/// [`scalar_key_value`] when the `KeyValue`'s body is below 128 bytes and its tag below
/// 16 (most attributes: key and value together under about 120 bytes): every key and
/// length in it is then one byte, and the framing is copied in pieces rather than
/// pushed a byte at a time, each push checking the capacity.
#[inline(always)]
fn short_key_value(buf: &mut Vec<u8>, tag: u32, key: &str, value: Scalar<'_>, body: u8, value_len: u8) {
    debug_assert!(body < 0x80 && key.len() < 0x80 && value_len < 0x80);
    buf.reserve(2 + usize::from(body));
    let field = self::key(tag, 2);
    if key.is_empty() {
        buf.extend_from_slice(&[field, body]);
    } else {
        buf.extend_from_slice(&[field, body, self::key(KEY, 2), key.len() as u8]);
        buf.extend_from_slice(key.as_bytes());
    }
    match value {
        Scalar::String(s) => {
            buf.extend_from_slice(&[
                self::key(VALUE, 2),
                value_len,
                self::key(STRING_VALUE, 2),
                s.len() as u8,
            ]);
            buf.extend_from_slice(s);
        }
        _ => {
            buf.extend_from_slice(&[self::key(VALUE, 2), value_len]);
            value.write(buf);
        }
    }
}

/// A `KeyValue` whose value's length is known only once `write` has written its
/// `AnyValue` body; nothing is left written when `write` fails.
pub(super) fn nested_key_value(
    buf: &mut Vec<u8>,
    tag: u32,
    key: &str,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), Unencodable>,
) -> Result<(), Unencodable> {
    let start = buf.len();
    let kv = wire::begin(buf, tag, 1);
    wire::bytes(buf, KEY, key.as_bytes());
    let any = wire::begin(buf, VALUE, 1);
    if let Err(e) = write(buf) {
        buf.truncate(start);
        return Err(e);
    }
    wire::end(buf, any);
    wire::end(buf, kv);
    Ok(())
}

/// Every attribute as a `KeyValue` field under `tag`. Returns how many were left out
/// for having no OTLP form (the caller adds them to the message's dropped count).
#[inline]
pub(super) fn attributes(buf: &mut Vec<u8>, tag: u32, attributes: &[KeyValue]) -> u32 {
    let mut dropped = 0;
    for kv in attributes {
        if key_value(buf, tag, kv.key.as_str(), &kv.value).is_err() {
            dropped += 1;
        }
    }
    dropped
}

/// An `InstrumentationScope` field under `tag`, named `name` (the logs give a record's
/// target as the name). Returns how many attributes were left out.
pub(super) fn scope(buf: &mut Vec<u8>, tag: u32, scope: &InstrumentationScope, name: &str) -> u32 {
    let nested = wire::begin(buf, tag, 1);
    wire::bytes(buf, 1, name.as_bytes());
    wire::bytes(buf, 2, scope.version().unwrap_or_default().as_bytes());
    let mut dropped = 0;
    for kv in scope.attributes() {
        if key_value(buf, 3, kv.key.as_str(), &kv.value).is_err() {
            dropped += 1;
        }
    }
    wire::varint(buf, 4, u64::from(dropped));
    wire::end(buf, nested);
    dropped
}

/// The resource as the exporters send it: its `Resource` field (tag 1 of
/// `ResourceSpans`, `ResourceLogs` and `ResourceMetrics` alike) encoded once, when the
/// SDK hands the exporter the resource, and its schema URL.
#[derive(Debug, Default, Clone)]
pub(super) struct EncodedResource {
    pub(super) field: Vec<u8>,
    pub(super) schema_url: Box<str>,
    /// Attributes left out for having no OTLP form.
    pub(super) dropped: u32,
}

impl EncodedResource {
    /// Encodes `resource` in place of the one held, keeping the buffer.
    pub(super) fn set(&mut self, resource: &opentelemetry_sdk::Resource) {
        let field = &mut self.field;
        field.clear();
        let nested = wire::begin(field, 1, 2);
        let mut dropped = 0;
        for (k, v) in resource.iter() {
            if key_value(field, 1, k.as_str(), v).is_err() {
                dropped += 1;
            }
        }
        wire::varint(field, 2, u64::from(dropped));
        wire::end(field, nested);
        let schema_url = resource.schema_url().unwrap_or_default();
        if *self.schema_url != *schema_url {
            self.schema_url = schema_url.into();
        }
        self.dropped = dropped;
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::common::v1::{
        AnyValue, KeyValue as ProtoKeyValue, any_value::Value as V,
    };

    use super::*;

    fn prosts(tag: u32, key: &str, value: V) -> Vec<u8> {
        let kv = ProtoKeyValue {
            key: key.into(),
            value: Some(AnyValue { value: Some(value) }),
            ..Default::default()
        };
        let mut buf = Vec::new();
        prost::encoding::message::encode(tag, &kv, &mut buf);
        buf
    }

    /// Every scalar type, the empty key, and bodies on both sides of one length byte
    /// (126 to 129 bytes): the short path and the general one write prost's bytes.
    #[test]
    fn both_sides_of_a_one_byte_body_are_prosts() {
        let texts: Vec<String> = (0..=130).map(|n| "s".repeat(n)).collect();
        let (mut short, mut long) = (0, 0);
        for tag in [1, 9] {
            for k in (0..=10).chain(100..=130) {
                let key = "k".repeat(k);
                let mut cases = vec![
                    (Scalar::Bool(true), V::BoolValue(true)),
                    (Scalar::Int(-1), V::IntValue(-1)),
                    (Scalar::Int(1), V::IntValue(1)),
                    (Scalar::Double(0.5), V::DoubleValue(0.5)),
                ];
                for s in &texts {
                    cases.push((Scalar::String(s.as_bytes()), V::StringValue(s.clone())));
                    cases.push((Scalar::Bytes(s.as_bytes()), V::BytesValue(s.clone().into_bytes())));
                }
                for (scalar, value) in cases {
                    let mut ours = Vec::new();
                    scalar_key_value(&mut ours, tag, &key, scalar);
                    assert_eq!(ours, prosts(tag, &key, value), "tag {tag}, a key of {k} bytes");
                    if ours[1] < 0x80 {
                        short += 1;
                    } else {
                        long += 1;
                    }
                }
            }
        }
        assert!(short > 1000 && long > 1000, "{short} short, {long} long");
    }
}
