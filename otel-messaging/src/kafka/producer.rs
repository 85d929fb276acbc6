//! [`Producer`]: an rdkafka `FutureProducer` whose sends are traced.

use opentelemetry::KeyValue;
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_core::__private::call::CallFuture;
use otel_kit_semconv::attribute::MESSAGING_DESTINATION_PARTITION_ID;
use rdkafka::ClientContext;
use rdkafka::message::ToBytes;
use rdkafka::producer::future_producer::OwnedDeliveryResult;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::{AsyncRuntime, DefaultRuntime, Timeout};

use crate::kafka::errors;
use crate::kafka::headers::{KafkaHeaderExtractor, SendInjector};
use crate::kafka::instrumentation::{Instrumentation, Record, delivered_at};
use crate::messaging::Messaging;
use crate::operation::OperationType;

/// `messaging.operation.name` of a send.
const SEND: &str = "send";

/// A Kafka producer that traces what it sends; made by
/// [`producer`](crate::kafka::producer()) or [`Builder::producer`](crate::kafka::Builder::producer).
///
/// [`send`](Self::send) is a PRODUCER span `send {topic}` that ends when the broker
/// acknowledges the record (or librdkafka gives up on it), with the partition and offset
/// the broker gave it; its context is written into the record's headers. A record whose
/// headers already carry a trace context keeps it, and the send is then a CLIENT span
/// linked to it.
pub struct Producer<C: ClientContext + 'static = rdkafka::client::DefaultClientContext, R = DefaultRuntime> {
    inner: FutureProducer<C, R>,
    instrumentation: Instrumentation,
}

impl<C: ClientContext + 'static, R> Clone for Producer<C, R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            instrumentation: self.instrumentation.clone(),
        }
    }
}

impl<C: ClientContext + 'static, R> std::fmt::Debug for Producer<C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Producer")
            .field("instrumentation", &self.instrumentation)
            .finish_non_exhaustive()
    }
}

impl<C: ClientContext + 'static, R> Producer<C, R> {
    pub(crate) fn new(inner: FutureProducer<C, R>, instrumentation: Instrumentation) -> Self {
        Self {
            inner,
            instrumentation,
        }
    }

    /// The wrapped producer, for what this wrapper does not offer (transactions,
    /// flushing, metadata: untraced).
    pub fn inner(&self) -> &FutureProducer<C, R> {
        &self.inner
    }

    /// The core instrumentation, to trace an operation this wrapper does not offer.
    pub fn messaging(&self) -> &Messaging {
        &self.instrumentation.messaging
    }
}

impl<C: ClientContext + 'static, R: AsyncRuntime> Producer<C, R> {
    /// `FutureProducer::send` in a `send {topic}` span, the trace context added to the
    /// record's headers. Returns what rdkafka returns; a failed delivery fails the span
    /// with librdkafka's error code as `error.type` (`message_timed_out`, ...).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use rdkafka::producer::FutureRecord;
    ///
    /// # async fn run(producer: otel_kit_messaging::kafka::Producer) {
    /// let record = FutureRecord::to("orders").key("order-7").payload("created");
    /// match producer.send(record, Duration::from_secs(5)).await {
    ///     Ok(delivery) => println!("at {}:{}", delivery.partition, delivery.offset),
    ///     Err((error, _record)) => eprintln!("not sent: {error}"),
    /// }
    /// # }
    /// ```
    pub async fn send<K, P, T>(&self, record: FutureRecord<'_, K, P>, queue_timeout: T) -> OwnedDeliveryResult
    where
        K: ToBytes + ?Sized,
        P: ToBytes + ?Sized,
        T: Into<Timeout>,
    {
        let instrumentation = &self.instrumentation;
        // The partition goes on the span once the broker has said which; one asked for
        // is recorded if the send fails.
        // The headers scanned once, for the creation context they carry and whether they
        // can be rewritten: one caught panic a send at most, whatever they hold.
        let extractor = record
            .headers
            .as_ref()
            .map(|headers| KafkaHeaderExtractor::new(headers.as_borrowed()));
        let rewritable = extractor.as_ref().is_none_or(KafkaHeaderExtractor::rewritable);
        let info = instrumentation.info(&Record {
            topic: record.topic,
            partition: None,
            offset: None,
            key: record.key.map(ToBytes::to_bytes),
            payload: record.payload.map(ToBytes::to_bytes),
            headers: extractor,
        });
        let asked_partition = record.partition;
        let call = instrumentation
            .messaging
            .start(instrumentation.operation(OperationType::Send, SEND).message(info));
        let mut headers = record.headers.clone().unwrap_or_default();
        let record = if call.inject(&mut SendInjector::new(&mut headers, rewritable)) {
            record.headers(headers)
        } else {
            record
        };
        let (result, call) = CallFuture::new(self.inner.send(record, queue_timeout), call).await;
        if let Some(call) = call {
            match &result {
                Ok(delivery) => {
                    delivered_at(call.context(), delivery.partition, delivery.offset);
                    call.finish(None);
                }
                Err((error, _)) => {
                    if let Some(partition) = asked_partition.filter(|p| *p >= 0) {
                        call.context().span().set_attribute(KeyValue::new(
                            MESSAGING_DESTINATION_PARTITION_ID,
                            partition.to_string(),
                        ));
                    }
                    call.finish(Some(&errors::of(error)));
                }
            }
        }
        result
    }
}
