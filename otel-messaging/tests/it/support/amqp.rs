//! RabbitMQ for the tests: the broker's URL (or why a test is skipped), an instrumented
//! channel reporting to a test's own harness, and queues no other test uses.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties, ExchangeKind};
use otel_kit_messaging::rabbitmq::{Channel, Consumer};
use otel_kit_testing::TestTelemetry;

/// `TEST_AMQP_URL`, or `None` after printing why `test` is skipped.
pub fn amqp_url(test: &str) -> Option<String> {
    match std::env::var("TEST_AMQP_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipping {test}: TEST_AMQP_URL is not set (amqp://guest:guest@127.0.0.1:5672/%2f)");
            None
        }
    }
}

/// A connection to the test broker (kept alive by the caller).
pub async fn connect(url: &str) -> Connection {
    Connection::connect(url, ConnectionProperties::default())
        .await
        .expect("connect to TEST_AMQP_URL")
}

/// A channel on `connection` that reports to `t`, its server read from the URL the
/// connection was made with (`TEST_AMQP_URL`, whose credentials must not be recorded).
pub async fn channel(connection: &Connection, t: &TestTelemetry) -> Channel {
    let url = std::env::var("TEST_AMQP_URL").unwrap_or_default();
    Channel::builder(connection.create_channel().await.expect("channel"))
        .providers(t.providers())
        .connection_url(&url)
        .build()
}

/// Declares a queue named `name`, deleted when its last consumer goes.
pub async fn queue(channel: &Channel, name: &str) {
    channel
        .inner()
        .queue_declare(
            name.into(),
            QueueDeclareOptions {
                auto_delete: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("queue");
}

/// Consumes queue `queue` as `tag`, through the instrumented channel.
pub async fn consume(channel: &Channel, queue: &str, tag: &str) -> Consumer {
    channel
        .basic_consume(queue.into(), tag.into(), Default::default(), Default::default())
        .await
        .expect("consume")
}

/// Declares a direct exchange `exchange` and binds queue `queue` to it with `routing_key`.
pub async fn bound(channel: &Channel, exchange: &str, routing_key: &str, queue_name: &str) {
    channel
        .inner()
        .exchange_declare(
            exchange.into(),
            ExchangeKind::Direct,
            ExchangeDeclareOptions {
                auto_delete: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("exchange");
    queue(channel, queue_name).await;
    channel
        .inner()
        .queue_bind(
            queue_name.into(),
            exchange.into(),
            routing_key.into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .expect("bind");
}

/// Publishes `body` through the instrumented `channel` to `exchange` with `routing_key`,
/// inside a parent span of the test's own; returns the parent's trace id.
pub async fn publish_in_parent(
    t: &TestTelemetry,
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    body: &[u8],
    properties: BasicProperties,
) -> String {
    let (published, trace_id) = super::in_parent(t, async {
        channel
            .basic_publish(
                exchange.into(),
                routing_key.into(),
                Default::default(),
                body,
                properties,
            )
            .await
    })
    .await;
    published.expect("published");
    trace_id
}
