//! The default queue: a tokio channel inside the process, for a demo that needs nothing
//! installed. It stands for a broker the kit has no adapter for, so it is traced with
//! otel-kit-messaging's broker-agnostic core, `Messaging`, and so follows the same
//! conventions as the NATS adapter: one dashboard shows both.
//!
//! Instrumentation: orders starts a send with its `Messaging` (a PRODUCER span `send
//! notifications`, `messaging.client.sent.messages`) and writes its context into the
//! message's headers (`MessagingCall::inject`); the worker reads it with its own
//! (`Messaging::extract`), counts the message as consumed (`delivered`) and runs the
//! handler in `process` (a CONSUMER span `process notifications`, a child of the
//! producer's, and `messaging.process.duration`).

use std::collections::HashMap;

use otel_kit::messaging::{
    Destination, Failure, MessageInfo, Messaging, MessagingOperation, OperationType, Providers,
};
use otel_kit::opentelemetry::Context;
use tokio::sync::mpsc;

use super::WORKER_CONCURRENCY;
use super::confirmation::{self, Confirmation};
use crate::services::llm::Llm;

/// `messaging.system.name`. The registry lists brokers, none of them an in-process channel;
/// the conventions allow a custom value then.
const SYSTEM: &str = "tokio_mpsc";

/// The queue's name: `messaging.destination.name`, and the spans' names.
const QUEUE: &str = "notifications";

/// How many messages the queue holds before `publish` waits.
const QUEUE_CAPACITY: usize = 1024;

/// A message on the queue: headers (the trace context) and the payload.
pub(crate) struct Message {
    headers: HashMap<String, String>,
    confirmation: Confirmation,
}

/// The sending end, held by `orders`, with orders' instrumentation.
#[derive(Clone)]
pub(crate) struct Publisher {
    sender: mpsc::Sender<Message>,
    messaging: Messaging,
}

/// A new queue: the publisher for `orders`, recording to `providers` (orders'), and the
/// receiver for [`run_worker`].
pub(crate) fn queue(providers: Providers) -> (Publisher, mpsc::Receiver<Message>) {
    let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
    let messaging = Messaging::new(SYSTEM).providers(providers);
    (Publisher { sender, messaging }, receiver)
}

fn destination() -> Destination {
    Destination::named(QUEUE)
}

impl Publisher {
    /// Queues `confirmation`, in a PRODUCER span under the current one.
    pub(crate) async fn publish(&self, confirmation: &Confirmation) {
        let send =
            MessagingOperation::new(OperationType::Send, "send").message(MessageInfo::new(destination()));
        let call = self.messaging.start(send);
        let mut headers = HashMap::new();
        call.inject(&mut headers);
        let message = Message {
            headers,
            confirmation: confirmation.clone(),
        };
        if self.sender.send(message).await.is_ok() {
            call.finish(None);
        } else {
            call.finish(Some(&Failure::new(
                "queue_closed",
                "the notifications queue is closed",
            )));
            tracing::warn!(
                shop.order.id = confirmation.order_id,
                "notifications queue closed, confirmation not sent"
            );
        }
    }
}

/// Processes messages, [`WORKER_CONCURRENCY`] at a time, until every publisher is gone
/// and the last message is done; call inside the notifications runtime. Its telemetry
/// goes to `providers` (notifications').
pub(crate) async fn run_worker(mut receiver: mpsc::Receiver<Message>, providers: Providers, llm: Llm) {
    let messaging = Messaging::new(SYSTEM).providers(providers);
    let mut in_flight = tokio::task::JoinSet::new();
    while let Some(message) = receiver.recv().await {
        if in_flight.len() >= WORKER_CONCURRENCY {
            in_flight.join_next().await;
        }
        let producer = messaging.extract(&message.headers);
        let info = MessageInfo::new(destination()).with_creation_context(producer, &Context::current());
        let process = MessagingOperation::new(OperationType::Process, "process").message(info);
        messaging.delivered(&process);
        let llm = llm.clone();
        in_flight.spawn(messaging.process(process, async move {
            confirmation::send(&llm, &message.confirmation).await
        }));
    }
    in_flight.join_all().await;
}
