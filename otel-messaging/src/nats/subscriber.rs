//! [`Subscriber`]: a core NATS subscription whose messages arrive as [`Delivery`]s,
//! each counted as consumed and processed in its own `process` span.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use async_nats::Message;
use futures_util::{Stream, StreamExt as _};
use opentelemetry::{Context, StringValue};

use crate::failure::HandlerOutcome;
use crate::message::MessageInfo;
use crate::nats::instrumentation::Instrumentation;
use crate::nats::operation_names::PROCESS;
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;
use crate::process::ProcessFuture;

/// What the messages of one subscription share.
#[derive(Debug)]
struct Subscription {
    /// The subject subscribed to, a template when it has wildcards.
    pattern: String,
    queue_group: Option<StringValue>,
}

/// A subscription from [`Client::subscribe`](crate::nats::Client::subscribe): a
/// `Stream` of [`Delivery`]s. Each message is counted on
/// `messaging.client.consumed.messages` as it is handed out, and carries the creation
/// context read from its headers.
#[derive(Debug)]
pub struct Subscriber {
    inner: async_nats::Subscriber,
    instrumentation: Arc<Instrumentation>,
    subscription: Arc<Subscription>,
}

impl Subscriber {
    pub(crate) fn new(
        inner: async_nats::Subscriber,
        instrumentation: Arc<Instrumentation>,
        pattern: String,
        queue_group: Option<String>,
    ) -> Self {
        Self {
            inner,
            instrumentation,
            subscription: Arc::new(Subscription {
                pattern,
                queue_group: queue_group.map(StringValue::from),
            }),
        }
    }

    /// The wrapped subscriber (to unsubscribe, or drain).
    pub fn inner_mut(&mut self) -> &mut async_nats::Subscriber {
        &mut self.inner
    }
}

impl Stream for Subscriber {
    type Item = Delivery;

    fn poll_next(mut self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<Delivery>> {
        let this = &mut *self;
        let Some(message) = std::task::ready!(this.inner.poll_next_unpin(task)) else {
            return Poll::Ready(None);
        };
        let subscription = &this.subscription;
        let info = this
            .instrumentation
            .incoming(&message, Some(&subscription.pattern), false);
        let delivery = Delivery {
            message,
            info,
            instrumentation: Arc::clone(&this.instrumentation),
            subscription: Arc::clone(subscription),
        };
        let messaging = this.instrumentation.messaging();
        messaging.delivered(&delivery.operation(OperationType::Process, PROCESS));
        Poll::Ready(Some(delivery))
    }
}

/// One message from a [`Subscriber`], with the creation context its producer attached.
/// Process it with [`process`](Self::process), or take it untraced with
/// [`into_message`](Self::into_message).
#[derive(Debug)]
pub struct Delivery {
    message: Message,
    info: MessageInfo,
    instrumentation: Arc<Instrumentation>,
    subscription: Arc<Subscription>,
}

impl Delivery {
    /// The message.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// The producer's context (its span and baggage), when the message carries one.
    pub fn creation_context(&self) -> Option<&Context> {
        self.info.creation_context()
    }

    /// The message, without a process span.
    pub fn into_message(self) -> Message {
        self.message
    }

    /// Runs `handler` on the message in a `process {subject}` CONSUMER span, current
    /// while the handler runs, linked to the producer's span (and its child, by default:
    /// see [`ProcessParent`](crate::ProcessParent)). An `Err` output fails the span with
    /// the error's type as `error.type`; a panic is recorded and goes on.
    ///
    /// ```no_run
    /// # async fn run(delivery: otel_kit_messaging::nats::Delivery) {
    /// let handled: Result<(), std::num::ParseIntError> = delivery
    ///     .process(|message| async move {
    ///         let quantity: u32 = std::str::from_utf8(&message.payload).unwrap_or("").parse()?;
    ///         println!("{quantity}");
    ///         Ok(())
    ///     })
    ///     .await;
    /// # drop(handled);
    /// # }
    /// ```
    pub fn process<F, Fut>(self, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(Message) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let operation = self.operation(OperationType::Process, PROCESS);
        self.instrumentation
            .messaging()
            .process(operation, handler(self.message))
    }

    fn operation(&self, operation: OperationType, name: &'static str) -> MessagingOperation {
        let mut operation = MessagingOperation::new(operation, name).message(self.info.clone());
        if let Some(group) = &self.subscription.queue_group {
            operation = operation.consumer_group(group.clone());
        }
        operation
    }

    /// One process operation over `deliveries`, and their messages.
    pub(crate) fn batch(deliveries: Vec<Delivery>) -> (MessagingOperation, Vec<Message>) {
        let group = deliveries
            .first()
            .and_then(|first| first.subscription.queue_group.clone());
        let same_group = deliveries
            .iter()
            .all(|d| d.subscription.queue_group.as_ref() == group.as_ref());
        let (infos, messages): (Vec<_>, Vec<_>) = deliveries.into_iter().map(|d| (d.info, d.message)).unzip();
        let mut operation = MessagingOperation::new(OperationType::Process, PROCESS).batch(infos);
        if same_group && let Some(group) = group {
            operation = operation.consumer_group(group);
        }
        (operation, messages)
    }
}
