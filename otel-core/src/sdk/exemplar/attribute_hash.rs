//! The hashes reservoirs find an attribute set's series by: one for the recording
//! path (the attributes in the order given) and one that ignores order (the exporter's
//! lookup of a data point's set).

use opentelemetry::{KeyValue, Value};

/// The recording path's key: one hashing pass over the attributes as given.
pub(super) fn recording_key(attributes: &[KeyValue]) -> u64 {
    // The shard comes from the top bits, which the word hash leaves weak.
    mix(attributes.iter().fold(0, hash_kv))
}

/// A hash of an attribute set that does not depend on the order of its attributes:
/// the sum of the attributes' own hashes.
pub(super) fn set_hash<'a>(attributes: impl Iterator<Item = &'a KeyValue>) -> u64 {
    attributes.fold(0u64, |sum, kv| sum.wrapping_add(mix(hash_kv(0, kv))))
}

/// Adds an attribute to `h`: its key's bytes, then a tag for the value's type and the
/// value. Written out rather than through `Hash`, which costs several times as much on
/// this path (one call per measurement and attribute).
#[inline]
fn hash_kv(h: u64, kv: &KeyValue) -> u64 {
    let h = add_bytes(h, kv.key.as_str().as_bytes());
    match &kv.value {
        Value::Bool(b) => add(add(h, 1), u64::from(*b)),
        Value::I64(i) => add(add(h, 2), *i as u64),
        Value::F64(f) => add(add(h, 3), f.to_bits()),
        Value::String(s) => add_bytes(add(h, 4), s.as_str().as_bytes()),
        // Rare on a metric: told apart by their text.
        other => add_bytes(add(h, 5), other.to_string().as_bytes()),
    }
}

/// FxHash's step: one word into the hash.
#[inline]
fn add(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The bytes eight at a time, the last word overlapping the one before, then the
/// length (so that overlapping and padding cannot make two texts equal).
#[inline]
fn add_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    if n >= 8 {
        let mut at = 0;
        while at + 8 <= n {
            h = add(h, word(at));
            at += 8;
        }
        if at < n {
            h = add(h, word(n - 8));
        }
    } else if n >= 4 {
        let half = |at: usize| {
            u64::from(u32::from_le_bytes(
                bytes[at..at + 4].try_into().unwrap_or_default(),
            ))
        };
        h = add(h, half(0) | half(n - 4) << 32);
    } else if n > 0 {
        h = add(
            h,
            u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
        );
    }
    add(h, n as u64)
}

/// A finaliser (splitmix64's), so that sums of hashes and the top bits stay well
/// spread.
pub(super) fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_types_that_differ_hash_apart() {
        let texts = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefgh",
            "abcdefghi",
            "abcdefghij0123456",
        ];
        let mut seen = std::collections::HashSet::new();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i..] {
                let kv = KeyValue::new(*a, b.to_string());
                assert!(seen.insert(recording_key(&[kv])), "{a:?} = {b:?} collides");
            }
        }
        let typed = [
            KeyValue::new("k", 1),
            KeyValue::new("k", true),
            KeyValue::new("k", 1.0),
            KeyValue::new("k", "1"),
        ];
        let keys: std::collections::HashSet<_> = typed
            .iter()
            .map(|kv| recording_key(std::slice::from_ref(kv)))
            .collect();
        assert_eq!(keys.len(), typed.len());
        // The middle of a long text counts.
        assert_ne!(
            recording_key(&[KeyValue::new("http.route", "/api/v1/users/{id}/orders")]),
            recording_key(&[KeyValue::new("http.route", "/api/v1/items/{id}/orders")])
        );
    }
}
