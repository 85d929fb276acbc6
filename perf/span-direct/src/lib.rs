//! Spans without the SDK's `SpanData`: a prototype measured beside today's pipeline.
//!
//! - [`today`]: today's path, an `SdkTracerProvider` with the kit's processors in
//!   `init()`'s order, the kit's `SpanQueueProcessor` and its `TraceEncoder`;
//! - [`direct_span`]: the prototype, the kit's own span record ([`DirectSpan`]) made by
//!   a [`DirectTracer`], put through the same rules (the kit's own code) and encoded to
//!   OTLP at its end;
//! - [`byte_queue`]: the prototype's queue of encoded spans and its worker;
//! - [`span_encoding`]: the prototype's protobuf writer;
//! - [`recorded`]: a recorded span end to end through the kit's own HTTP server, HTTP
//!   client and database instrumentation, against the same operation without the kit.
//!
//! Both paths start the same span from the same `Context` through the API's `Tracer`
//! trait ([`http_server_span`]):
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use span_direct::{KitRules, http_server_span, settings};
//!
//! let bodies = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
//! let sink = { let b = Arc::clone(&bodies); Arc::new(move |body: &[u8]| b.lock().unwrap().push(body.to_vec())) };
//! let direct = settings::direct_tracer(KitRules::kit_defaults(), settings::QUEUE_CAPACITY, sink);
//! http_server_span(&direct, &settings::incoming_context());
//! direct.shutdown();
//! assert_eq!(bodies.lock().unwrap().len(), 1);
//! assert_eq!(direct.dropped(), 0);
//! ```

#![forbid(unsafe_code)]

pub mod byte_queue;
pub mod direct_span;
pub mod recorded;
pub mod settings;
pub mod span_encoding;
pub mod today;

use opentelemetry::trace::{SpanBuilder, SpanKind, TraceContextExt as _, Tracer};
use opentelemetry::{Context, KeyValue};
use otel_kit_processors::baggage::BaggageAllowList;
use otel_kit_processors::redaction::{Redaction, Redactor};
use otel_kit_processors::value_length::ValueLengthLimit;

pub use direct_span::{DirectSpan, DirectTracer};

/// The kit's rules at span end, as `init()` configures them: the baggage members
/// copied onto spans, redaction, the attribute value length limit.
#[derive(Debug, Clone)]
pub struct KitRules {
    /// The baggage members copied (none by default).
    pub baggage: BaggageAllowList,
    /// The redaction rules (the default set by default).
    pub redactor: Option<Redactor>,
    /// The value length limit (none by default; the processor still runs).
    pub value_length: ValueLengthLimit,
}

impl KitRules {
    /// What `init()` runs when nothing is configured: the default redaction rules, no
    /// length limit, no baggage listed.
    pub fn kit_defaults() -> Self {
        KitRules {
            baggage: BaggageAllowList::default(),
            redactor: Some(Redaction::default().build().expect("the default rules build")),
            value_length: ValueLengthLimit::new(None),
        }
    }
}

/// The attributes otel-kit-http sets on the server span of `perf/http-peers`' request
/// (`GET /users/{id}`, no `User-Agent`, loopback) when it starts: otel-processors'
/// bench fixture `http_server_loopback` without the status code, set at the end. In a
/// vector with room for 16, as otel-kit-http's server layer makes it, so that the
/// attributes set later do not move it.
pub fn http_server_start_attributes() -> Vec<KeyValue> {
    let mut attributes = Vec::with_capacity(16);
    attributes.extend([
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new("url.path", "/users/4711"),
        KeyValue::new("url.scheme", "http"),
        KeyValue::new("http.route", "/users/{id}"),
        KeyValue::new("network.protocol.version", "1.1"),
        KeyValue::new("server.address", "127.0.0.1"),
        KeyValue::new("server.port", 8080),
        KeyValue::new("network.peer.address", "127.0.0.1"),
        KeyValue::new("network.peer.port", 51234),
    ]);
    attributes
}

/// One server span as otel-kit-http makes it: built from a literal `SpanBuilder` with
/// its attributes, put in a child of `parent` (`ServerSpan::start`), the status code
/// set through the context at the response, then ended through the context.
pub fn http_server_span<T>(tracer: &T, parent: &Context)
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let builder = SpanBuilder {
        name: "GET /users/{id}".into(),
        span_kind: Some(SpanKind::Server),
        attributes: Some(http_server_start_attributes()),
        ..SpanBuilder::default()
    };
    let span = tracer.build_with_context(builder, parent);
    let cx = parent.with_span(span);
    let span = cx.span();
    span.set_attribute(KeyValue::new("http.response.status_code", 200));
    span.end();
}
