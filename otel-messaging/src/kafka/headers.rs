//! Trace context in Kafka record headers: [`KafkaHeaderExtractor`] reads it by the rule of
//! [`carrier`](crate::carrier), [`KafkaHeaderInjector`] writes it.
//!
//! Kafka headers are an ordered list: a name may repeat, and names are case-sensitive.
//! The extractor reads the exact spelling first, then the other spellings in the
//! record's order; a header without a value (null) is skipped. The injector replaces:
//! a field it writes leaves no other header of that name (in any case) behind, so a
//! record never carries two `traceparent`s, which a reader would find ambiguous.
//!
//! **A header name that is not UTF-8.** rdkafka 0.39 reads every header name with
//! `CStr::to_str().unwrap()`: a name that is not UTF-8, which any producer can send,
//! panics inside rdkafka, and it offers no other safe accessor. So the extractor reads
//! at most [`MAX_HEADERS`] headers of a record, once, and stops at the first one rdkafka
//! cannot read (one caught panic per record at most, the headers before it kept). A
//! build with `panic = "abort"` cannot catch that panic, so there the adapter reads no
//! header at all (no creation context from records), and says so once when an
//! instrumented consumer or producer is made.
//!
//! ```
//! use opentelemetry::propagation::{Extractor as _, Injector as _};
//! use otel_kit_messaging::kafka::{KafkaHeaderExtractor, KafkaHeaderInjector};
//! use rdkafka::message::{Header, OwnedHeaders};
//!
//! let mut headers = OwnedHeaders::new().insert(Header { key: "Traceparent", value: Some("stale") });
//! KafkaHeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
//! let extractor = KafkaHeaderExtractor::new(headers.as_borrowed());
//! assert_eq!(extractor.get_all("traceparent").map(|v| v.len()), Some(1));
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::carrier::HeaderSource;
#[cfg(doc)]
use opentelemetry::propagation::Extractor;
use opentelemetry::propagation::Injector;
use rdkafka::message::{BorrowedHeaders, Header, Headers as _, OwnedHeaders};

/// The most headers of a record the adapter reads: trace context and baggage are a few,
/// and each read of a hostile name costs rdkafka a panic.
pub const MAX_HEADERS: usize = 64;

/// A propagation [`Extractor`] over a record's headers (`message.headers()` of a
/// consumed message, `OwnedHeaders::as_borrowed()` of one being produced), by the rule
/// of [`carrier`](crate::carrier): names in any case, values not UTF-8 skipped, two
/// different values of one name ambiguous, the values read bounded. Only the first
/// [`MAX_HEADERS`] headers before the first one rdkafka cannot read are seen (rdkafka
/// panics on a header name that is not UTF-8: docs/messaging.md says how the adapter
/// avoids it).
#[derive(Clone, Copy)]
pub struct KafkaHeaderExtractor<'a> {
    headers: &'a BorrowedHeaders,
    /// How many headers, from the first, are read.
    readable: usize,
}

impl<'a> KafkaHeaderExtractor<'a> {
    /// An extractor over `headers`, which it scans once, now.
    pub fn new(headers: &'a BorrowedHeaders) -> Self {
        Self {
            headers,
            readable: readable(headers),
        }
    }
}

impl KafkaHeaderExtractor<'_> {
    /// Whether every header was read: at most [`MAX_HEADERS`], none rdkafka cannot read.
    pub(crate) fn rewritable(&self) -> bool {
        self.readable == self.headers.count()
    }

    /// Whether the record has no header.
    pub(crate) fn is_empty(&self) -> bool {
        self.headers.count() == 0
    }
}

impl std::fmt::Debug for KafkaHeaderExtractor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaHeaderExtractor")
            .field("headers", &self.headers.count())
            .field("readable", &self.readable)
            .finish()
    }
}

/// How many of the first [`MAX_HEADERS`] headers rdkafka reads before the first it
/// cannot: one panic at most, caught. None in a build that aborts on panic, where it
/// could not be caught.
fn readable(headers: &BorrowedHeaders) -> usize {
    if cfg!(panic = "abort") {
        return 0;
    }
    (0..headers.count().min(MAX_HEADERS))
        .take_while(|&index| {
            catch_unwind(AssertUnwindSafe(|| headers.try_get(index).is_some())).unwrap_or(false)
        })
        .count()
}

/// The first `readable` headers, which rdkafka was seen to read.
fn all(headers: &BorrowedHeaders, readable: usize) -> impl Iterator<Item = Header<'_, &[u8]>> {
    (0..readable).filter_map(move |index| headers.try_get(index))
}

/// Whether the record's headers can be rewritten: at most [`MAX_HEADERS`], every one of
/// them readable (finding out costs one caught panic at most). A header rdkafka cannot
/// read can only be kept as it is, never copied, so headers with one are only added to.
fn rewritable(headers: &BorrowedHeaders) -> bool {
    KafkaHeaderExtractor::new(headers).rewritable()
}

/// Sets `key` in `headers`: every header of that name, in any case, replaced when the
/// headers are `rewritable`, else the field added after them.
fn set_field(headers: &mut OwnedHeaders, key: &str, value: &str, rewritable: bool) {
    if key.contains('\0') {
        return;
    }
    let mut owned = std::mem::take(headers);
    let count = owned.count();
    if rewritable && all(owned.as_borrowed(), count).any(|h| h.key.eq_ignore_ascii_case(key)) {
        owned = all(owned.as_borrowed(), count)
            .filter(|h| !h.key.eq_ignore_ascii_case(key))
            .fold(OwnedHeaders::new(), |kept, h| {
                kept.insert(Header {
                    key: h.key,
                    value: h.value,
                })
            });
    }
    *headers = owned.insert(Header {
        key,
        value: Some(value.as_bytes()),
    });
}

/// Kafka headers: the exact spelling first, then the others in the record's order.
impl HeaderSource for KafkaHeaderExtractor<'_> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let exact = all(self.headers, self.readable).filter(move |h| h.key == name);
        let others = all(self.headers, self.readable)
            .filter(move |h| h.key != name && h.key.eq_ignore_ascii_case(name));
        exact.chain(others).filter_map(|h| h.value)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        all(self.headers, self.readable).map(|h| h.key)
    }
}

crate::bounded_extractor::extractor_by_carrier_rule!(KafkaHeaderExtractor);

/// A propagation [`Injector`] into a record's headers. A field replaces every header of
/// its name, in any case (Kafka's list would otherwise keep both), when the record has at
/// most [`MAX_HEADERS`] headers and rdkafka can read them all; otherwise the field is
/// added and every header is kept as it is (a header rdkafka cannot read can be kept but
/// not copied), as in a build that aborts on panic, where no header is read. Each field
/// set reads the headers once, one caught panic at most; the adapter's own producer reads
/// them once a send. A field whose name holds a NUL byte (librdkafka's names are C
/// strings) is skipped.
#[derive(Debug)]
pub struct KafkaHeaderInjector<'a>(pub &'a mut OwnedHeaders);

impl Injector for KafkaHeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        let rewritable = rewritable(self.0.as_borrowed());
        set_field(self.0, key, &value, rewritable);
    }
}

/// The producer's injector: whether the record's headers can be rewritten is found once
/// for the whole send, whatever the propagators write.
pub(crate) struct SendInjector<'a> {
    headers: &'a mut OwnedHeaders,
    rewritable: bool,
}

impl<'a> SendInjector<'a> {
    /// `rewritable`: [`KafkaHeaderExtractor::rewritable`] of the same headers.
    pub(crate) fn new(headers: &'a mut OwnedHeaders, rewritable: bool) -> Self {
        Self { headers, rewritable }
    }
}

impl Injector for SendInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        // A field the kit adds is readable: the headers stay as rewritable as they were.
        set_field(self.headers, key, &value, self.rewritable);
    }
}
