//! What the prototype keeps: its span is an `opentelemetry::trace::Span`, so it can be
//! the active span of a `Context`, and spans made under it through the API or through
//! `tracing` (tracing-opentelemetry) get it as their parent; code that reaches the
//! current span through the context (`Context::current().span()`) records on it.

use std::sync::PoisonError;

use opentelemetry::trace::{
    Span as _, SpanBuilder, SpanKind, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use prost::Message as _;
use span_direct::{KitRules, settings};

use crate::collecting_sink;
use tracing_subscriber::layer::SubscriberExt as _;

#[test]
fn api_and_tracing_spans_under_a_direct_span_get_it_as_parent() {
    let (sink, bodies) = collecting_sink();
    let direct = settings::direct_tracer(KitRules::kit_defaults(), settings::QUEUE_CAPACITY, sink);
    let exporter = InMemorySpanExporter::default();
    let sdk = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber =
        tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(sdk.tracer("app")));

    let server = direct.build_with_context(
        SpanBuilder {
            name: "GET /users/{id}".into(),
            span_kind: Some(SpanKind::Server),
            ..SpanBuilder::default()
        },
        &settings::incoming_context(),
    );
    let server_context = server.span_context().clone();
    let cx = Context::current_with_span(server);
    {
        let _attached = cx.clone().attach();
        // Through the API, from the current context.
        sdk.tracer("api").in_span("load user", |_| {});
        // Through `tracing`, with no `tracing` parent: the current context's span.
        tracing::subscriber::with_default(subscriber, || {
            tracing::info_span!("handler").in_scope(|| {});
        });
        // Through the context, as `ServerSpan` and handler code reach it.
        Context::current()
            .span()
            .set_attribute(KeyValue::new("enduser.pseudo.id", "u-42"));
    }
    cx.span().end();
    direct.shutdown();

    let children = exporter.get_finished_spans().expect("the SDK's spans");
    assert_eq!(children.len(), 2);
    for child in &children {
        assert_eq!(child.parent_span_id, server_context.span_id(), "{}", child.name);
        assert_eq!(
            child.span_context.trace_id(),
            server_context.trace_id(),
            "{}",
            child.name
        );
        assert!(child.span_context.is_sampled());
    }

    let bodies = bodies.lock().unwrap_or_else(PoisonError::into_inner);
    let request = ExportTraceServiceRequest::decode(bodies[0].as_slice()).expect("a request");
    let span = &request.resource_spans[0].scope_spans[0].spans[0];
    assert_eq!(span.span_id, server_context.span_id().to_bytes());
    assert!(span.attributes.iter().any(|kv| kv.key == "enduser.pseudo.id"));
}

#[test]
fn a_sampled_out_direct_span_records_nothing_and_passes_its_context_on() {
    let (sink, bodies) = collecting_sink();
    let direct = settings::direct_tracer(KitRules::kit_defaults(), settings::QUEUE_CAPACITY, sink);
    let parent = Context::new().with_remote_span_context(opentelemetry::trace::SpanContext::new(
        opentelemetry::trace::TraceId::from(3_u128),
        opentelemetry::trace::SpanId::from(4_u64),
        opentelemetry::trace::TraceFlags::default(),
        true,
        Default::default(),
    ));
    let span = direct.start_with_context("unsampled", &parent);
    assert!(!span.is_recording());
    assert_eq!(
        span.span_context().trace_id(),
        opentelemetry::trace::TraceId::from(3_u128)
    );
    drop(span);
    direct.shutdown();
    assert!(bodies.lock().unwrap_or_else(PoisonError::into_inner).is_empty());
}

/// otel-kit-core's `ServerSpan`, which every server instrumentation of the kit starts
/// its span through, takes any `Tracer`: the prototype's too, and code reaching the
/// server span through `ServerSpan::current()` records on it.
#[test]
fn the_kits_server_span_entry_works_with_the_direct_tracer() {
    let (sink, bodies) = collecting_sink();
    let direct = settings::direct_tracer(KitRules::kit_defaults(), settings::QUEUE_CAPACITY, sink);
    let builder = SpanBuilder {
        name: "GET /orders/{id}".into(),
        span_kind: Some(SpanKind::Server),
        ..SpanBuilder::default()
    };
    let (cx, recording) =
        otel_kit_core::ServerSpan::start(None, &direct, builder, &settings::incoming_context());
    assert!(recording);
    {
        let _attached = cx.clone().attach();
        otel_kit_core::ServerSpan::current().set_attribute(KeyValue::new("order.id", 8812));
    }
    cx.span().end();
    direct.shutdown();

    let bodies = bodies.lock().unwrap_or_else(PoisonError::into_inner);
    let request = ExportTraceServiceRequest::decode(bodies[0].as_slice()).expect("a request");
    let span = &request.resource_spans[0].scope_spans[0].spans[0];
    assert_eq!(span.name, "GET /orders/{id}");
    assert!(span.attributes.iter().any(|kv| kv.key == "order.id"));
}
