//! The broker-agnostic core without a broker: what a process span does with a panic, a
//! drop and each parent mode, and a send of a message that has its own creation context.

use std::collections::HashMap;

use opentelemetry::Context;
use opentelemetry::logs::Severity;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState, Tracer as _,
    TracerProvider as _,
};
use otel_kit_messaging::{
    Destination, MessageInfo, Messaging, MessagingOperation, OperationType, ProcessParent,
};
use otel_kit_testing::TestTelemetry;

fn producer() -> SpanContext {
    SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").expect("trace id"),
        SpanId::from_hex("00f067aa0ba902b7").expect("span id"),
        TraceFlags::SAMPLED,
        true,
        TraceState::NONE,
    )
}

/// A message from `producer()` on queue `jobs`.
fn message() -> MessageInfo {
    let extracted = Context::new().with_remote_span_context(producer());
    MessageInfo::new(Destination::named("jobs"))
        .id("m-1")
        .with_creation_context(extracted, &Context::new())
}

/// A handler's bug.
fn handler_bug() {
    panic!("handler bug");
}

fn process() -> MessagingOperation {
    MessagingOperation::new(OperationType::Process, "consume").message(message())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_is_one_error_event_and_the_panic_goes_on() {
    let t = TestTelemetry::new();
    let messaging = Messaging::new("rabbitmq").providers(t.providers());
    let handler = messaging.process(process(), async { handler_bug() });
    let joined = tokio::spawn(handler).await;
    assert!(joined.expect_err("the panic reaches the task").is_panic());

    let spans = t.spans();
    let span = spans
        .span("consume jobs")
        .has_kind(SpanKind::Consumer)
        .is_error()
        .has_error_description("handler bug")
        .has_attribute("error.type", "panic")
        .has_parent_span_id("00f067aa0ba902b7")
        .has_link_to_ids("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    t.logs()
        .assert_count(1)
        .event("messaging.process.exception")
        .has_severity(Severity::Error)
        .has_attribute("exception.type", "panic")
        .has_attribute("exception.message", "handler bug")
        .is_in_span(&span);
    t.metrics()
        .metric("messaging.process.duration")
        .histogram_point(&[("error.type", "panic".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_handler_ends_its_span_with_no_status() {
    let t = TestTelemetry::new();
    let messaging = Messaging::new("rabbitmq").providers(t.providers());
    let handler = messaging.process(process(), std::future::pending::<()>());
    let timed_out = tokio::time::timeout(std::time::Duration::from_millis(20), handler).await;
    assert!(timed_out.is_err());

    t.spans()
        .span("consume jobs")
        .has_status_unset()
        .lacks_attribute("error.type");
    t.logs().assert_count(0);
    t.metrics()
        .metric("messaging.process.duration")
        .histogram_point(&[("messaging.system.name", "rabbitmq".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_parent_mode_inside_an_ambient_span() {
    for (mode, parent_is_producer, links) in [
        (ProcessParent::Auto, false, 1),
        (ProcessParent::Producer, true, 2),
        (ProcessParent::LinkOnly, false, 1),
    ] {
        let t = TestTelemetry::new();
        let messaging = Messaging::new("rabbitmq")
            .providers(t.providers())
            .process_parent(mode);
        let ambient = t.tracer_provider().tracer("test").start("http request");
        let cx = Context::new().with_span(ambient);
        let _guard = cx.clone().attach();
        let done: Result<(), std::io::Error> = messaging.process(process(), async { Ok(()) }).await;
        done.expect("handled");
        drop(_guard);
        cx.span().end();

        let spans = t.spans();
        let request = spans.span("http request");
        let span = spans
            .span("consume jobs")
            .has_link_count(links)
            .has_link_to_ids("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
            .has_status_unset();
        if parent_is_producer {
            span.has_parent_span_id("00f067aa0ba902b7").has_link_to(&request);
        } else {
            span.has_parent(&request);
        }
    }
}

#[test]
fn a_message_with_its_own_creation_context_keeps_it() {
    let t = TestTelemetry::new();
    let messaging = Messaging::new("kafka").providers(t.providers());
    let call = messaging.start(MessagingOperation::new(OperationType::Send, "send").message(message()));
    let mut headers: HashMap<String, String> = HashMap::new();
    assert!(
        !call.inject(&mut headers),
        "the message's own context is not replaced"
    );
    assert!(headers.is_empty());
    call.finish(None);

    t.spans()
        .span("send jobs")
        .has_kind(SpanKind::Client)
        .has_link_to_ids("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
        .has_attribute("messaging.message.id", "m-1")
        .has_attribute("messaging.operation.type", "send");
}

#[test]
fn producer_and_client_spans_name_the_mapped_peer_service() {
    let t = TestTelemetry::new();
    let services = otel_kit_messaging::PeerServices::new()
        .map("broker.internal:5672", "orders-bus")
        .expect("entry");
    let messaging = Messaging::new("rabbitmq")
        .providers(t.providers().peer_services(services))
        .server("broker.internal", Some(5672));
    messaging
        .start(
            MessagingOperation::new(OperationType::Send, "publish")
                .message(MessageInfo::new(Destination::named("jobs"))),
        )
        .finish(None);
    messaging
        .start(MessagingOperation::new(OperationType::Settle, "ack").message(message()))
        .finish(None);
    messaging.start(process()).finish(None);

    let spans = t.spans();
    spans
        .span("publish jobs")
        .has_kind(SpanKind::Producer)
        .has_attribute("server.service.name", "orders-bus")
        .has_attribute("server.address", "broker.internal");
    spans
        .span("ack jobs")
        .has_kind(SpanKind::Client)
        .has_attribute("server.service.name", "orders-bus");
    spans
        .span("consume jobs")
        .has_kind(SpanKind::Consumer)
        .lacks_attribute("server.service.name");
}
