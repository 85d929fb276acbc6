//! [`JetStreamDelivery`], a consumed JetStream message and its creation context, and
//! [`JetStreamMessage`], the message a handler gets, whose acks are settle spans.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::AckKind;
use opentelemetry::Context;

use crate::failure::HandlerOutcome;
use crate::message::MessageInfo;
use crate::nats::errors;
use crate::nats::jetstream::consumer_shared::ConsumerShared;
use crate::nats::operation_names::PROCESS;
use crate::operation::OperationType;
use crate::process::ProcessFuture;
use crate::traced::traced;

/// One message from a [`Consumer`](crate::nats::Consumer), with the creation context its
/// producer attached. Process it with [`process`](Self::process), or take it with
/// [`into_message`](Self::into_message) (no process span; its acks are still traced).
#[derive(Debug)]
pub struct JetStreamDelivery {
    message: JetStreamMessage,
}

impl JetStreamDelivery {
    pub(crate) fn new(message: async_nats::jetstream::Message, shared: &Arc<ConsumerShared>) -> Self {
        let info = shared
            .instrumentation
            .incoming(&message.message, shared.filter.as_deref(), false);
        Self {
            message: JetStreamMessage {
                inner: message,
                info,
                shared: Arc::clone(shared),
            },
        }
    }

    pub(crate) fn info(&self) -> &MessageInfo {
        &self.message.info
    }

    /// The message.
    pub fn message(&self) -> &JetStreamMessage {
        &self.message
    }

    /// The producer's context (its span and baggage), when the message carries one.
    pub fn creation_context(&self) -> Option<&Context> {
        self.message.info.creation_context()
    }

    /// The message, without a process span.
    pub fn into_message(self) -> JetStreamMessage {
        self.message
    }

    /// Runs `handler` on the message in a `process {subject}` CONSUMER span, as
    /// [`Delivery::process`](crate::nats::Delivery::process) does; the handler settles
    /// the message through [`JetStreamMessage`]'s methods, in settle spans that are
    /// children of the process span.
    pub fn process<F, Fut>(self, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(JetStreamMessage) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let shared = Arc::clone(&self.message.shared);
        let operation = shared
            .operation(OperationType::Process, PROCESS)
            .message(self.message.info.clone());
        shared
            .instrumentation
            .messaging()
            .process(operation, handler(self.message))
    }
}

/// A consumed JetStream message. Reads go to the `async_nats::jetstream::Message` it
/// dereferences to (`payload`, `subject`, `info()`); settling goes through the methods
/// here, each a CLIENT span named `{ack|nak|term|progress} {subject}` of type `settle`,
/// linked to the message's producer, timed in `messaging.client.operation.duration`.
#[derive(Debug)]
pub struct JetStreamMessage {
    inner: async_nats::jetstream::Message,
    info: MessageInfo,
    shared: Arc<ConsumerShared>,
}

impl Deref for JetStreamMessage {
    type Target = async_nats::jetstream::Message;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl JetStreamMessage {
    /// The wrapped message (its acks are not traced).
    pub fn into_inner(self) -> async_nats::jetstream::Message {
        self.inner
    }

    /// Acknowledges the message (`ack`).
    pub async fn ack(&self) -> Result<(), async_nats::Error> {
        self.settle("ack", AckKind::Ack).await
    }

    /// Asks for redelivery, after `delay` when given (`nak`).
    pub async fn nak(&self, delay: Option<Duration>) -> Result<(), async_nats::Error> {
        self.settle("nak", AckKind::Nak(delay)).await
    }

    /// Stops redelivery without acknowledging (`term`).
    pub async fn term(&self) -> Result<(), async_nats::Error> {
        self.settle("term", AckKind::Term).await
    }

    /// Asks for more time to process (`progress`).
    pub async fn in_progress(&self) -> Result<(), async_nats::Error> {
        self.settle("progress", AckKind::Progress).await
    }

    /// Settles with any [`AckKind`] (`ack`, `nak`, `progress`, `next`, `term`).
    pub async fn ack_with(&self, kind: AckKind) -> Result<(), async_nats::Error> {
        let name = match kind {
            AckKind::Ack => "ack",
            AckKind::Nak(_) => "nak",
            AckKind::Progress => "progress",
            AckKind::Next => "next",
            AckKind::Term => "term",
        };
        self.settle(name, kind).await
    }

    async fn settle(&self, name: &'static str, kind: AckKind) -> Result<(), async_nats::Error> {
        let operation = self
            .shared
            .operation(OperationType::Settle, name)
            .message(self.info.clone());
        let call = self.shared.instrumentation.messaging().start(operation);
        traced(call, self.inner.ack_with(kind), |error| {
            errors::of_boxed(error.as_ref())
        })
        .await
    }
}
