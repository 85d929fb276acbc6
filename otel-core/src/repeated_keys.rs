//! A key set twice on one span. The OpenTelemetry API says that setting an attribute
//! whose key is already set overwrites its value; the Rust SDK keeps both
//! (`opentelemetry::trace::Span::set_attribute` says so), and a receiver would read
//! either, though OTLP requires keys to be unique. An instrumentation that corrects an
//! attribute at the end of a span (otel-kit-grpc's `rpc.method`, found to be an unknown
//! method when the call ends) relies on the overwrite: the kit's exporters and its test
//! harness send each key once, with its last value.

use std::borrow::Cow;

use opentelemetry::KeyValue;

/// `attributes` with each repeated key once, holding its last value, in the place of
/// its first; borrowed as they are when no key repeats (the usual case, found without
/// allocating).
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
/// use otel_kit_core::repeated_keys::last_values;
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
    let repeats = attributes.iter().enumerate().any(|(i, kv)| {
        let key = kv.key.as_str();
        attributes[i + 1..].iter().any(|later| later.key.as_str() == key)
    });
    if !repeats {
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
