//! The Kafka adapter (feature `kafka`): wraps rdkafka's `FutureProducer` and
//! `StreamConsumer` so that what they send and consume follows the messaging
//! conventions and the Kafka conventions, with trace context in the record headers.
//!
//! ```no_run
//! use std::time::Duration;
//! use rdkafka::ClientConfig;
//! use rdkafka::consumer::{Consumer as _, StreamConsumer};
//! use rdkafka::producer::{FutureProducer, FutureRecord};
//!
//! # async fn run() -> Result<(), rdkafka::error::KafkaError> {
//! let mut config = ClientConfig::new();
//! config.set("bootstrap.servers", "localhost:9092");
//! let producer = otel_kit_messaging::kafka::producer(config.create::<FutureProducer>()?, &config);
//!
//! // PRODUCER `send orders`, its context in the record's headers.
//! producer
//!     .send(FutureRecord::to("orders").key("order-7").payload("created"), Duration::from_secs(5))
//!     .await
//!     .map_err(|(error, _)| error)?;
//!
//! config.set("group.id", "billing");
//! let consumer = otel_kit_messaging::kafka::consumer(config.create::<StreamConsumer>()?, &config);
//! consumer.inner().subscribe(&["orders"])?;
//! // CONSUMER `process orders`, in the producer's trace.
//! let delivery = consumer.recv().await?;
//! delivery.process(|record| async move { drop(record) }).await;
//! # Ok(())
//! # }
//! ```
//!
//! # What is recorded
//!
//! `messaging.system.name` is `kafka`. The destination is the topic. `server.address` and
//! `server.port` come from the first broker of `bootstrap.servers`,
//! `messaging.client.id` from `client.id` and `messaging.consumer.group.name` from
//! `group.id` (all read from the `ClientConfig` given, never its credentials).
//! Single-record spans carry `messaging.destination.partition.id`,
//! `kafka.offset` (a send's once the broker acknowledged it),
//! `kafka.message.tombstone` for a record without a payload, and, when asked
//! for with [`Builder::record_message_key`], `kafka.message.key`.
//!
//! | operation | span name | kind | `messaging.operation.type` | metrics |
//! | --- | --- | --- | --- | --- |
//! | [`Producer::send`] | `send {topic}` | PRODUCER | `send` | sent, operation duration |
//! | [`Consumer::recv`] | none | | | consumed (`process`) |
//! | [`Delivery::process`], [`Consumer::process_batch`] | `process {topic}` | CONSUMER | `process` | process duration |
//! | [`Consumer::poll_batch`] | `poll {topic}`, a link per record | CLIENT | `receive` | consumed, operation duration |
//! | [`Consumer::commit_message`] | `commit {topic}` | CLIENT | `settle` | operation duration |
//!
//! librdkafka is built from the source rdkafka bundles unless the application's own
//! rdkafka dependency asks for `dynamic-linking` (a system librdkafka, at least the
//! version rdkafka-sys bundles) or `cmake-build`; features unify, so that choice, and
//! TLS, SASL and the codecs, are made there.

mod builder;
mod consumer;
mod delivery;
mod errors;
mod headers;
mod instrumentation;
mod producer;

pub use builder::Builder;
pub use consumer::Consumer;
pub use delivery::Delivery;
pub use headers::{KafkaHeaderExtractor, KafkaHeaderInjector, MAX_HEADERS};
pub use producer::Producer;
use rdkafka::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{ConsumerContext, StreamConsumer};
use rdkafka::producer::FutureProducer;

/// Wraps `producer`, made from `config`, with the default settings (the global
/// providers, read when operations run; the broker and client id read from `config`).
/// [`Builder`] for the rest.
///
/// ```no_run
/// use rdkafka::ClientConfig;
/// use rdkafka::producer::FutureProducer;
///
/// let mut config = ClientConfig::new();
/// config.set("bootstrap.servers", "localhost:9092");
/// let producer = otel_kit_messaging::kafka::producer(config.create::<FutureProducer>().unwrap(), &config);
/// # drop(producer);
/// ```
pub fn producer<C: ClientContext + 'static, R>(
    producer: FutureProducer<C, R>,
    config: &ClientConfig,
) -> Producer<C, R> {
    Builder::new(config).producer(producer)
}

/// Wraps `consumer`, made from `config`, with the default settings (the global
/// providers; the broker, client id and group read from `config`; single records
/// processed in their producer's trace). [`Builder`] for the rest.
///
/// ```no_run
/// use rdkafka::ClientConfig;
/// use rdkafka::consumer::StreamConsumer;
///
/// let mut config = ClientConfig::new();
/// config.set("bootstrap.servers", "localhost:9092").set("group.id", "billing");
/// let consumer = otel_kit_messaging::kafka::consumer(config.create::<StreamConsumer>().unwrap(), &config);
/// # drop(consumer);
/// ```
pub fn consumer<C: ConsumerContext + 'static, R>(
    consumer: StreamConsumer<C, R>,
    config: &ClientConfig,
) -> Consumer<C, R> {
    Builder::new(config).consumer(consumer)
}
