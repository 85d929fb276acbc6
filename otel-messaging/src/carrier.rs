//! Reading trace context from message headers that anyone may have written:
//! [`BoundedExtractor`] over any [`HeaderSource`].
//!
//! A message's headers come from whoever published it, through intermediaries that may
//! copy, append or rename them. The extractor the propagators read through:
//!
//! - matches names in any ASCII case (`traceparent`, `Traceparent` as Go's `http.Header`
//!   writes it), the exact spelling first;
//! - ignores a value longer than [`MAX_VALUE_BYTES`] or not UTF-8, as if absent, and a
//!   value repeated identically (a header appended twice) counts once;
//! - answers `get` only when one value is left: two different `traceparent`s are
//!   ambiguous and read as none, so the consumer starts a new trace rather than pick one
//!   by chance;
//! - reads a name not at all when its values number more than [`MAX_VALUES`] or total
//!   more than [`MAX_TOTAL_BYTES`] (a part could tell a different story than the whole);
//!   `keys` answers at most [`MAX_KEYS`] names.
//!
//! So reading a message's context costs time linear in its headers and memory bounded
//! by these constants, whatever the headers hold; a malformed `traceparent` is left to
//! the propagator, which reads it as no context.
//!
//! ```
//! use std::ops::ControlFlow;
//!
//! use opentelemetry::propagation::Extractor as _;
//! use otel_kit_messaging::carrier::{BoundedExtractor, HeaderSource};
//!
//! /// Headers as a list of pairs.
//! struct Pairs(Vec<(&'static str, &'static str)>);
//!
//! impl HeaderSource for Pairs {
//!     fn for_each_value<'a>(&'a self, name: &str, each: &mut dyn FnMut(&'a [u8]) -> ControlFlow<()>) {
//!         for (key, value) in &self.0 {
//!             if key.eq_ignore_ascii_case(name) && each(value.as_bytes()).is_break() {
//!                 return;
//!             }
//!         }
//!     }
//!     fn for_each_name<'a>(&'a self, each: &mut dyn FnMut(&'a str) -> ControlFlow<()>) {
//!         for (key, _) in &self.0 {
//!             if each(key).is_break() {
//!                 return;
//!             }
//!         }
//!     }
//! }
//!
//! let headers = Pairs(vec![("Baggage", "a=1"), ("baggage", "b=2"), ("baggage", "b=2"), ("traceparent", "x"), ("TRACEPARENT", "y")]);
//! let extractor = BoundedExtractor::new(&headers);
//! assert_eq!(extractor.get_all("baggage"), Some(vec!["a=1", "b=2"]));
//! assert_eq!(extractor.get("traceparent"), None, "two different values: ambiguous");
//! ```

use std::ops::ControlFlow;

use opentelemetry::propagation::Extractor;

/// The longest header value read, in bytes: the W3C baggage limit, longer than any
/// valid `traceparent` (55) or `tracestate` (512 recommended). A longer one is ignored.
///
/// ```
/// assert_eq!(otel_kit_messaging::carrier::MAX_VALUE_BYTES, 8192);
/// ```
pub const MAX_VALUE_BYTES: usize = 8192;

/// The most distinct values a name may have to be read: the W3C baggage member limit.
///
/// ```
/// assert_eq!(otel_kit_messaging::carrier::MAX_VALUES, 64);
/// ```
pub const MAX_VALUES: usize = 64;

/// The most bytes a name's distinct values may total to be read: the W3C baggage limit.
///
/// ```
/// assert_eq!(otel_kit_messaging::carrier::MAX_TOTAL_BYTES, 8192);
/// ```
pub const MAX_TOTAL_BYTES: usize = 8192;

/// The most header names `keys` returns.
///
/// ```
/// assert_eq!(otel_kit_messaging::carrier::MAX_KEYS, 64);
/// ```
pub const MAX_KEYS: usize = 64;

/// Message headers as a client holds them: each adapter implements this over its
/// client's header type (NATS's `HeaderMap`, AMQP's field table).
pub trait HeaderSource {
    /// Calls `each` with every value of header `name`, matched in any ASCII case, in an
    /// order that depends only on the headers (the exact spelling first), until it
    /// returns [`ControlFlow::Break`].
    fn for_each_value<'a>(&'a self, name: &str, each: &mut dyn FnMut(&'a [u8]) -> ControlFlow<()>);

    /// Calls `each` with every header name until it returns [`ControlFlow::Break`].
    fn for_each_name<'a>(&'a self, each: &mut dyn FnMut(&'a str) -> ControlFlow<()>);
}

/// An [`Extractor`] over a [`HeaderSource`] that reads within bounds. See the
/// [module docs](self).
#[derive(Debug, Clone, Copy)]
pub struct BoundedExtractor<'a, H: ?Sized> {
    headers: &'a H,
}

impl<'a, H: HeaderSource + ?Sized> BoundedExtractor<'a, H> {
    /// Reads `headers`.
    pub fn new(headers: &'a H) -> Self {
        Self { headers }
    }
}

/// `value` as text, when it is within bounds.
fn readable(value: &[u8]) -> Option<&str> {
    if value.len() > MAX_VALUE_BYTES {
        return None;
    }
    std::str::from_utf8(value).ok()
}

impl<'a, H: HeaderSource + ?Sized> BoundedExtractor<'a, H> {
    /// The distinct readable values of `key`, in order; `None` when there are none, or
    /// more than the bounds allow (the name is then not read at all: a part of it could
    /// tell a different story than the whole).
    fn distinct(&self, key: &str) -> Option<Vec<&'a str>> {
        let mut values: Vec<&'a str> = Vec::new();
        let mut total = 0;
        let mut over = false;
        self.headers.for_each_value(key, &mut |value| {
            let Some(value) = readable(value) else {
                return ControlFlow::Continue(());
            };
            if values.contains(&value) {
                return ControlFlow::Continue(());
            }
            total += value.len();
            values.push(value);
            if values.len() > MAX_VALUES || total > MAX_TOTAL_BYTES {
                over = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        (!over && !values.is_empty()).then_some(values)
    }

    /// The value of `key` when all its readable values agree (see the
    /// [module docs](self)); what [`Extractor::get`] answers, borrowed from the headers.
    pub fn value(&self, key: &str) -> Option<&'a str> {
        match self.distinct(key)?.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The distinct readable values of `key`, within [`MAX_VALUES`] and
    /// [`MAX_TOTAL_BYTES`]; what [`Extractor::get_all`] answers.
    pub fn values(&self, key: &str) -> Option<Vec<&'a str>> {
        self.distinct(key)
    }

    /// The header names, at most [`MAX_KEYS`]; what [`Extractor::keys`] answers.
    pub fn names(&self) -> Vec<&'a str> {
        let mut keys = Vec::new();
        self.headers.for_each_name(&mut |name| {
            keys.push(name);
            if keys.len() == MAX_KEYS {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        keys
    }
}

impl<H: HeaderSource + ?Sized> Extractor for BoundedExtractor<'_, H> {
    fn get(&self, key: &str) -> Option<&str> {
        self.value(key)
    }

    fn keys(&self) -> Vec<&str> {
        self.names()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        self.values(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pairs(Vec<(String, Vec<u8>)>);

    impl HeaderSource for Pairs {
        fn for_each_value<'a>(&'a self, name: &str, each: &mut dyn FnMut(&'a [u8]) -> ControlFlow<()>) {
            for (key, value) in &self.0 {
                if key.eq_ignore_ascii_case(name) && each(value).is_break() {
                    return;
                }
            }
        }

        fn for_each_name<'a>(&'a self, each: &mut dyn FnMut(&'a str) -> ControlFlow<()>) {
            for (key, _) in &self.0 {
                if each(key).is_break() {
                    return;
                }
            }
        }
    }

    fn pairs(list: &[(&str, &[u8])]) -> Pairs {
        Pairs(list.iter().map(|(k, v)| ((*k).to_owned(), v.to_vec())).collect())
    }

    #[test]
    fn a_repeated_equal_value_is_read_once_and_differing_ones_are_not() {
        let same = pairs(&[("traceparent", b"v"), ("Traceparent", b"v")]);
        assert_eq!(BoundedExtractor::new(&same).get("traceparent"), Some("v"));
        assert_eq!(
            BoundedExtractor::new(&same).get_all("traceparent"),
            Some(vec!["v"])
        );
        let differing = pairs(&[("traceparent", b"v"), ("traceparent", b"w")]);
        assert_eq!(BoundedExtractor::new(&differing).get("traceparent"), None);
        assert_eq!(
            BoundedExtractor::new(&differing).get_all("traceparent"),
            Some(vec!["v", "w"])
        );
    }

    #[test]
    fn oversized_and_binary_values_are_absent() {
        let long = vec![b'a'; MAX_VALUE_BYTES + 1];
        let headers = pairs(&[
            ("traceparent", &long),
            ("traceparent", b"\xff\xfe"),
            ("tracestate", b"k=v"),
        ]);
        let extractor = BoundedExtractor::new(&headers);
        assert_eq!(extractor.get("traceparent"), None);
        assert_eq!(extractor.get_all("traceparent"), None);
        assert_eq!(extractor.get("tracestate"), Some("k=v"));
    }

    #[test]
    fn a_name_over_the_bounds_is_not_read_at_all() {
        let value = vec![b'x'; 1000];
        let bulky: Vec<Vec<u8>> = (0..9u8).map(|n| [vec![n], value.clone()].concat()).collect();
        let headers = pairs(
            &bulky
                .iter()
                .map(|v| ("baggage", v.as_slice()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            BoundedExtractor::new(&headers).get_all("baggage"),
            None,
            "9 KB in all"
        );

        let many: Vec<String> = (0..=MAX_VALUES).map(|n| format!("k{n}=v")).collect();
        let headers = pairs(&many.iter().map(|v| ("baggage", v.as_bytes())).collect::<Vec<_>>());
        assert_eq!(
            BoundedExtractor::new(&headers).get_all("baggage"),
            None,
            "65 values"
        );
        let fewer = pairs(
            &many[1..]
                .iter()
                .map(|v| ("baggage", v.as_bytes()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            BoundedExtractor::new(&fewer).get_all("baggage").map(|v| v.len()),
            Some(MAX_VALUES)
        );

        let names: Vec<String> = (0..100).map(|n| format!("x-{n}")).collect();
        let headers = pairs(&names.iter().map(|n| (n.as_str(), &b"v"[..])).collect::<Vec<_>>());
        assert_eq!(BoundedExtractor::new(&headers).keys().len(), MAX_KEYS);
    }
}
