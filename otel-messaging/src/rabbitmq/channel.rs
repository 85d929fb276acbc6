//! [`Channel`]: a `lapin::Channel` whose publishes and consumers are traced.

use std::future::Future;

use lapin::options::{BasicConsumeOptions, BasicPublishOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, PublisherConfirm};
use opentelemetry::Context;

use crate::failure::HandlerOutcome;
use crate::message::MessageInfo;
use crate::messaging::Messaging;
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;
use crate::process::ProcessFuture;
use crate::rabbitmq::consumer::Consumer;
use crate::rabbitmq::delivery::{ConsumedMessage, Delivery};
use crate::rabbitmq::headers::{RabbitMqHeaderExtractor, RabbitMqHeaderInjector};
use crate::rabbitmq::properties::described;
use crate::rabbitmq::{destinations, errors};
use crate::traced::traced;

/// `messaging.operation.name` of a publish.
const PUBLISH: &str = "publish";

/// A RabbitMQ channel that traces what it publishes and consumes; made by
/// [`instrument`](crate::rabbitmq::instrument) or [`Channel::builder`]. Cheap to clone.
///
/// | method | span | kind |
/// | --- | --- | --- |
/// | [`basic_publish`](Self::basic_publish) | `publish {exchange}:{routing key}` | PRODUCER |
/// | [`basic_consume`](Self::basic_consume) | none; each message's [`Delivery::process`] is `process {exchange}:{routing key}:{queue}` | CONSUMER |
/// | [`ConsumedMessage::ack`], `nack`, `reject` | `ack ...`, `nack ...`, `reject ...` | CLIENT |
///
/// The publish span's context is written into the message's `headers` property, unless
/// the headers already carry a trace context: that one is kept, and the span is then a
/// CLIENT span linked to it.
#[derive(Debug, Clone)]
pub struct Channel {
    inner: lapin::Channel,
    messaging: Messaging,
}

impl Channel {
    pub(crate) fn new(inner: lapin::Channel, messaging: Messaging) -> Self {
        Self { inner, messaging }
    }

    /// The wrapped channel, for what this wrapper does not offer (declarations,
    /// bindings, QoS: untraced).
    pub fn inner(&self) -> &lapin::Channel {
        &self.inner
    }

    /// The core instrumentation, to trace an operation this wrapper does not offer.
    pub fn messaging(&self) -> &Messaging {
        &self.messaging
    }

    /// `lapin::Channel::basic_publish`, in a `publish` PRODUCER span that ends when lapin
    /// has taken the message; the returned [`PublisherConfirm`] is lapin's, to await in
    /// confirm mode as before.
    ///
    /// ```no_run
    /// # async fn run(channel: otel_kit_messaging::rabbitmq::Channel) -> Result<(), lapin::Error> {
    /// use lapin::BasicProperties;
    /// use lapin::options::BasicPublishOptions;
    ///
    /// channel
    ///     .basic_publish("orders".into(), "created".into(), BasicPublishOptions::default(), b"order 7", BasicProperties::default())
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn basic_publish(
        &self,
        exchange: ShortString,
        routing_key: ShortString,
        options: BasicPublishOptions,
        payload: &[u8],
        properties: BasicProperties,
    ) -> lapin::Result<PublisherConfirm> {
        let mut info = MessageInfo::new(destinations::producer(exchange.as_str(), routing_key.as_str()))
            .body_size(payload.len());
        info = described(info, routing_key.as_str(), &properties);
        if let Some(headers) = properties.headers().as_ref().filter(|h| !h.inner().is_empty()) {
            let ambient = Context::current();
            info = info.with_creation_context(
                self.messaging.extract(&RabbitMqHeaderExtractor(headers)),
                &ambient,
            );
        }
        let call = self
            .messaging
            .start(MessagingOperation::new(OperationType::Send, PUBLISH).message(info));
        let mut headers = properties.headers().clone().unwrap_or_default();
        let properties =
            if call.inject(&mut RabbitMqHeaderInjector(&mut headers)) && !headers.inner().is_empty() {
                properties.with_headers(headers)
            } else {
                properties
            };
        let work = self
            .inner
            .basic_publish(exchange, routing_key, options, payload, properties);
        traced(call, work, errors::of).await
    }

    /// `lapin::Channel::basic_consume`: a [`Consumer`] whose messages are [`Delivery`]s,
    /// each counted as consumed as it is handed out.
    ///
    /// ```no_run
    /// use futures_util::StreamExt as _;
    ///
    /// # async fn run(channel: otel_kit_messaging::rabbitmq::Channel) -> Result<(), lapin::Error> {
    /// let mut consumer = channel
    ///     .basic_consume("jobs".into(), "worker".into(), Default::default(), Default::default())
    ///     .await?;
    /// while let Some(delivery) = consumer.next().await {
    ///     delivery?
    ///         .process(|message| async move {
    ///             // ... then settle: an `ack jobs` span, a child of the process span.
    ///             message.ack(Default::default()).await
    ///         })
    ///         .await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn basic_consume(
        &self,
        queue: ShortString,
        consumer_tag: ShortString,
        options: BasicConsumeOptions,
        arguments: FieldTable,
    ) -> lapin::Result<Consumer> {
        let name = queue.to_string();
        let inner = self
            .inner
            .basic_consume(queue, consumer_tag, options, arguments)
            .await?;
        Ok(Consumer::new(inner, self.messaging.clone(), name))
    }

    /// Runs `handler` over a batch of deliveries in one `process` span, linked to each
    /// message's producer (`messaging.batch.message_count`).
    pub fn process_batch<F, Fut>(&self, deliveries: Vec<Delivery>, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(Vec<ConsumedMessage>) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let (infos, messages): (Vec<_>, Vec<_>) = deliveries.into_iter().map(Delivery::into_parts).unzip();
        let operation =
            MessagingOperation::new(OperationType::Process, crate::rabbitmq::delivery::PROCESS).batch(infos);
        self.messaging.process(operation, handler(messages))
    }
}
