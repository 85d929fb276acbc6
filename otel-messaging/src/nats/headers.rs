//! Trace context in NATS headers: [`NatsHeaderExtractor`] reads it by the rule of
//! [`carrier`](crate::carrier), [`NatsHeaderInjector`] writes it.
//!
//! NATS header names are case-sensitive and a name may repeat; the propagators ask for
//! lower-case names, while a Go producer using `http.Header` writes `Traceparent`. The
//! extractor reads the exact spelling first, then the others in byte order (the map's
//! own order is random), so what it reads depends only on the headers.
//!
//! ```
//! use async_nats::HeaderMap;
//! use opentelemetry::propagation::{Extractor as _, Injector as _};
//! use otel_kit_messaging::nats::{NatsHeaderExtractor, NatsHeaderInjector};
//!
//! let mut headers = HeaderMap::new();
//! NatsHeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
//! headers.append("Baggage", "tenant=acme");
//! let extractor = NatsHeaderExtractor(&headers);
//! assert!(extractor.get("traceparent").is_some());
//! assert_eq!(extractor.get("baggage"), Some("tenant=acme"));
//! ```

use std::str::FromStr as _;

use async_nats::{HeaderMap, HeaderName, HeaderValue};
#[cfg(doc)]
use opentelemetry::propagation::Extractor;
use opentelemetry::propagation::Injector;

use crate::carrier::HeaderSource;

/// A propagation [`Extractor`] over NATS headers, by the rule of
/// [`carrier`](crate::carrier): names in any case, values not UTF-8 skipped, two
/// different values of one name ambiguous, the values read bounded.
#[derive(Debug, Clone, Copy)]
pub struct NatsHeaderExtractor<'a>(pub &'a HeaderMap);

/// NATS headers: the exact spelling first, then the others in byte order of their
/// names (the map's own order is random).
impl HeaderSource for NatsHeaderExtractor<'_> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let exact = HeaderName::from_str(name)
            .ok()
            .map(|exact| self.0.get_all(exact))
            .into_iter()
            .flatten();
        // Other spellings, in byte order of their names; nearly always none, and then
        // without an allocation.
        let mut others: Vec<(&str, &Vec<HeaderValue>)> = self
            .0
            .iter()
            .map(|(key, values)| (AsRef::<str>::as_ref(key), values))
            .filter(|(key, _)| key.eq_ignore_ascii_case(name) && *key != name)
            .collect();
        others.sort_unstable_by(|a, b| a.0.cmp(b.0));
        exact
            .chain(others.into_iter().flat_map(|(_, values)| values))
            .map(AsRef::<[u8]>::as_ref)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(key, _)| AsRef::<str>::as_ref(key))
    }
}

crate::bounded_extractor::extractor_by_carrier_rule!(NatsHeaderExtractor);

/// A propagation [`Injector`] into NATS headers. A field replaces the value under its
/// exact name; a name or value NATS cannot carry (control characters, `:`) is skipped
/// rather than panic, as `HeaderMap::insert` would.
#[derive(Debug)]
pub struct NatsHeaderInjector<'a>(pub &'a mut HeaderMap);

impl Injector for NatsHeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (HeaderName::from_str(key), HeaderValue::from_str(&value)) {
            self.0.insert(name, value);
        }
    }
}

/// The longest `Nats-Msg-Id` recorded as `messaging.message.id`: an id is a UUID or
/// similar, and a longer value is not an id worth an attribute.
const MAX_MESSAGE_ID_BYTES: usize = 256;

/// The message's `Nats-Msg-Id` (JetStream's de-duplication id), when short enough.
pub(crate) fn message_id(headers: Option<&HeaderMap>) -> Option<String> {
    let value = headers?.get(async_nats::header::NATS_MESSAGE_ID)?;
    let value: &str = value.as_ref();
    (!value.is_empty() && value.len() <= MAX_MESSAGE_ID_BYTES).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use opentelemetry::propagation::Extractor as _;

    use super::*;

    #[test]
    fn other_spellings_are_read_in_a_fixed_order() {
        let mut headers = HeaderMap::new();
        headers.append("Baggage", "b=2");
        headers.append("BAGGAGE", "c=3");
        headers.append("baggage", "a=1");
        assert_eq!(
            NatsHeaderExtractor(&headers).get_all("baggage"),
            Some(vec!["a=1", "c=3", "b=2"]),
            "exact first, then BAGGAGE < Baggage in byte order"
        );
    }

    #[test]
    fn a_name_or_value_nats_cannot_carry_is_skipped() {
        let mut headers = HeaderMap::new();
        NatsHeaderInjector(&mut headers).set("bad:name", "v".into());
        NatsHeaderInjector(&mut headers).set("good", "line\r\nbreak".into());
        assert!(headers.is_empty());
    }

    #[test]
    fn an_oversized_message_id_is_not_recorded() {
        let mut headers = HeaderMap::new();
        headers.insert(async_nats::header::NATS_MESSAGE_ID, "x".repeat(300).as_str());
        assert_eq!(message_id(Some(&headers)), None);
        headers.insert(async_nats::header::NATS_MESSAGE_ID, "order-7");
        assert_eq!(message_id(Some(&headers)).as_deref(), Some("order-7"));
    }
}
