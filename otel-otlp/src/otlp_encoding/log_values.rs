//! The log API's `AnyValue`s (a log body and log attributes): the scalars, bytes, and
//! lists and maps nested to any depth up to [`MAX_DEPTH`].

use opentelemetry::logs::AnyValue;

use super::attributes::{self, ARRAY_VALUE, KVLIST_VALUE, Scalar, Unencodable, VALUES};
use super::wire;

/// How deep lists and maps may nest. A deeper value is left out (and counted), never a
/// stack overflow: prost's decoders, the collectors', refuse messages nested past 100.
pub(super) const MAX_DEPTH: usize = 32;

fn scalar(value: &AnyValue) -> Option<Scalar<'_>> {
    Some(match value {
        AnyValue::String(s) => Scalar::String(s.as_str().as_bytes()),
        AnyValue::Boolean(b) => Scalar::Bool(*b),
        AnyValue::Int(i) => Scalar::Int(*i),
        AnyValue::Double(f) => Scalar::Double(*f),
        AnyValue::Bytes(b) => Scalar::Bytes(b.as_slice()),
        _ => return None,
    })
}

/// The body of an `AnyValue` holding `value`, nested `depth` deep.
pub(super) fn any_value(buf: &mut Vec<u8>, value: &AnyValue, depth: usize) -> Result<(), Unencodable> {
    if let Some(s) = scalar(value) {
        s.write(buf);
        return Ok(());
    }
    if depth >= MAX_DEPTH {
        return Err(Unencodable);
    }
    match value {
        AnyValue::ListAny(list) => {
            let array = wire::begin(buf, ARRAY_VALUE, 1);
            for item in list.iter() {
                let element = wire::begin(buf, VALUES, 1);
                any_value(buf, item, depth + 1)?;
                wire::end(buf, element);
            }
            wire::end(buf, array);
        }
        AnyValue::Map(map) => {
            let list = wire::begin(buf, KVLIST_VALUE, 1);
            for (k, v) in map.iter() {
                key_value(buf, VALUES, k.as_str(), v, depth + 1)?;
            }
            wire::end(buf, list);
        }
        _ => return Err(Unencodable),
    }
    Ok(())
}

/// One `KeyValue` field under `tag`, nested `depth` deep; nothing is written when the
/// value has no OTLP form.
pub(super) fn key_value(
    buf: &mut Vec<u8>,
    tag: u32,
    key: &str,
    value: &AnyValue,
    depth: usize,
) -> Result<(), Unencodable> {
    match scalar(value) {
        Some(s) => {
            attributes::scalar_key_value(buf, tag, key, s);
            Ok(())
        }
        None => attributes::nested_key_value(buf, tag, key, |buf| any_value(buf, value, depth)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> AnyValue {
        let mut value = AnyValue::Int(1);
        for _ in 0..depth {
            value = AnyValue::ListAny(Box::new(vec![value]));
        }
        value
    }

    #[test]
    fn values_nested_past_the_limit_are_left_out_whole() {
        let mut buf = Vec::new();
        assert!(key_value(&mut buf, 6, "ok", &nested(MAX_DEPTH), 0).is_ok());
        let written = buf.len();
        assert!(key_value(&mut buf, 6, "deep", &nested(MAX_DEPTH + 1), 0).is_err());
        assert_eq!(buf.len(), written, "nothing of the deep value is left");
        // Refused at the limit, not after walking it all.
        assert!(key_value(&mut buf, 6, "deeper", &nested(1000), 0).is_err());
    }
}
