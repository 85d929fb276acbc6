//! The RabbitMQ adapter (feature `rabbitmq`): wraps a `lapin::Channel` so that what it
//! publishes and consumes follows the messaging conventions and the RabbitMQ
//! conventions, with trace context in the message's `headers` property.
//!
//! ```no_run
//! use futures_util::StreamExt as _;
//! use lapin::options::BasicPublishOptions;
//! use lapin::BasicProperties;
//!
//! # async fn run() -> Result<(), lapin::Error> {
//! let url = "amqp://localhost:5672";
//! let connection = lapin::Connection::connect(url, Default::default()).await?;
//! let channel = otel_kit_messaging::rabbitmq::instrument(connection.create_channel().await?, url);
//!
//! // PRODUCER `publish orders:created`.
//! channel
//!     .basic_publish("orders".into(), "created".into(), BasicPublishOptions::default(), b"order 7", BasicProperties::default())
//!     .await?;
//!
//! // CONSUMER `process orders:created:billing`, then CLIENT `ack orders:created:billing`.
//! let mut consumer = channel
//!     .basic_consume("billing".into(), "billing-1".into(), Default::default(), Default::default())
//!     .await?;
//! if let Some(delivery) = consumer.next().await {
//!     delivery?.process(|message| async move { message.ack(Default::default()).await }).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What is recorded
//!
//! `messaging.system.name` is `rabbitmq`. The destination is named as the RabbitMQ
//! conventions say: `{exchange}:{routing key}` when publishing (either alone when the
//! other is empty, `amq.default` when both are), `{exchange}:{routing key}:{queue}` when
//! consuming (empty parts left out, the queue once when it is the routing key). Server
//! named queues (`amq.gen-...`) and direct reply-to are temporary and anonymous.
//! `rabbitmq.destination.routing_key` when not empty,
//! `rabbitmq.message.delivery_tag` on consumer spans, `messaging.message.id`
//! from the `message_id` property, `messaging.message.conversation_id` from
//! `correlation_id`. `server.address` and `server.port` only from
//! [`Builder::server`]: a lapin channel does not say where it is connected.
//!
//! | operation | span name | kind | `messaging.operation.type` | metrics |
//! | --- | --- | --- | --- | --- |
//! | [`Channel::basic_publish`] | `publish {destination}` | PRODUCER | `send` | sent, operation duration |
//! | a [`Consumer`] handing out a message | none | | | consumed (`process`) |
//! | [`Delivery::process`], [`Channel::process_batch`] | `process {destination}` | CONSUMER | `process` | process duration |
//! | [`ConsumedMessage::ack`], `nack`, `reject` | `ack {destination}`, ... | CLIENT | `settle` | operation duration |
//!
//! A routing key that carries an id (a topic exchange's `orders.4711.shipped`) makes the
//! destination, and so the metrics, of high cardinality: route by kind, and put ids in
//! the message.

mod builder;
mod channel;
mod consumer;
mod delivery;
mod destinations;
mod errors;
mod headers;
mod properties;

pub use builder::Builder;
pub use channel::Channel;
pub use consumer::Consumer;
pub use delivery::{ConsumedMessage, Delivery};
pub use headers::{RabbitMqHeaderExtractor, RabbitMqHeaderInjector};

/// Wraps `channel`, made on a connection to `connection_url`, with the default settings
/// (the global providers, read when operations run; single messages processed in their
/// producer's trace). The URL gives `server.address` and `server.port`, which a lapin
/// channel cannot tell (only its host and port are read, never its credentials; see
/// [`Builder::connection_url`]). [`Channel::builder`] for the rest.
///
/// ```no_run
/// # async fn run() -> Result<(), lapin::Error> {
/// let url = "amqp://guest:guest@127.0.0.1:5672/%2f";
/// let connection = lapin::Connection::connect(url, Default::default()).await?;
/// let channel = otel_kit_messaging::rabbitmq::instrument(connection.create_channel().await?, url);
/// # drop(channel);
/// # Ok(())
/// # }
/// ```
pub fn instrument(channel: lapin::Channel, connection_url: &str) -> Channel {
    Channel::builder(channel).connection_url(connection_url).build()
}
