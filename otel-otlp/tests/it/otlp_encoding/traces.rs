//! Spans: `TraceEncoder` against `group_spans_by_resource_and_scope` and prost.

use std::borrow::Cow;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Event, Link, SpanId, SpanKind, Status};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use otel_kit_otlp::otlp_encoding::TraceEncoder;
use proptest::prelude::*;
use prost::Message as _;

use super::arbitrary::{attributes, count, resource, scope, span_context, text, time};

fn kind() -> impl Strategy<Value = SpanKind> {
    prop::sample::select(vec![
        SpanKind::Internal,
        SpanKind::Server,
        SpanKind::Client,
        SpanKind::Producer,
        SpanKind::Consumer,
    ])
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Unset),
        Just(Status::Ok),
        text().prop_map(|d| Status::Error {
            description: Cow::Owned(d)
        }),
    ]
}

fn events() -> impl Strategy<Value = SpanEvents> {
    let event = (text(), time(), attributes(3), count())
        .prop_map(|(name, at, attributes, dropped)| Event::new(name, at, attributes, dropped));
    (prop::collection::vec(event, 0..3), count()).prop_map(|(events, dropped)| {
        let mut e = SpanEvents::default();
        e.events = events;
        e.dropped_count = dropped;
        e
    })
}

fn links() -> impl Strategy<Value = SpanLinks> {
    let link = (span_context(), attributes(3), count())
        .prop_map(|(context, attributes, dropped)| Link::new(context, attributes, dropped));
    (prop::collection::vec(link, 0..3), count()).prop_map(|(links, dropped)| {
        let mut l = SpanLinks::default();
        l.links = links;
        l.dropped_count = dropped;
        l
    })
}

fn span() -> impl Strategy<Value = SpanData> {
    (
        (span_context(), any::<u64>(), any::<bool>(), kind(), text()),
        (time(), time(), attributes(10), count()),
        (events(), links(), status(), scope()),
    )
        .prop_map(
            |(
                (span_context, parent, parent_span_is_remote, span_kind, name),
                (start_time, end_time, attributes, dropped_attributes_count),
                (events, links, status, instrumentation_scope),
            )| SpanData {
                span_context,
                // The invalid parent id (a root span) now and then.
                parent_span_id: if parent % 4 == 0 {
                    SpanId::INVALID
                } else {
                    SpanId::from(parent)
                },
                parent_span_is_remote,
                span_kind,
                name: Cow::Owned(name),
                start_time,
                end_time,
                attributes,
                dropped_attributes_count,
                events,
                links,
                status,
                instrumentation_scope,
            },
        )
}

/// What opentelemetry-otlp sends for this batch, and prost's bytes for it; but an
/// attribute whose key repeats on a span that ended in error is sent once, with its last
/// value, as ours does.
fn reference(spans: &[SpanData], resource: &Resource) -> (ExportTraceServiceRequest, Vec<u8>) {
    let spans = spans
        .iter()
        .cloned()
        .map(|mut span| {
            span.attributes =
                otel_kit_core::__private::repeated_keys::exported(&span.status, &span.attributes)
                    .into_owned();
            span
        })
        .collect();
    let request = ExportTraceServiceRequest {
        resource_spans: group_spans_by_resource_and_scope(spans, &resource.into()),
    };
    let bytes = request.encode_to_vec();
    (request, bytes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn spans_decode_to_what_opentelemetry_proto_produces(
        resource in resource(),
        batches in prop::collection::vec(prop::collection::vec(span(), 0..6), 1..3),
    ) {
        let mut encoder = TraceEncoder::new(&resource);
        // A buffer with something in it, as a kept buffer has after an export.
        let mut ours = vec![0xFF; 7];
        for spans in &batches {
            encoder.encode(spans, &mut ours);
            let (expected, expected_bytes) = reference(spans, &resource);
            let decoded = ExportTraceServiceRequest::decode(ours.as_slice()).expect("our bytes decode");
            prop_assert_eq!(&decoded, &expected);
            prop_assert!(ours == expected_bytes, "the bytes differ from prost's");
        }
        prop_assert_eq!(encoder.dropped_values(), 0);
    }
}

#[test]
fn nan_encodes_as_prost_encodes_it() {
    use opentelemetry::{InstrumentationScope, Value};
    let resource = Resource::builder_empty()
        .with_attributes([KeyValue::new("nan", f64::NAN)])
        .build();
    let mut span = SpanData {
        span_context: opentelemetry::trace::SpanContext::empty_context(),
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Internal,
        name: "nan".into(),
        start_time: std::time::UNIX_EPOCH,
        end_time: std::time::UNIX_EPOCH,
        attributes: vec![KeyValue::new(
            "nans",
            Value::Array(opentelemetry::Array::F64(vec![f64::NAN, -f64::NAN])),
        )],
        dropped_attributes_count: 0,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status: Status::Unset,
        instrumentation_scope: InstrumentationScope::builder("s").build(),
    };
    span.attributes.push(KeyValue::new("nan", f64::NAN));
    let mut ours = Vec::new();
    TraceEncoder::new(&resource).encode(std::slice::from_ref(&span), &mut ours);
    assert_eq!(ours, reference(&[span], &resource).1);
}

#[test]
fn a_batch_larger_than_16_kib_per_scope_encodes_as_prost_does() {
    // Lengths of three bytes and more for the scope and resource messages.
    let resource = Resource::builder_empty().with_service_name("big").build();
    let scope = opentelemetry::InstrumentationScope::builder("big").build();
    let spans: Vec<SpanData> = (0..300)
        .map(|i| SpanData {
            span_context: opentelemetry::trace::SpanContext::empty_context(),
            parent_span_id: SpanId::from(i + 1),
            parent_span_is_remote: false,
            span_kind: SpanKind::Client,
            name: "x".repeat(100).into(),
            start_time: std::time::UNIX_EPOCH,
            end_time: std::time::UNIX_EPOCH,
            attributes: vec![KeyValue::new("long", "y".repeat(i as usize * 3))],
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Ok,
            instrumentation_scope: scope.clone(),
        })
        .collect();
    let mut ours = Vec::new();
    TraceEncoder::new(&resource).encode(&spans, &mut ours);
    assert!(ours.len() > 100_000);
    assert_eq!(ours, reference(&spans, &resource).1);
}
