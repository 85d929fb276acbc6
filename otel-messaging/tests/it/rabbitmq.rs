//! RabbitMQ through lapin: publish with the context in the headers, consume with a
//! process span around the handler, ack and nack as settle spans, a nack's redelivery,
//! and a batch linked to every producer.

use futures_util::StreamExt as _;
use lapin::BasicProperties;
use lapin::options::BasicNackOptions;
use opentelemetry::trace::SpanKind;
use otel_kit_messaging::rabbitmq::{Consumer, Delivery};
use otel_kit_testing::TestTelemetry;

use crate::support::amqp::{self, amqp_url};
use crate::support::{PATIENCE, unique};

/// The next delivery of `consumer`.
pub(crate) async fn next(consumer: &mut Consumer) -> Delivery {
    tokio::time::timeout(PATIENCE, consumer.next())
        .await
        .expect("a message within the patience")
        .expect("the consumer is open")
        .expect("a delivery, not an error")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_published_in_one_trace_is_processed_and_acked_in_it() {
    let Some(url) = amqp_url("a_message_published_in_one_trace_is_processed_and_acked_in_it") else {
        return;
    };
    let t = TestTelemetry::new();
    let connection = amqp::connect(&url).await;
    let channel = amqp::channel(&connection, &t).await;
    let queue = unique("rabbit_jobs");
    amqp::queue(&channel, &queue).await;
    let mut consumer = amqp::consume(&channel, &queue, "worker").await;

    let properties = BasicProperties::default()
        .with_message_id("m-1".into())
        .with_correlation_id("c-1".into());
    let trace_id = amqp::publish_in_parent(&t, &channel, "", &queue, b"job", properties).await;
    let delivery = next(&mut consumer).await;
    assert!(
        delivery.creation_context().is_some(),
        "the headers carry the context"
    );
    let acked = delivery
        .process(|message| async move { message.ack(Default::default()).await })
        .await;
    assert!(acked.expect("acked"));

    let spans = t.spans();
    spans.assert_single_trace().assert_tree(&format!(
        "
        test
          publish {queue}
            process {queue}
              ack {queue}
        "
    ));
    let publish = spans
        .span(&format!("publish {queue}"))
        .has_kind(SpanKind::Producer)
        .has_trace_id(&trace_id)
        .has_attribute("messaging.system.name", "rabbitmq")
        .has_attribute("messaging.operation.type", "send")
        .has_attribute("messaging.destination.name", queue.as_str())
        .has_attribute("rabbitmq.destination.routing_key", queue.as_str())
        .has_attribute("messaging.message.id", "m-1")
        .has_attribute("messaging.message.conversation_id", "c-1")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", 5672)
        .has_attribute("network.peer.address", "127.0.0.1")
        .has_attribute("network.peer.port", 5672);
    // Read from TEST_AMQP_URL, whose credentials are recorded nowhere.
    for span in spans.iter() {
        for (key, value) in &span.attributes {
            assert!(!format!("{value:?}").contains("guest:"), "{key} = {value:?}");
        }
    }
    spans
        .span(&format!("process {queue}"))
        .has_kind(SpanKind::Consumer)
        .has_parent(&publish)
        .has_link_to(&publish)
        .has_attribute("messaging.message.id", "m-1")
        .has_attribute_satisfying("rabbitmq.message.delivery_tag", "an int tag", |v| {
            v.as_i64().is_some_and(|tag| tag > 0)
        });
    spans
        .span(&format!("ack {queue}"))
        .has_kind(SpanKind::Client)
        .has_attribute("messaging.operation.type", "settle")
        .has_attribute("messaging.operation.name", "ack")
        .has_link_to(&publish);

    let metrics = t.metrics();
    let by_queue = [("messaging.destination.name", queue.as_str().into())];
    metrics
        .metric("messaging.client.sent.messages")
        .point(&by_queue)
        .has_value(1);
    metrics
        .metric("messaging.client.consumed.messages")
        .point(&by_queue)
        .has_value(1);
    metrics
        .metric("messaging.process.duration")
        .histogram_point(&by_queue)
        .has_count(1);
    metrics
        .metric("messaging.client.operation.duration")
        .histogram_point(&[
            ("messaging.operation.name", "ack".into()),
            ("messaging.operation.type", "settle".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nack_redelivers_into_the_producers_trace() {
    let Some(url) = amqp_url("a_nack_redelivers_into_the_producers_trace") else {
        return;
    };
    let t = TestTelemetry::new();
    let connection = amqp::connect(&url).await;
    let channel = amqp::channel(&connection, &t).await;
    let queue = unique("rabbit_nack");
    amqp::queue(&channel, &queue).await;
    let mut consumer = amqp::consume(&channel, &queue, "worker").await;
    amqp::publish_in_parent(&t, &channel, "", &queue, b"job", Default::default()).await;

    let requeue = BasicNackOptions {
        requeue: true,
        ..Default::default()
    };
    let first = next(&mut consumer).await;
    assert!(!first.message().redelivered);
    first
        .process(|message| async move { message.nack(requeue).await })
        .await
        .expect("nacked");
    let second = next(&mut consumer).await;
    assert!(second.message().redelivered, "the same message, redelivered");
    second
        .process(|message| async move { message.ack(Default::default()).await })
        .await
        .expect("acked");

    let spans = t.spans();
    spans.assert_single_trace();
    let publish = spans.span(&format!("publish {queue}"));
    let processes = spans.named(&format!("process {queue}"));
    assert_eq!(processes.len(), 2);
    for process in processes {
        process.has_parent(&publish).has_link_to(&publish);
    }
    spans
        .span(&format!("nack {queue}"))
        .has_attribute("messaging.operation.type", "settle")
        .has_status_unset();
    spans.span(&format!("ack {queue}"));
    t.metrics()
        .metric("messaging.client.consumed.messages")
        .point(&[("messaging.destination.name", queue.as_str().into())])
        .has_value(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_processed_in_one_span_linked_to_every_producer() {
    let Some(url) = amqp_url("rabbitmq::a_batch_is_processed_in_one_span_linked_to_every_producer") else {
        return;
    };
    let t = TestTelemetry::new();
    let connection = amqp::connect(&url).await;
    let channel = amqp::channel(&connection, &t).await;
    let exchange = unique("rabbit_orders");
    let queue = unique("rabbit_billing");
    amqp::bound(&channel, &exchange, "created", &queue).await;
    let mut consumer = amqp::consume(&channel, &queue, "billing").await;
    for n in 0..3 {
        let properties = BasicProperties::default().with_message_id(format!("order-{n}").into());
        amqp::publish_in_parent(&t, &channel, &exchange, "created", b"order", properties).await;
    }
    let mut batch = Vec::new();
    for _ in 0..3 {
        batch.push(next(&mut consumer).await);
    }
    let acked: Result<(), lapin::Error> = channel
        .process_batch(batch, |messages| async move {
            for message in &messages {
                message.ack(Default::default()).await?;
            }
            Ok(())
        })
        .await;
    acked.expect("acked");

    let destination = format!("{exchange}:created:{queue}");
    let spans = t.spans();
    let process = spans
        .span(&format!("process {destination}"))
        .is_root()
        .has_attribute("messaging.batch.message_count", 3)
        .has_attribute("messaging.destination.name", destination.as_str())
        .has_link_count(3);
    let publishes = spans.named(&format!("publish {exchange}:created"));
    assert_eq!(publishes.len(), 3);
    for publish in publishes {
        process.has_link_to(&publish);
    }
    for ack in spans.named(&format!("ack {destination}")) {
        ack.has_parent(&process);
    }
}
