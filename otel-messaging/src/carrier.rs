//! Reading trace context from message headers that anyone may have written:
//! [`BoundedExtractor`] over any [`HeaderSource`].
//!
//! A message's headers come from whoever published it, through intermediaries that may
//! copy, append or rename them. The extractor the propagators read through:
//!
//! - matches names in any ASCII case (`traceparent`, `Traceparent` as Go's `http.Header`
//!   writes it), the exact spelling first;
//! - ignores a value longer than [`MAX_VALUE_BYTES`] or not UTF-8, as if absent;
//! - answers `get` only when the name's values agree: a header repeated with the same
//!   value is read, two different `traceparent`s are ambiguous and read as none, so the
//!   consumer starts a new trace rather than pick one by chance;
//! - gives `get_all` at most [`MAX_VALUES`] values totalling at most [`MAX_TOTAL_BYTES`],
//!   and `keys` at most [`MAX_KEYS`] names.
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
//! let headers = Pairs(vec![("Baggage", "a=1"), ("baggage", "b=2"), ("traceparent", "x"), ("TRACEPARENT", "y")]);
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

/// The most values `get_all` returns for one name: the W3C baggage member limit.
///
/// ```
/// assert_eq!(otel_kit_messaging::carrier::MAX_VALUES, 64);
/// ```
pub const MAX_VALUES: usize = 64;

/// The most bytes `get_all` returns for one name, all values together.
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
    /// The value of `key`, when its values agree (see the [module docs](self)); what
    /// [`Extractor::get`] answers, borrowed from the headers.
    pub fn value(&self, key: &str) -> Option<&'a str> {
        let mut found: Option<&'a str> = None;
        let mut ambiguous = false;
        let mut seen = 0;
        self.headers.for_each_value(key, &mut |value| {
            seen += 1;
            if seen > MAX_VALUES {
                // Past the bound the answer is not read: too many copies to trust one.
                ambiguous = true;
                return ControlFlow::Break(());
            }
            let Some(value) = readable(value) else {
                return ControlFlow::Continue(());
            };
            match found {
                None => found = Some(value),
                Some(first) if first == value => {}
                Some(_) => {
                    ambiguous = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        if ambiguous { None } else { found }
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

    /// The values of `key`, within [`MAX_VALUES`] and [`MAX_TOTAL_BYTES`]; what
    /// [`Extractor::get_all`] answers.
    pub fn values(&self, key: &str) -> Option<Vec<&'a str>> {
        let mut values = Vec::new();
        let mut total = 0;
        self.headers.for_each_value(key, &mut |value| {
            let Some(value) = readable(value) else {
                return ControlFlow::Continue(());
            };
            if total + value.len() > MAX_TOTAL_BYTES {
                return ControlFlow::Break(());
            }
            total += value.len();
            values.push(value);
            if values.len() == MAX_VALUES {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        (!values.is_empty()).then_some(values)
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
    fn a_repeated_equal_value_is_read_and_differing_ones_are_not() {
        let same = pairs(&[("traceparent", b"v"), ("Traceparent", b"v")]);
        assert_eq!(BoundedExtractor::new(&same).get("traceparent"), Some("v"));
        let differing = pairs(&[("traceparent", b"v"), ("traceparent", b"w")]);
        assert_eq!(BoundedExtractor::new(&differing).get("traceparent"), None);
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
    fn get_all_and_keys_are_bounded() {
        let value = vec![b'x'; 1000];
        let many: Vec<(&str, &[u8])> = (0..100).map(|_| ("baggage", value.as_slice())).collect();
        let headers = pairs(&many);
        let extractor = BoundedExtractor::new(&headers);
        let all = extractor.get_all("baggage").expect("values");
        assert_eq!(all.len(), MAX_TOTAL_BYTES / 1000);
        assert_eq!(extractor.keys().len(), MAX_KEYS);

        let small: Vec<(&str, &[u8])> = (0..100).map(|_| ("baggage", &b"k=v"[..])).collect();
        let headers = pairs(&small);
        let extractor = BoundedExtractor::new(&headers);
        assert_eq!(extractor.get_all("baggage").map(|v| v.len()), Some(MAX_VALUES));
        assert_eq!(
            extractor.get("baggage"),
            None,
            "more copies than the bound: not read"
        );
    }
}
