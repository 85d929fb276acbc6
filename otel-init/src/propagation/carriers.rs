//! Carriers for transports that are not HTTP: string maps (job payloads, RPC metadata)
//! and byte-valued message headers (Kafka, AMQP, NATS).

use std::collections::HashMap;

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::{Context, global};

/// Writes `cx` into `carrier` with the global propagator. Keys are written in lower case.
///
/// ```
/// use std::collections::HashMap;
///
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
/// use opentelemetry::Context;
/// use otel_kit_init::propagation::inject;
///
/// # let _guard = otel_kit_testing::TestTelemetry::new().install_global(); // W3C trace context
/// let parent = SpanContext::new(
///     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
///     SpanId::from_hex("00f067aa0ba902b7").unwrap(),
///     TraceFlags::SAMPLED,
///     true,
///     TraceState::default(),
/// );
/// let mut job = HashMap::new();
/// inject(&Context::new().with_remote_span_context(parent), &mut job);
/// assert_eq!(job["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// ```
pub fn inject(cx: &Context, carrier: &mut HashMap<String, String>) {
    inject_into(cx, carrier);
}

/// Reads a context from `carrier` with the global propagator, starting from the current
/// context (so without trace headers the result keeps the current span as parent).
/// Keys match in any case: `Traceparent` set by hand is found, unlike with the plain
/// `HashMap` extractor, which only finds lower-case keys.
///
/// ```
/// use std::collections::HashMap;
///
/// use opentelemetry::trace::TraceContextExt as _;
/// use otel_kit_init::propagation::extract;
///
/// # let _guard = otel_kit_testing::TestTelemetry::new().install_global(); // W3C trace context
/// let job = HashMap::from([(
///     "Traceparent".to_owned(),
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
/// )]);
/// let cx = extract(&job);
/// assert_eq!(cx.span().span_context().span_id().to_string(), "00f067aa0ba902b7");
/// assert!(cx.span().span_context().is_remote());
/// ```
pub fn extract(carrier: &HashMap<String, String>) -> Context {
    extract_from(&AnyCaseMap(carrier))
}

/// Writes `cx` into any carrier with the global propagator, e.g. [`MessageHeadersMut`].
///
/// ```
/// use opentelemetry::baggage::BaggageExt as _;
/// use opentelemetry::{Context, KeyValue};
/// use otel_kit_init::propagation::{MessageHeadersMut, inject_into};
///
/// # let _guard = otel_kit_testing::TestTelemetry::new().install_global(); // W3C baggage
/// let cx = Context::new().with_baggage([KeyValue::new("tenant", "acme")]);
/// let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
/// inject_into(&cx, &mut MessageHeadersMut::new(&mut headers));
/// assert_eq!(headers, [("baggage".to_owned(), b"tenant=acme".to_vec())]);
/// ```
pub fn inject_into(cx: &Context, carrier: &mut dyn Injector) {
    global::get_text_map_propagator(|propagator| propagator.inject_context(cx, carrier));
}

/// Reads a context from any carrier with the global propagator, starting from the
/// current context, e.g. from [`MessageHeaders`].
///
/// ```
/// use opentelemetry::baggage::BaggageExt as _;
/// use otel_kit_init::propagation::{MessageHeaders, extract_from};
///
/// # let _guard = otel_kit_testing::TestTelemetry::new().install_global(); // W3C baggage
/// let headers = vec![("Baggage".to_owned(), b"tenant=acme".to_vec())];
/// let cx = extract_from(&MessageHeaders::new(&headers));
/// assert_eq!(cx.baggage().get("tenant").map(|v| v.as_str()), Some("acme"));
/// ```
pub fn extract_from(carrier: &dyn Extractor) -> Context {
    // A clone of the current context, not a borrow of it: a propagator that logs while
    // extracting (baggage over its limits does) may reach a log processor that reads
    // the current context, and a borrow held here would make that a double borrow.
    let current = Context::current();
    global::get_text_map_propagator(|propagator| propagator.extract_with_context(&current, carrier))
}

/// A string map read with keys in any case. Propagators ask for lower-case names, so
/// the exact lookup nearly always answers; the scan is for maps filled by hand.
struct AnyCaseMap<'a>(&'a HashMap<String, String>);

impl Extractor for AnyCaseMap<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .or_else(|| {
                self.0
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }

    /// The exact key's value first, then other spellings (`Baggage`, `BAGGAGE`) in map order.
    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let exact = self.0.get_key_value(key);
        let others = self
            .0
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key) && k.as_str() != key);
        let values: Vec<&str> = exact.into_iter().chain(others).map(|(_, v)| v.as_str()).collect();
        (!values.is_empty()).then_some(values)
    }
}

/// Reads propagation fields from byte-valued message headers, as Kafka, AMQP and NATS
/// carry them: any slice of `(key, value)` pairs such as `Vec<(String, Vec<u8>)>`.
///
/// Keys match in any case. Values that are not UTF-8 are ignored, as if absent; a later
/// header with the same key and a UTF-8 value is used instead. A key may repeat
/// (`get_all` returns every UTF-8 value, in order, which the baggage propagator reads).
///
/// ```
/// use opentelemetry::propagation::Extractor as _;
/// use otel_kit_init::propagation::MessageHeaders;
///
/// let headers = vec![
///     ("TRACEPARENT".to_owned(), vec![0xff, 0xfe]),
///     ("traceparent".to_owned(), b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_vec()),
/// ];
/// let reader = MessageHeaders::new(&headers);
/// assert_eq!(reader.get("traceparent"), Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
/// assert_eq!(reader.get_all("TraceParent").map(|v| v.len()), Some(1));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct MessageHeaders<'a, K, V> {
    headers: &'a [(K, V)],
}

impl<'a, K: AsRef<str>, V: AsRef<[u8]>> MessageHeaders<'a, K, V> {
    /// Reads from `headers`.
    ///
    /// ```
    /// use otel_kit_init::propagation::MessageHeaders;
    ///
    /// let headers: [(&str, &[u8]); 1] = [("b3", b"0")];
    /// let _reader = MessageHeaders::new(&headers);
    /// ```
    pub fn new(headers: &'a [(K, V)]) -> Self {
        MessageHeaders { headers }
    }

    fn values<'k>(&self, key: &'k str) -> impl Iterator<Item = &'a str> + use<'a, 'k, K, V> {
        self.headers
            .iter()
            .filter(move |(k, _)| k.as_ref().eq_ignore_ascii_case(key))
            .filter_map(|(_, v)| std::str::from_utf8(v.as_ref()).ok())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Extractor for MessageHeaders<'_, K, V> {
    fn get(&self, key: &str) -> Option<&str> {
        self.values(key).next()
    }

    /// Every key, in order, repeats included.
    fn keys(&self) -> Vec<&str> {
        self.headers.iter().map(|(k, _)| k.as_ref()).collect()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let values: Vec<&str> = self.values(key).collect();
        (!values.is_empty()).then_some(values)
    }
}

/// Writes propagation fields into byte-valued message headers, such as
/// `Vec<(String, Vec<u8>)>`, as UTF-8 bytes.
///
/// Setting a field first removes every header with that key in any case, so a message
/// that is forwarded or retried carries one current `traceparent`, not a stale one
/// that a consumer would read first.
///
/// ```
/// use opentelemetry::propagation::Injector as _;
/// use otel_kit_init::propagation::MessageHeadersMut;
///
/// let mut headers = vec![
///     ("Traceparent".to_owned(), b"stale".to_vec()),
///     ("content-type".to_owned(), b"application/json".to_vec()),
/// ];
/// MessageHeadersMut::new(&mut headers).set("traceparent", "fresh".to_owned());
/// assert_eq!(
///     headers,
///     [
///         ("content-type".to_owned(), b"application/json".to_vec()),
///         ("traceparent".to_owned(), b"fresh".to_vec()),
///     ]
/// );
/// ```
#[derive(Debug)]
pub struct MessageHeadersMut<'a, K, V> {
    headers: &'a mut Vec<(K, V)>,
}

impl<'a, K: AsRef<str> + From<String>, V: From<Vec<u8>>> MessageHeadersMut<'a, K, V> {
    /// Writes into `headers`, keeping the headers already there except those replaced.
    ///
    /// ```
    /// use otel_kit_init::propagation::MessageHeadersMut;
    ///
    /// let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    /// let _writer = MessageHeadersMut::new(&mut headers);
    /// ```
    pub fn new(headers: &'a mut Vec<(K, V)>) -> Self {
        MessageHeadersMut { headers }
    }
}

impl<K: AsRef<str> + From<String>, V: From<Vec<u8>>> Injector for MessageHeadersMut<'_, K, V> {
    fn set(&mut self, key: &str, value: String) {
        self.headers
            .retain(|(k, _)| !k.as_ref().eq_ignore_ascii_case(key));
        self.headers
            .push((K::from(key.to_owned()), V::from(value.into_bytes())));
    }

    fn reserve(&mut self, additional: usize) {
        self.headers.reserve(additional);
    }
}
