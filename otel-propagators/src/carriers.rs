//! Carriers for transports that are not HTTP: string maps (job payloads, RPC metadata)
//! and byte-valued message headers (Kafka, AMQP, NATS). Both read through
//! otel-kit-core's one carrier, [`BoundedExtractor`], and so by its rule for repeated
//! and mis-cased headers.

use std::collections::HashMap;

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::{Context, global};
use otel_kit_core::__private::carrier::BoundedExtractor;

/// Writes `cx` into `carrier` with the global propagator. Keys are written in lower case.
///
/// ```
/// use std::collections::HashMap;
///
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
/// use opentelemetry::Context;
/// use otel_kit_propagators::inject;
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
/// `HashMap` extractor, which only finds lower-case keys (the rule is
/// [`BoundedExtractor`]'s).
///
/// ```
/// use std::collections::HashMap;
///
/// use opentelemetry::trace::TraceContextExt as _;
/// use otel_kit_propagators::extract;
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
    extract_from(&BoundedExtractor::new(carrier))
}

/// Writes `cx` into any carrier with the global propagator, e.g. [`MessageHeadersMut`].
///
/// ```
/// use opentelemetry::baggage::BaggageExt as _;
/// use opentelemetry::{Context, KeyValue};
/// use otel_kit_propagators::{MessageHeadersMut, inject_into};
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
/// use otel_kit_propagators::{MessageHeaders, extract_from};
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

/// Reads propagation fields from byte-valued message headers, as Kafka, AMQP and NATS
/// carry them: any slice of `(key, value)` pairs such as `Vec<(String, Vec<u8>)>`.
///
/// The rule is [`BoundedExtractor`]'s: keys match in any case, the exact spelling
/// first. Values that are not UTF-8 are ignored, as if absent; a later header with the
/// same key and a UTF-8 value is used instead. A key may repeat: `get_all` returns
/// every UTF-8 value, in order, which the baggage propagator reads as one list, and
/// `get` answers only when they are all the same.
///
/// ```
/// use opentelemetry::propagation::Extractor as _;
/// use otel_kit_propagators::MessageHeaders;
///
/// let headers = vec![
///     ("TRACEPARENT".to_owned(), vec![0xff, 0xfe]),
///     ("traceparent".to_owned(), b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_vec()),
/// ];
/// let reader = MessageHeaders::new(&headers);
/// assert_eq!(reader.get("traceparent"), Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
/// assert_eq!(reader.get_all("TraceParent").map(|v| v.len()), Some(1));
/// ```
pub type MessageHeaders<'a, K, V> = BoundedExtractor<'a, [(K, V)]>;

/// Writes propagation fields into byte-valued message headers, such as
/// `Vec<(String, Vec<u8>)>`, as UTF-8 bytes.
///
/// Setting a field first removes every header with that key in any case, so a message
/// that is forwarded or retried carries one current `traceparent`, not a stale one
/// that a consumer would read first.
///
/// ```
/// use opentelemetry::propagation::Injector as _;
/// use otel_kit_propagators::MessageHeadersMut;
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
    /// use otel_kit_propagators::MessageHeadersMut;
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
