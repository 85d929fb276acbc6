//! [`Consumer`]: a JetStream pull consumer whose messages are traced: a continuous
//! [`Messages`] stream (each message processed in its own span), or a [`fetch`]
//! (one `fetch` receive span over the batch, linked to each message's producer).
//!
//! [`fetch`]: Consumer::fetch

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use async_nats::jetstream::consumer::PullConsumer;
use async_nats::jetstream::consumer::StreamError;
use async_nats::jetstream::consumer::pull::{MessagesError, Stream as PullStream};
use futures_util::{Stream, StreamExt as _};
use opentelemetry::StringValue;
use pin_project_lite::pin_project;

use crate::destination::Destination;
use crate::failure::HandlerOutcome;
use crate::nats::errors;
use crate::nats::instrumentation::Instrumentation;
use crate::nats::jetstream::message::{JetStreamDelivery, JetStreamMessage};
use crate::nats::operation_names::PROCESS;
use crate::nats::subjects::has_wildcard;
use crate::operation::OperationType;
use crate::operation_start::Started;
use crate::process::ProcessFuture;

/// `messaging.operation.name` of a pull of a batch.
const FETCH: &str = "fetch";

use crate::nats::jetstream::consumer_shared::ConsumerShared;

/// A JetStream pull consumer, traced; from [`JetStream::consumer`](crate::nats::JetStream::consumer).
#[derive(Debug)]
pub struct Consumer {
    inner: PullConsumer,
    shared: Arc<ConsumerShared>,
}

impl Consumer {
    pub(crate) fn new(inner: PullConsumer, instrumentation: Arc<Instrumentation>) -> Self {
        let config = &inner.cached_info().config;
        let subscription = config.durable_name.clone().map(StringValue::from);
        let filter = Some(config.filter_subject.clone()).filter(|subject| !subject.is_empty());
        Self {
            inner,
            shared: Arc::new(ConsumerShared {
                instrumentation,
                subscription,
                filter,
            }),
        }
    }

    /// The wrapped consumer.
    pub fn inner(&self) -> &PullConsumer {
        &self.inner
    }

    /// The consumer's messages as they come, pulled continuously: each a
    /// [`JetStreamDelivery`], counted as consumed as it is handed out.
    ///
    /// ```no_run
    /// use futures_util::StreamExt as _;
    ///
    /// # async fn run(consumer: otel_kit_messaging::nats::Consumer) -> Result<(), async_nats::Error> {
    /// let mut messages = consumer.messages().await?;
    /// while let Some(delivery) = messages.next().await {
    ///     delivery?
    ///         .process(|message| async move {
    ///             // ... then settle: an `ack {subject}` span, a child of the process span.
    ///             message.ack().await
    ///         })
    ///         .await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn messages(&self) -> Result<Messages, StreamError> {
        let inner = self.inner.messages().await?;
        self.shared.instrumentation.settle_server().await;
        Ok(Messages {
            inner,
            shared: Arc::clone(&self.shared),
        })
    }

    /// Pulls up to `max_messages` messages (fewer when the consumer has fewer, after the
    /// pull's expiry) in one `fetch` CLIENT span of type `receive`: started when the pull
    /// is, recorded once the batch is in so that its links (one per message's producer,
    /// with the message's id) are there from its start; `messaging.batch.message_count`
    /// is the number of messages, and they are counted as consumed. An error ends the
    /// span with its `error.type`; the messages of a failed pull are redelivered by the
    /// server after their ack wait.
    pub async fn fetch(&self, max_messages: usize) -> Result<Vec<JetStreamDelivery>, async_nats::Error> {
        let started = Started::now();
        let result = self.fetch_all(max_messages).await;
        let instrumentation = &self.shared.instrumentation;
        instrumentation.settle_server().await;
        let messaging = instrumentation.messaging();
        let (messages, failure) = match result {
            Ok(messages) => (messages, None),
            Err(failed) => (Vec::new(), Some(failed)),
        };
        let deliveries: Vec<JetStreamDelivery> = messages
            .into_iter()
            .map(|message| JetStreamDelivery::new(message, &self.shared))
            .collect();
        let mut operation = self
            .shared
            .operation(OperationType::Receive, FETCH)
            .batch(deliveries.iter().map(|d| d.info().clone()).collect())
            .started_at(started);
        if let Some(filter) = &self.shared.filter {
            operation = operation.destination(if has_wildcard(filter) {
                Destination::none().template(filter.clone())
            } else {
                Destination::named(filter.clone())
            });
        }
        let call = messaging.start(operation);
        match failure {
            None => {
                call.finish(None);
                Ok(deliveries)
            }
            Some((failure, error)) => {
                call.finish(Some(&failure));
                Err(error)
            }
        }
    }

    async fn fetch_all(
        &self,
        max_messages: usize,
    ) -> Result<Vec<async_nats::jetstream::Message>, (crate::Failure, async_nats::Error)> {
        let mut batch = match self.inner.fetch().max_messages(max_messages).messages().await {
            Ok(batch) => batch,
            Err(error) => return Err((errors::of_kind(error.kind(), &error), Box::new(error))),
        };
        let mut messages = Vec::new();
        while let Some(message) = batch.next().await {
            match message {
                Ok(message) => messages.push(message),
                Err(error) => return Err((errors::of_boxed(error.as_ref()), error)),
            }
        }
        Ok(messages)
    }

    /// Runs `handler` over fetched messages in one `process` span linked to each
    /// message's producer.
    ///
    /// ```no_run
    /// # async fn run(consumer: otel_kit_messaging::nats::Consumer) -> Result<(), async_nats::Error> {
    /// let batch = consumer.fetch(10).await?;
    /// consumer
    ///     .process_batch(batch, |messages| async move {
    ///         for message in &messages {
    ///             message.ack().await?;
    ///         }
    ///         Ok::<_, async_nats::Error>(())
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn process_batch<F, Fut>(&self, deliveries: Vec<JetStreamDelivery>, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(Vec<JetStreamMessage>) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let operation = self
            .shared
            .operation(OperationType::Process, PROCESS)
            .batch(deliveries.iter().map(|d| d.info().clone()).collect());
        let messages = deliveries
            .into_iter()
            .map(JetStreamDelivery::into_message)
            .collect();
        self.shared
            .instrumentation
            .messaging()
            .process(operation, handler(messages))
    }
}

pin_project! {
    /// A consumer's messages as they come; from [`Consumer::messages`].
    pub struct Messages {
        #[pin]
        inner: PullStream,
        shared: Arc<ConsumerShared>,
    }
}

impl Stream for Messages {
    type Item = Result<JetStreamDelivery, MessagesError>;

    fn poll_next(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        let Some(next) = std::task::ready!(this.inner.poll_next(task)) else {
            return Poll::Ready(None);
        };
        Poll::Ready(Some(next.map(|message| {
            let delivery = JetStreamDelivery::new(message, this.shared);
            let operation = this
                .shared
                .operation(OperationType::Process, PROCESS)
                .message(delivery.info().clone());
            this.shared.instrumentation.messaging().delivered(&operation);
            delivery
        })))
    }
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages").finish_non_exhaustive()
    }
}
