//! RabbitMQ when things go wrong: a broker that is down, a closed channel, headers a
//! hostile producer wrote; and the registry check over every kind of span, metric and
//! event of the adapter.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{BasicProperties, Connection, ConnectionProperties};
use otel_kit_testing::{Conformance, TestTelemetry};

use crate::rabbitmq::next;
use crate::support::amqp::{self, amqp_url};
use crate::support::{PATIENCE, closed_port, unique};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_is_down_fails_fast_and_a_closed_channel_fails_its_span() {
    // Down: connecting to a closed port fails at once, with nothing to wrap.
    let started = Instant::now();
    let down = tokio::time::timeout(
        Duration::from_secs(10),
        Connection::connect(
            &format!("amqp://127.0.0.1:{}", closed_port()),
            ConnectionProperties::default(),
        ),
    )
    .await
    .expect("refused within the bound");
    assert!(down.is_err());
    assert!(started.elapsed() < Duration::from_secs(10));

    let Some(url) = amqp_url("a_broker_that_is_down_fails_fast_and_a_closed_channel_fails_its_span") else {
        return;
    };
    let t = TestTelemetry::new();
    let connection = amqp::connect(&url).await;
    let channel = amqp::channel(&connection, &t).await;
    channel.inner().close(200, "done".into()).await.expect("closed");
    let failed = tokio::time::timeout(
        PATIENCE,
        channel.basic_publish(
            "".into(),
            "nowhere".into(),
            Default::default(),
            b"x",
            Default::default(),
        ),
    )
    .await
    .expect("answered in time");
    assert!(failed.is_err());

    let spans = t.spans();
    spans.assert_count(1);
    let span = spans
        .span("publish nowhere")
        .is_error()
        .has_attribute("error.type", "invalid_channel_state");
    // lapin's error, handed to the caller: one `messaging.send.exception` (WARN).
    t.logs()
        .assert_count(1)
        .event("messaging.send.exception")
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", "lapin::error::Error")
        .is_in_span(&span);
    t.metrics()
        .metric("messaging.client.sent.messages")
        .point(&[("error.type", "invalid_channel_state".into())])
        .has_value(1);
}

/// A header of `value` as lapin carries text.
fn text(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value.to_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_headers_never_break_processing() {
    let Some(url) = amqp_url("rabbitmq hostile_headers_never_break_processing") else {
        return;
    };
    let t = TestTelemetry::new();
    let connection = amqp::connect(&url).await;
    let channel = amqp::channel(&connection, &t).await;
    let queue = unique("rabbit_hostile");
    amqp::queue(&channel, &queue).await;
    let mut consumer = amqp::consume(&channel, &queue, "hostile").await;
    let traceparent = format!("00-{TRACE}-{SPAN}-01");

    let mut cases: Vec<(&str, FieldTable, bool)> = Vec::new();
    let mut conflicting = FieldTable::default();
    conflicting.insert("traceparent".into(), text(&traceparent));
    conflicting.insert(
        "Traceparent".into(),
        text("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    );
    cases.push(("two different traceparents", conflicting, false));
    let mut not_text = FieldTable::default();
    not_text.insert("traceparent".into(), AMQPValue::LongLongInt(7));
    cases.push(("a traceparent that is not text", not_text, false));
    let mut malformed = FieldTable::default();
    malformed.insert("traceparent".into(), text("00-zz-01"));
    cases.push(("a malformed traceparent", malformed, false));
    let mut oversized = FieldTable::default();
    oversized.insert("traceparent".into(), text(&traceparent));
    oversized.insert("baggage".into(), text(&"k=v,".repeat(5_000)));
    cases.push(("oversized baggage", oversized, true));
    let mut capitalised = FieldTable::default();
    capitalised.insert("Traceparent".into(), text(&traceparent));
    cases.push(("Traceparent as Go writes it", capitalised, true));

    for (case, headers, child) in cases {
        t.reset();
        // Published untraced, as a foreign producer would.
        channel
            .inner()
            .basic_publish(
                "".into(),
                queue.as_str().into(),
                Default::default(),
                case.as_bytes(),
                BasicProperties::default().with_headers(headers),
            )
            .await
            .expect("published");
        let delivery = next(&mut consumer).await;
        let handled: Result<bool, lapin::Error> = delivery
            .process(|message| async move { message.ack(Default::default()).await })
            .await;
        handled.expect("acked");
        let spans = t.spans();
        let process = spans.span(&format!("process {queue}"));
        if child {
            process
                .has_trace_id(TRACE)
                .has_parent_span_id(SPAN)
                .has_link_to_ids(TRACE, SPAN);
        } else {
            process.is_root().has_link_count(0);
        }
    }
}

/// A handler's bug.
fn handler_bug() {
    panic!("handler bug");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rabbitmq_span_metric_and_event_conforms_to_the_registry() {
    let Some(url) = amqp_url("every_rabbitmq_span_metric_and_event_conforms_to_the_registry") else {
        return;
    };
    let t = TestTelemetry::new();
    let connection = amqp::connect(&url).await;
    let channel =
        otel_kit_messaging::rabbitmq::Channel::builder(connection.create_channel().await.expect("channel"))
            .providers(t.providers())
            .server("127.0.0.1", 5672)
            .record_body_size(true)
            .build();
    let exchange = unique("rabbit_registry");
    let queue = unique("rabbit_registry_q");
    amqp::bound(&channel, &exchange, "jobs", &queue).await;
    let mut consumer = amqp::consume(&channel, &queue, "registry").await;
    for n in 0..6 {
        let properties = BasicProperties::default()
            .with_message_id(format!("m-{n}").into())
            .with_correlation_id("conversation".into());
        amqp::publish_in_parent(&t, &channel, &exchange, "jobs", b"job", properties).await;
    }
    next(&mut consumer)
        .await
        .process(|m| async move { m.ack(Default::default()).await })
        .await
        .expect("ack");
    next(&mut consumer)
        .await
        .process(|m| async move { m.reject(Default::default()).await })
        .await
        .expect("reject");
    let failed: Result<(), std::io::Error> = next(&mut consumer)
        .await
        .process(|_| async { Err(std::io::Error::other("declined")) })
        .await;
    assert!(failed.is_err());
    let panicking = next(&mut consumer).await.process(|_| async { handler_bug() });
    assert!(tokio::spawn(panicking).await.is_err());
    let batch = vec![next(&mut consumer).await, next(&mut consumer).await];
    let acked: Result<(), lapin::Error> = channel
        .process_batch(batch, |messages| async move {
            for message in &messages {
                message.ack(Default::default()).await?;
            }
            Ok(())
        })
        .await;
    acked.expect("acked");
    assert!(
        tokio::time::timeout(Duration::from_millis(50), consumer.next())
            .await
            .is_err(),
        "six published, six handed out"
    );

    let spans = t.spans();
    let metrics = t.metrics();
    let logs = t.logs();
    // The handler's error and the panic: one exception event each.
    let process_exceptions = |exception_type: &'static str| {
        logs.record_where(exception_type, move |r| {
            r.event_name == "messaging.process.exception"
                && r.attribute("exception.type").and_then(|v| v.as_str()) == Some(exception_type)
        })
        .has_severity(opentelemetry::logs::Severity::Error);
    };
    process_exceptions("std::io::error::Error");
    process_exceptions("panic");
    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_metrics(&metrics)
        .check_logs(&logs)
        .report();
    println!("{report}");
    report.assert_conforms();
    assert!(report.attributes_checked() > 200, "{report}");
}
