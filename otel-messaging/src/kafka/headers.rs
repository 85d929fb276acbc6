//! Trace context in Kafka record headers: [`HeaderExtractor`] reads it by the rule of
//! [`carrier`](crate::carrier), [`HeaderInjector`] writes it.
//!
//! Kafka headers are an ordered list: a name may repeat, and names are case-sensitive.
//! The extractor reads the exact spelling first, then the other spellings in the
//! record's order; a header without a value (null) is skipped. The injector replaces:
//! a field it writes leaves no other header of that name (in any case) behind, so a
//! record never carries two `traceparent`s, which a reader would find ambiguous.
//!
//! ```
//! use opentelemetry::propagation::{Extractor as _, Injector as _};
//! use otel_kit_messaging::kafka::{HeaderExtractor, HeaderInjector};
//! use rdkafka::message::{Header, OwnedHeaders};
//!
//! let mut headers = OwnedHeaders::new().insert(Header { key: "Traceparent", value: Some("stale") });
//! HeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
//! let extractor = HeaderExtractor(headers.as_borrowed());
//! assert_eq!(extractor.get_all("traceparent").map(|v| v.len()), Some(1));
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};

#[cfg(doc)]
use opentelemetry::propagation::Extractor;
use opentelemetry::propagation::Injector;
use otel_kit_core::carrier::HeaderSource;
use rdkafka::message::{BorrowedHeaders, Header, Headers as _, OwnedHeaders};

/// A propagation [`Extractor`] over a record's headers (`message.headers()` of a
/// consumed message, `OwnedHeaders::as_borrowed()` of one being produced), by the rule
/// of [`carrier`](crate::carrier): names in any case, values not UTF-8 skipped, two
/// different values of one name ambiguous, the values read bounded.
#[derive(Clone, Copy)]
pub struct HeaderExtractor<'a>(pub &'a BorrowedHeaders);

impl std::fmt::Debug for HeaderExtractor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("HeaderExtractor").field(&self.0.count()).finish()
    }
}

/// The header at `index`, or `None` past the end or when rdkafka cannot read it: its
/// reader panics on a header name that is not UTF-8, which a hostile producer can send;
/// such a header is skipped here rather than take the consumer down.
fn header(headers: &BorrowedHeaders, index: usize) -> Option<Header<'_, &[u8]>> {
    catch_unwind(AssertUnwindSafe(|| headers.try_get(index)))
        .ok()
        .flatten()
}

fn all(headers: &BorrowedHeaders) -> impl Iterator<Item = Header<'_, &[u8]>> {
    (0..headers.count()).filter_map(move |index| header(headers, index))
}

/// Kafka headers: the exact spelling first, then the others in the record's order.
impl HeaderSource for HeaderExtractor<'_> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let exact = all(self.0).filter(move |h| h.key == name);
        let others = all(self.0).filter(move |h| h.key != name && h.key.eq_ignore_ascii_case(name));
        exact.chain(others).filter_map(|h| h.value)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        all(self.0).map(|h| h.key)
    }
}

crate::bounded_extractor::extractor_by_carrier_rule!(HeaderExtractor);

/// A propagation [`Injector`] into a record's headers. A field replaces every header of
/// its name, in any case (Kafka's list would otherwise keep both); a field whose name
/// holds a NUL byte (librdkafka's names are C strings) is skipped.
#[derive(Debug)]
pub struct HeaderInjector<'a>(pub &'a mut OwnedHeaders);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if key.contains('\0') {
            return;
        }
        let mut headers = std::mem::take(self.0);
        if all(headers.as_borrowed()).any(|h| h.key.eq_ignore_ascii_case(key)) {
            let kept = all(headers.as_borrowed())
                .filter(|h| !h.key.eq_ignore_ascii_case(key))
                .fold(OwnedHeaders::new(), |kept, h| {
                    kept.insert(Header {
                        key: h.key,
                        value: h.value,
                    })
                });
            headers = kept;
        }
        *self.0 = headers.insert(Header {
            key,
            value: Some(value.as_bytes()),
        });
    }
}
