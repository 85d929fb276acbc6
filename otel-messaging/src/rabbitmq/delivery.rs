//! [`Delivery`], a consumed message and its creation context, and [`ConsumedMessage`], the
//! message a handler gets, whose acknowledgements are settle spans.

use std::future::Future;
use std::ops::Deref;

use lapin::options::{BasicAckOptions, BasicNackOptions, BasicRejectOptions};
use opentelemetry::{Context, KeyValue};
use otel_kit_semconv::attribute::RABBITMQ_MESSAGE_DELIVERY_TAG;

use crate::failure::HandlerOutcome;
use crate::message::MessageInfo;
use crate::messaging::Messaging;
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;
use crate::process::ProcessFuture;
use crate::rabbitmq::headers::RabbitMqHeaderExtractor;
use crate::rabbitmq::properties::described;
use crate::rabbitmq::{destinations, errors};
use crate::traced::traced;

/// `messaging.operation.name` of a message handed to the application to process.
pub(crate) const PROCESS: &str = "process";

/// One message from a [`Consumer`](crate::rabbitmq::Consumer), with the creation context
/// its producer attached. Process it with [`process`](Self::process), or take it with
/// [`into_message`](Self::into_message) (no process span; its acks are still traced).
#[derive(Debug)]
pub struct Delivery {
    message: ConsumedMessage,
}

impl Delivery {
    pub(crate) fn new(delivery: lapin::message::Delivery, queue: &str, messaging: &Messaging) -> Self {
        let destination =
            destinations::consumer(delivery.exchange.as_str(), delivery.routing_key.as_str(), queue);
        let tag = i64::try_from(delivery.delivery_tag).unwrap_or(i64::MAX);
        let mut info = MessageInfo::new(destination)
            .body_size(delivery.data.len())
            .attribute(KeyValue::new(RABBITMQ_MESSAGE_DELIVERY_TAG, tag));
        info = described(info, delivery.routing_key.as_str(), &delivery.properties);
        if let Some(headers) = delivery
            .properties
            .headers()
            .as_ref()
            .filter(|h| !h.inner().is_empty())
        {
            let ambient = Context::current();
            info = info.with_creation_context(messaging.extract(&RabbitMqHeaderExtractor(headers)), &ambient);
        }
        Self {
            message: ConsumedMessage {
                inner: delivery,
                info,
                messaging: messaging.clone(),
            },
        }
    }

    /// The process operation of this message.
    pub(crate) fn operation(&self) -> MessagingOperation {
        MessagingOperation::new(OperationType::Process, PROCESS).message(self.message.info.clone())
    }

    pub(crate) fn into_parts(self) -> (MessageInfo, ConsumedMessage) {
        (self.message.info.clone(), self.message)
    }

    /// The message.
    pub fn message(&self) -> &ConsumedMessage {
        &self.message
    }

    /// The producer's context (its span and baggage), when the message carries one.
    pub fn creation_context(&self) -> Option<&Context> {
        self.message.info.creation_context()
    }

    /// The message, without a process span.
    pub fn into_message(self) -> ConsumedMessage {
        self.message
    }

    /// Runs `handler` on the message in a `process {destination}` CONSUMER span, current
    /// while the handler runs, linked to the producer's span (and its child, by default:
    /// see [`ProcessParent`](crate::ProcessParent)). An `Err` output fails the span with
    /// the error's type as `error.type`; a panic is recorded and goes on.
    pub fn process<F, Fut>(self, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(ConsumedMessage) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let operation = self.operation();
        let messaging = self.message.messaging.clone();
        messaging.process(operation, handler(self.message))
    }
}

/// A consumed message. Reads go to the `lapin::message::Delivery` it dereferences to
/// (`data`, `properties`, `redelivered`); settling goes through the methods here, each a
/// CLIENT span `{ack|nack|reject} {destination}` of type `settle`, linked to the
/// message's producer, timed in `messaging.client.operation.duration`.
#[derive(Debug)]
pub struct ConsumedMessage {
    inner: lapin::message::Delivery,
    info: MessageInfo,
    messaging: Messaging,
}

impl Deref for ConsumedMessage {
    type Target = lapin::message::Delivery;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl ConsumedMessage {
    /// The wrapped delivery (its acks are not traced).
    pub fn into_inner(self) -> lapin::message::Delivery {
        self.inner
    }

    /// Acknowledges the message (`ack`).
    pub async fn ack(&self, options: BasicAckOptions) -> lapin::Result<bool> {
        let call = self.settle("ack");
        traced(call, self.inner.acker.ack(options), errors::of).await
    }

    /// Rejects the message, to be requeued or dropped as `options` say (`nack`).
    pub async fn nack(&self, options: BasicNackOptions) -> lapin::Result<bool> {
        let call = self.settle("nack");
        traced(call, self.inner.acker.nack(options), errors::of).await
    }

    /// Rejects the message (`reject`).
    pub async fn reject(&self, options: BasicRejectOptions) -> lapin::Result<bool> {
        let call = self.settle("reject");
        traced(call, self.inner.acker.reject(options), errors::of).await
    }

    fn settle(&self, name: &'static str) -> crate::MessagingCall {
        self.messaging
            .start(MessagingOperation::new(OperationType::Settle, name).message(self.info.clone()))
    }
}
