//! A key set twice on one span. The OpenTelemetry API says that setting an attribute
//! whose key is already set overwrites its value; the Rust SDK keeps both
//! (`opentelemetry::trace::Span::set_attribute` says so), and a receiver would read
//! either, though OTLP requires keys to be unique. An instrumentation that corrects an
//! attribute at the end of a span (otel-kit-grpc's `rpc.method`, found to be an unknown
//! method when the call ends) relies on the overwrite: the kit's exporters and its test
//! harness send each key once, with its last value, for every span that ended in error
//! ([`exported`]). The kit corrects attributes only on such spans (an unknown method is
//! `UNIMPLEMENTED`, an error), and looking for a repeated key costs about 300
//! instructions per span in the encoder, a seventh of encoding it, so the spans that did
//! not fail are sent as the SDK keeps them.

use std::borrow::Cow;

use opentelemetry::KeyValue;
use opentelemetry::trace::Status;

/// The attributes a span is exported with: [`last_values`] when it ended in error (where
/// the kit corrects attributes), else `attributes` as they are.
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::Status;
/// use otel_kit_core::__private::repeated_keys::exported;
///
/// let set = [KeyValue::new("rpc.method", "shop.Orders/Nope"), KeyValue::new("rpc.method", "_OTHER")];
/// assert_eq!(exported(&Status::error(""), &set).len(), 1);
/// assert_eq!(exported(&Status::Ok, &set).len(), 2);
/// ```
pub fn exported<'a>(status: &Status, attributes: &'a [KeyValue]) -> Cow<'a, [KeyValue]> {
    if matches!(status, Status::Error { .. }) {
        last_values(attributes)
    } else {
        Cow::Borrowed(attributes)
    }
}

/// `attributes` with each repeated key once, holding its last value, in the place of
/// its first; borrowed as they are when no key repeats (the usual case, found without
/// allocating).
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
/// use otel_kit_core::__private::repeated_keys::last_values;
///
/// let set = [
///     KeyValue::new("rpc.method", "shop.Orders/Nope"),
///     KeyValue::new("rpc.system.name", "grpc"),
///     KeyValue::new("rpc.method", "_OTHER"),
/// ];
/// assert_eq!(
///     last_values(&set).as_ref(),
///     [KeyValue::new("rpc.method", "_OTHER"), KeyValue::new("rpc.system.name", "grpc")]
/// );
/// assert!(matches!(last_values(&set[..2]), Cow::Borrowed(_)));
/// ```
pub fn last_values(attributes: &[KeyValue]) -> Cow<'_, [KeyValue]> {
    if !repeats(attributes) {
        return Cow::Borrowed(attributes);
    }
    let mut kept: Vec<KeyValue> = Vec::with_capacity(attributes.len());
    for kv in attributes {
        match kept.iter_mut().find(|first| first.key == kv.key) {
            Some(first) => first.value = kv.value.clone(),
            None => kept.push(kv.clone()),
        }
    }
    Cow::Owned(kept)
}

/// The most attributes whose bins [`repeats`] keeps on the stack; a longer list is
/// compared pair by pair.
const BINNED: usize = 64;

/// Whether a key occurs twice. Every exported span asks, so keys are first put in 128
/// bins by their length and two of their bytes: keys in different bins differ, and only
/// keys sharing a bin are compared (comparing every pair took ~410 instructions for a
/// span of 8 attributes in the encoder's benchmark, this ~320).
fn repeats(attributes: &[KeyValue]) -> bool {
    let pairwise = || {
        attributes.iter().enumerate().any(|(i, kv)| {
            let key = kv.key.as_str();
            attributes[i + 1..].iter().any(|later| later.key.as_str() == key)
        })
    };
    if attributes.len() > BINNED {
        return pairwise();
    }
    let mut bins = [0u8; BINNED];
    // Two words, not a u128: a u128 shift costs a dozen instructions on x86-64.
    let mut seen = [0u64; 2];
    let mut shared = false;
    for (slot, kv) in bins.iter_mut().zip(attributes) {
        let key = kv.key.as_str().as_bytes();
        let (last, middle) = (
            key.last().copied().unwrap_or(0),
            key.get(key.len() / 2).copied().unwrap_or(0),
        );
        let bin =
            (key.len().wrapping_mul(31) ^ usize::from(last).wrapping_mul(7) ^ usize::from(middle)) & 127;
        *slot = bin as u8;
        let (word, bit) = (&mut seen[bin >> 6], 1u64 << (bin & 63));
        shared |= *word & bit != 0;
        *word |= bit;
    }
    if !shared {
        return false;
    }
    let bins = &bins[..attributes.len()];
    bins.iter().enumerate().any(|(i, bin)| {
        bins[i + 1..]
            .iter()
            .zip(&attributes[i + 1..])
            .any(|(other, later)| other == bin && later.key == attributes[i].key)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binned test agrees with comparing every pair, on lists with and without a
    /// repeat, short and past the stack's size, with keys that share bins.
    #[test]
    fn binned_repeats_agree_with_pairwise() {
        let keys: Vec<String> = (0..200).map(|i| format!("k{}.{}", i % 13, i)).collect();
        for len in [0, 1, 2, 8, 15, 64, 65, 130] {
            let distinct: Vec<KeyValue> = keys[..len].iter().map(|k| KeyValue::new(k.clone(), 1)).collect();
            assert!(!repeats(&distinct), "{len} distinct keys");
            if len >= 2 {
                for (i, j) in [(0, len - 1), (len / 2, len - 1), (0, 1)]
                    .into_iter()
                    .filter(|(i, j)| i != j)
                {
                    let mut with = distinct.clone();
                    with[j] = KeyValue::new(keys[i].clone(), 2);
                    assert!(repeats(&with), "{len} keys, {j} repeats {i}");
                    assert_eq!(last_values(&with).len(), len - 1);
                }
            }
        }
    }
}
