//! [`Consumer`]: an rdkafka `StreamConsumer` whose records are processed in spans, whose
//! batches are polled in spans linked to each record's producer, and whose commits are
//! settle spans.

use std::future::Future;
use std::pin::pin;
use std::time::{Duration, Instant};

use futures_util::future::{Either, select};
use rdkafka::consumer::{CommitMode, Consumer as _, ConsumerContext, DefaultConsumerContext, StreamConsumer};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::message::BorrowedMessage;
use rdkafka::util::{AsyncRuntime, DefaultRuntime};

use crate::destination::Destination;
use crate::failure::HandlerOutcome;
use crate::kafka::delivery::{Delivery, PROCESS};
use crate::kafka::errors;
use crate::kafka::instrumentation::Instrumentation;
use crate::messaging::Messaging;
use crate::operation::OperationType;
use crate::operation_start::Started;
use crate::process::ProcessFuture;

/// `messaging.operation.name` of a batch received.
const POLL: &str = "poll";
/// `messaging.operation.name` of an offset committed.
const COMMIT: &str = "commit";

/// A Kafka consumer whose records are traced; made by
/// [`consumer`](crate::kafka::consumer()) or [`Builder::consumer`](crate::kafka::Builder::consumer).
///
/// | method | span | kind |
/// | --- | --- | --- |
/// | [`recv`](Self::recv) | none (counted as consumed); the [`Delivery::process`] is `process {topic}` | CONSUMER |
/// | [`poll_batch`](Self::poll_batch) | `poll {topic}`, one link per record | CLIENT |
/// | [`process_batch`](Self::process_batch) | `process {topic}`, one link per record | CONSUMER |
/// | [`commit_message`](Self::commit_message) | `commit {topic}` | CLIENT |
pub struct Consumer<C: ConsumerContext + 'static = DefaultConsumerContext, R = DefaultRuntime> {
    inner: StreamConsumer<C, R>,
    instrumentation: Instrumentation,
}

impl<C: ConsumerContext + 'static, R> std::fmt::Debug for Consumer<C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("instrumentation", &self.instrumentation)
            .finish_non_exhaustive()
    }
}

impl<C: ConsumerContext + 'static, R> Consumer<C, R> {
    pub(crate) fn new(inner: StreamConsumer<C, R>, instrumentation: Instrumentation) -> Self {
        Self {
            inner,
            instrumentation,
        }
    }

    /// The wrapped consumer, for what this wrapper does not offer (subscribing,
    /// assignment, seeking: untraced).
    pub fn inner(&self) -> &StreamConsumer<C, R> {
        &self.inner
    }

    /// The core instrumentation, to trace an operation this wrapper does not offer.
    pub fn messaging(&self) -> &Messaging {
        &self.instrumentation.messaging
    }

    /// Commits `message`'s offset (`Consumer::commit_message`) in a `commit {topic}`
    /// CLIENT span of type `settle`, linked to the record's producer. In
    /// [`CommitMode::Sync`] it blocks until the broker answers, as rdkafka's does.
    pub fn commit_message(&self, message: &BorrowedMessage<'_>, mode: CommitMode) -> KafkaResult<()> {
        let info = self.instrumentation.consumed(message);
        let call = self.instrumentation.messaging.start(
            self.instrumentation
                .operation(OperationType::Settle, COMMIT)
                .message(info),
        );
        let result = {
            let _current = call.context().clone().attach();
            self.inner.commit_message(message, mode)
        };
        call.finish(result.as_ref().err().map(errors::of).as_ref());
        result
    }

    /// Runs `handler` over a batch of deliveries in one `process {topic}` CONSUMER span,
    /// linked to each record's producer (`messaging.batch.message_count`).
    pub fn process_batch<'a, F, Fut>(&self, deliveries: Vec<Delivery<'a>>, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(Vec<BorrowedMessage<'a>>) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let (infos, messages): (Vec<_>, Vec<_>) = deliveries.into_iter().map(Delivery::into_parts).unzip();
        let operation = self
            .instrumentation
            .operation(OperationType::Process, PROCESS)
            .batch(infos);
        self.instrumentation
            .messaging
            .process(operation, handler(messages))
    }
}

impl<C: ConsumerContext + 'static, R: AsyncRuntime> Consumer<C, R> {
    /// `StreamConsumer::recv`: the next record, counted on
    /// `messaging.client.consumed.messages`, as a [`Delivery`] to process in its span.
    /// An error is rdkafka's, returned as it is.
    ///
    /// ```no_run
    /// # async fn run(consumer: otel_kit_messaging::kafka::Consumer) -> Result<(), rdkafka::error::KafkaError> {
    /// use rdkafka::message::Message as _;
    ///
    /// let delivery = consumer.recv().await?;
    /// delivery
    ///     .process(|record| async move { println!("{:?}", record.payload()) })
    ///     .await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv(&self) -> Result<Delivery<'_>, KafkaError> {
        let message = self.inner.recv().await?;
        let delivery = Delivery::new(message, &self.instrumentation);
        let operation = self
            .instrumentation
            .operation(OperationType::Process, PROCESS)
            .message(delivery.info().clone());
        self.instrumentation.messaging.delivered(&operation);
        Ok(delivery)
    }

    /// Receives up to `max_messages` records, waiting at most `max_wait` in all, in one
    /// `poll {topic}` CLIENT span of type `receive` that starts when the wait starts and
    /// links to each record's producer; the records are counted as consumed. An error
    /// from rdkafka ends the wait and fails the span (`error.type`); it is returned when
    /// no record came before it, else the records are (the error is then on the span
    /// only). An empty batch (nothing within `max_wait`) is a span
    /// too, with `messaging.batch.message_count` 0.
    ///
    /// ```no_run
    /// # async fn run(consumer: otel_kit_messaging::kafka::Consumer) -> Result<(), rdkafka::error::KafkaError> {
    /// use std::time::Duration;
    ///
    /// let batch = consumer.poll_batch(100, Duration::from_millis(500)).await?;
    /// consumer.process_batch(batch, |records| async move { println!("{} records", records.len()) }).await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn poll_batch(
        &self,
        max_messages: usize,
        max_wait: Duration,
    ) -> Result<Vec<Delivery<'_>>, KafkaError> {
        let started = Started::now();
        let deadline = Instant::now() + max_wait;
        let mut deliveries = Vec::new();
        let mut failed = None;
        while deliveries.len() < max_messages {
            let Some(left) = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
            else {
                break;
            };
            let recv = pin!(self.inner.recv());
            let timer = pin!(R::delay_for(left));
            match select(recv, timer).await {
                Either::Left((Ok(message), _)) => {
                    deliveries.push(Delivery::new(message, &self.instrumentation))
                }
                Either::Left((Err(error), _)) => {
                    failed = Some(error);
                    break;
                }
                Either::Right(_) => break,
            }
        }
        let infos: Vec<_> = deliveries.iter().map(|d| d.info().clone()).collect();
        let mut operation = self
            .instrumentation
            .operation(OperationType::Receive, POLL)
            .batch(infos)
            .started_at(started);
        if deliveries.is_empty() {
            // No record to name the topic: the span is `poll`.
            operation = operation.destination(Destination::none());
        }
        let call = self.instrumentation.messaging.start(operation);
        call.finish(failed.as_ref().map(errors::of).as_ref());
        match failed {
            Some(error) if deliveries.is_empty() => Err(error),
            _ => Ok(deliveries),
        }
    }
}
