//! Both paths write the same `ExportTraceServiceRequest` for the same spans: ids from
//! the same sequence, times given, and every rule at work (a baggage member copied and
//! set again, a header dropped and a card number scrubbed by redaction, values cut by
//! the length limit, a key set twice on a span that ended in error, an event, a link,
//! more attributes than the limit).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::{
    Link, Span as _, SpanBuilder, SpanContext, SpanId, SpanKind, Status, TraceContextExt as _, TraceFlags,
    TraceId, TraceState, Tracer,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as ProtoValue;
use opentelemetry_sdk::trace::IdGenerator;
use otel_kit_processors::baggage::BaggageAllowList;
use otel_kit_processors::redaction::Redaction;
use otel_kit_processors::value_length::ValueLengthLimit;
use prost::Message as _;
use span_direct::{KitRules, settings};

use crate::collecting_sink;

/// Ids 1, 2, 3… for spans and traces alike, each generator from 1.
#[derive(Debug, Default)]
struct CountingIds(Mutex<u64>);

impl CountingIds {
    fn next(&self) -> u64 {
        let mut n = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *n += 1;
        *n
    }
}

impl IdGenerator for CountingIds {
    fn new_trace_id(&self) -> TraceId {
        TraceId::from(u128::from(self.next()) << 64 | 0xabc)
    }

    fn new_span_id(&self) -> SpanId {
        SpanId::from(self.next())
    }
}

fn rules() -> KitRules {
    KitRules {
        baggage: BaggageAllowList::new(["user.tier"]).expect("a valid list"),
        redactor: Some(Redaction::default().build().expect("the default rules")),
        value_length: ValueLengthLimit::new(Some(16)),
    }
}

fn at(micros: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_764_000_000) + Duration::from_micros(micros)
}

/// The same spans through any tracer.
fn make_spans<T>(tracer: &T)
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let parent = settings::incoming_context().with_baggage([KeyValue::new("user.tier", "gold")]);
    // The server span, its status code set at the end through the context.
    let builder = SpanBuilder {
        name: "GET /users/{id}".into(),
        span_kind: Some(SpanKind::Server),
        attributes: Some(span_direct::http_server_start_attributes()),
        start_time: Some(at(0)),
        ..SpanBuilder::default()
    };
    let cx = parent.with_span(tracer.build_with_context(builder, &parent));
    cx.span()
        .set_attribute(KeyValue::new("http.response.status_code", 200));
    // Set again by the application, the span not in error: the baggage rule keeps it once.
    cx.span().set_attribute(KeyValue::new("user.tier", "silver"));
    cx.span().set_attribute(KeyValue::new(
        "user_agent.original",
        "Mozilla/5.0 (X11; Linux x86_64)",
    ));
    cx.span().end_with_timestamp(at(41));

    // Every rule at work, and an error with a key set twice.
    let linked = SpanContext::new(
        TraceId::from(7_u128),
        SpanId::from(9_u64),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_key_value([("vendor", "x1")]).expect("a trace state"),
    );
    let builder = SpanBuilder {
        name: "charge".into(),
        span_kind: Some(SpanKind::Client),
        attributes: Some(vec![
            KeyValue::new("http.request.header.authorization", "Bearer abc.def.ghi"),
            KeyValue::new("url.query", "card=4111111111111111"),
            KeyValue::new("retry", true),
            KeyValue::new("ratio", 0.25),
            KeyValue::new(
                "tags",
                opentelemetry::Value::Array(vec![opentelemetry::StringValue::from("a"), "b".into()].into()),
            ),
        ]),
        links: Some(vec![Link::with_context(linked)]),
        start_time: Some(at(5)),
        ..SpanBuilder::default()
    };
    let mut span = tracer.build_with_context(builder, &cx);
    span.set_attribute(KeyValue::new("user.tier", "platinum"));
    span.set_attribute(KeyValue::new("peer.service", "payments"));
    span.set_attribute(KeyValue::new("peer.service", "payments-eu"));
    span.add_event_with_timestamp(
        "retry",
        at(7),
        vec![KeyValue::new("reason", "connection reset by peer")],
    );
    span.set_status(Status::error("declined"));
    span.end_with_timestamp(at(30));

    // A root, over the attribute limit.
    let mut root = tracer.build_with_context(
        SpanBuilder {
            name: "tick".into(),
            start_time: Some(at(100)),
            ..SpanBuilder::default()
        },
        &Context::new(),
    );
    for i in 0..130 {
        root.set_attribute(KeyValue::new(format!("n{i}"), i64::from(i)));
    }
    root.end_with_timestamp(at(200));
}

fn decode(bodies: &Arc<Mutex<Vec<Vec<u8>>>>) -> ExportTraceServiceRequest {
    let bodies = bodies.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(bodies.len(), 1, "one request for the three spans");
    let mut request = ExportTraceServiceRequest::decode(bodies[0].as_slice()).expect("a valid request");
    // A `Resource` iterates its attributes in its hash map's order, which differs from
    // one `Resource` value to another: normalised by key.
    for resource_spans in &mut request.resource_spans {
        if let Some(resource) = &mut resource_spans.resource {
            resource.attributes.sort_by(|a, b| a.key.cmp(&b.key));
        }
    }
    request
}

#[test]
fn both_paths_write_the_same_request() {
    let (sink, today_bodies) = collecting_sink();
    let today =
        settings::today_pipeline_with_ids(&rules(), settings::QUEUE_CAPACITY, CountingIds::default(), sink);
    make_spans(&today.tracer);
    today.shutdown().expect("shutdown");

    let (sink, direct_bodies) = collecting_sink();
    let direct = settings::direct_tracer_with_ids(
        rules(),
        settings::QUEUE_CAPACITY,
        Box::new(CountingIds::default()),
        sink,
    );
    make_spans(&direct);
    direct.shutdown();

    let today = decode(&today_bodies);
    let direct = decode(&direct_bodies);
    assert_eq!(direct, today);

    // The rules did act: the comparison is not between two requests the rules left alone.
    let scope_spans = &direct.resource_spans[0].scope_spans[0];
    assert_eq!(
        scope_spans.scope.as_ref().map(|s| s.name.as_str()),
        Some("otel-kit-http")
    );
    let spans = &scope_spans.spans;
    assert_eq!(spans.len(), 3);
    let value = |span: usize, key: &str| {
        spans[span]
            .attributes
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref()?.value.clone())
    };
    assert_eq!(
        value(0, "user.tier"),
        Some(ProtoValue::StringValue("silver".into()))
    );
    assert_eq!(
        spans[0]
            .attributes
            .iter()
            .filter(|kv| kv.key == "user.tier")
            .count(),
        1
    );
    assert_eq!(
        value(0, "user_agent.original"),
        Some(ProtoValue::StringValue("Mozilla/5.0 (X11".into()))
    );
    assert_eq!(
        value(1, "user.tier"),
        Some(ProtoValue::StringValue("platinum".into()))
    );
    assert_eq!(value(1, "http.request.header.authorization"), None);
    assert_eq!(
        value(1, "url.query"),
        Some(ProtoValue::StringValue("card=[REDACTED:c".into()))
    );
    assert_eq!(
        value(1, "peer.service"),
        Some(ProtoValue::StringValue("payments-eu".into()))
    );
    assert_eq!(
        spans[1]
            .attributes
            .iter()
            .filter(|kv| kv.key == "peer.service")
            .count(),
        1
    );
    assert_eq!(spans[1].parent_span_id, spans[0].span_id);
    assert_eq!(spans[1].links.len(), 1);
    assert_eq!(spans[1].events[0].name, "retry");
    assert_eq!(spans[2].attributes.len(), 128);
    assert_eq!(spans[2].dropped_attributes_count, 2);
    assert!(spans[2].parent_span_id.is_empty());
}
