//! Reading propagation headers by one rule, whatever holds them: [`BoundedExtractor`]
//! over any [`HeaderSource`] (an `http::HeaderMap`, which also carries gRPC metadata;
//! a slice of `(name, value)` pairs; a string map; NATS and AMQP headers through their
//! adapters in otel-kit-messaging).
//!
//! # The rule
//!
//! - **Names** match in any ASCII case (HTTP names are case-insensitive; a Go producer
//!   writes `Traceparent` into NATS or AMQP headers, whose maps are case-sensitive):
//!   the exact spelling's values first, then the other spellings', in an order that
//!   depends only on the headers (the source's own order when it has one, else the byte
//!   order of the names), never on a hash map's.
//! - **Values** that are not UTF-8 are skipped, as if absent. The others are borrowed,
//!   never copied, and passed on whole: the propagators bound what they read of one (a
//!   `traceparent` is read to its 55th byte, as W3C asks of a later version; baggage to
//!   its 8192nd).
//! - **Repeats**: the values read of a name are its readable values in order, up to and
//!   including the one that takes them past [`MAX_TOTAL_BYTES`] (8192, the W3C baggage
//!   limit, counting a `,` between values); later ones are not read. `get_all` answers
//!   them all, repeats included: repeated `tracestate` and `baggage` headers combine
//!   into one list, as W3C and HTTP say, and a propagator that must see only one
//!   `traceparent` sees them all. `get` answers a name only when every value read of it
//!   is the same (a relay that appended a header twice still sent one value); two
//!   different values are ambiguous and read as none, so the receiver starts a new
//!   trace rather than pick one by chance.
//! - `keys` answers at most [`MAX_KEYS`] names.
//!
//! So reading costs time linear in the headers and memory bounded by these constants,
//! and bad input (binary values, odd names, a megabyte header) never panics: what is
//! malformed is left to the propagator, which reads it as no context.
//!
//! ```
//! use opentelemetry::propagation::Extractor as _;
//! use otel_kit_core::__private::carrier::BoundedExtractor;
//!
//! let headers = [
//!     ("baggage", &b"a=1"[..]),
//!     ("Baggage", b"b=2"),
//!     ("traceparent", b"00-1"),
//!     ("TRACEPARENT", b"00-2"),
//!     ("tracestate", b"\xff"),
//! ];
//! let extractor = BoundedExtractor::new(&headers[..]);
//! assert_eq!(extractor.get_all("baggage"), Some(vec!["a=1", "b=2"]), "one list");
//! assert_eq!(extractor.get("traceparent"), None, "two different values: ambiguous");
//! assert_eq!(extractor.get("tracestate"), None, "not UTF-8");
//! ```

use std::collections::HashMap;
use std::hash::BuildHasher;

use http::{HeaderMap, HeaderName};
use opentelemetry::propagation::Extractor;

/// The most bytes of a name's values read, counting a separator between values: the
/// W3C baggage limit. The value that crosses it is still read, whole; later ones are
/// not.
///
/// ```
/// assert_eq!(otel_kit_core::__private::carrier::MAX_TOTAL_BYTES, 8192);
/// ```
pub const MAX_TOTAL_BYTES: usize = 8192;

/// The most header names `keys` answers.
///
/// ```
/// assert_eq!(otel_kit_core::__private::carrier::MAX_KEYS, 64);
/// ```
pub const MAX_KEYS: usize = 64;

/// Headers as a client holds them, for [`BoundedExtractor`]: each adapter implements
/// this over its client's header type.
pub trait HeaderSource {
    /// Every value of header `name`, matched in any ASCII case: the exact spelling's
    /// first, then the other spellings' in an order that depends only on the headers.
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]>;

    /// Every header name, in the source's order.
    fn names(&self) -> impl Iterator<Item = &str>;
}

/// A propagation [`Extractor`] over any [`HeaderSource`], by the rule of the
/// [module docs](self).
#[derive(Debug)]
pub struct BoundedExtractor<'a, H: ?Sized> {
    headers: &'a H,
}

// By hand: derived, they would ask `H` to be `Clone`.
impl<H: ?Sized> Clone for BoundedExtractor<'_, H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H: ?Sized> Copy for BoundedExtractor<'_, H> {}

impl<'a, H: HeaderSource + ?Sized> BoundedExtractor<'a, H> {
    /// Reads `headers`.
    pub fn new(headers: &'a H) -> Self {
        Self { headers }
    }

    /// The values read of `key` (see the [module docs](self)), as text.
    fn read(&self, key: &str) -> impl Iterator<Item = &'a str> {
        let mut total = 0usize;
        self.headers
            .values(key)
            .filter_map(|value| std::str::from_utf8(value).ok())
            .take_while(move |value| {
                // Read while the values before this one (and a separator each) are
                // within the limit: the one that crosses it is read, whole.
                let within = total <= MAX_TOTAL_BYTES;
                total = total.saturating_add(value.len() + 1);
                within
            })
    }

    /// The value of `key` when every value read of it is the same; what
    /// [`Extractor::get`] answers, borrowed from the headers.
    pub fn value(&self, key: &str) -> Option<&'a str> {
        let mut values = self.read(key);
        let first = values.next()?;
        values.all(|value| value == first).then_some(first)
    }

    /// Every value read of `key`, repeats included; what [`Extractor::get_all`] answers.
    pub fn values(&self, key: &str) -> Option<Vec<&'a str>> {
        let values: Vec<&'a str> = self.read(key).collect();
        (!values.is_empty()).then_some(values)
    }

    /// The header names, at most [`MAX_KEYS`]; what [`Extractor::keys`] answers.
    pub fn names(&self) -> Vec<&'a str> {
        self.headers.names().take(MAX_KEYS).collect()
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

/// The header names the propagators of this kit read, built at compile time: looking
/// one up by `&str` would validate and lower-case it byte by byte on every request.
static KNOWN: [HeaderName; 9] = [
    HeaderName::from_static("traceparent"),
    HeaderName::from_static("tracestate"),
    HeaderName::from_static("baggage"),
    HeaderName::from_static("b3"),
    HeaderName::from_static("x-b3-traceid"),
    HeaderName::from_static("x-b3-spanid"),
    HeaderName::from_static("x-b3-parentspanid"),
    HeaderName::from_static("x-b3-sampled"),
    HeaderName::from_static("x-b3-flags"),
];

/// HTTP headers (and gRPC metadata, which tonic keeps in one). The map folds names to
/// lower case, so every spelling is the exact one and values come in the order they
/// were added.
impl HeaderSource for HeaderMap {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let values = match KNOWN.iter().find(|known| known.as_str() == name) {
            Some(known) => self.get_all(known),
            // Any other spelling; a name that is no header name finds nothing.
            None => self.get_all(name),
        };
        values.into_iter().map(http::HeaderValue::as_bytes)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.keys().map(HeaderName::as_str)
    }
}

/// `(name, value)` pairs, as Kafka, AMQP and NATS clients and job payloads carry them:
/// the exact spelling's values in slice order, then the others in slice order.
impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(K, V)] {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let exact = self.iter().filter(move |(key, _)| key.as_ref() == name);
        let others = self.iter().filter(move |(key, _)| {
            let key = key.as_ref();
            key != name && key.eq_ignore_ascii_case(name)
        });
        exact.chain(others).map(|(_, value)| value.as_ref())
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(key, _)| key.as_ref())
    }
}

/// A string map: the exact key first, then the other spellings in byte order of their
/// names (the map's own order changes from run to run).
impl<S: BuildHasher> HeaderSource for HashMap<String, String, S> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let exact = self.get(name);
        // Nearly always empty, and then without an allocation: propagators ask for the
        // lower-case names producers write.
        let mut others: Vec<(&String, &String)> = self
            .iter()
            .filter(|(key, _)| key.as_str() != name && key.eq_ignore_ascii_case(name))
            .collect();
        others.sort_unstable_by(|a, b| a.0.cmp(b.0));
        exact
            .into_iter()
            .chain(others.into_iter().map(|(_, value)| value))
            .map(String::as_bytes)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_past_the_limit_are_not_read() {
        let value = "x".repeat(100);
        let lines: Vec<(&str, &str)> = (0..100).map(|_| ("baggage", value.as_str())).collect();
        let read = BoundedExtractor::new(&lines[..])
            .get_all("baggage")
            .map(|v| v.len());
        // 81 values and their separators are 8180 bytes, within the limit; the 82nd
        // crosses it and is read; the 83rd is not.
        assert_eq!(read, Some(82));
        let long = "y".repeat(3 * MAX_TOTAL_BYTES);
        let lines = [("tracestate", long.as_str()), ("tracestate", "k=v")];
        let extractor = BoundedExtractor::new(&lines[..]);
        assert_eq!(
            extractor.get_all("tracestate"),
            Some(vec![long.as_str()]),
            "read whole"
        );
        assert_eq!(extractor.get("tracestate"), Some(long.as_str()));
    }

    #[test]
    fn a_header_map_reads_known_and_other_names_alike() {
        let mut headers = HeaderMap::new();
        headers.insert("x-b3-traceid", "abc".parse().expect("value"));
        headers.insert("x-custom-trace", "def".parse().expect("value"));
        let extractor = BoundedExtractor::new(&headers);
        assert_eq!(extractor.get("x-b3-traceid"), Some("abc"));
        assert_eq!(extractor.get("X-Custom-Trace"), Some("def"));
        assert_eq!(extractor.get("not a header name"), None);
        assert_eq!(extractor.keys().len(), 2);
    }
}
