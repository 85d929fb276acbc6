//! [`Instrumentation`]: what a Kafka producer or consumer wrapper records with, and how a
//! record becomes a [`MessageInfo`].

use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::{Context, KeyValue, StringValue};
use otel_kit_semconv::attribute::{
    KAFKA_CLUSTER_ID, KAFKA_MESSAGE_KEY, KAFKA_MESSAGE_TOMBSTONE, KAFKA_OFFSET,
    MESSAGING_DESTINATION_PARTITION_ID,
};
use otel_kit_semconv::value::messaging_system_name;
use rdkafka::message::{BorrowedMessage, Message as _};

use crate::destination::Destination;
use crate::kafka::headers::KafkaHeaderExtractor;
use crate::message::MessageInfo;
use crate::messaging::Messaging;
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;

/// `messaging.system.name` of Kafka (the registry's value).
pub(crate) const SYSTEM: &str = messaging_system_name::KAFKA;

/// The longest key recorded as `kafka.message.key`: a longer one is data, not a
/// key worth an attribute.
const MAX_KEY_BYTES: usize = 256;

/// The core instrumentation and the Kafka settings, shared by a wrapper and what it hands
/// out. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Instrumentation {
    pub(crate) messaging: Messaging,
    /// `messaging.consumer.group.name`: the consumer's `group.id`.
    pub(crate) consumer_group: Option<StringValue>,
    /// `kafka.cluster.id`, when the application gives it.
    pub(crate) cluster_id: Option<StringValue>,
    /// Whether `kafka.message.key` is recorded (opt-in: keys are often ids of
    /// customers or users).
    pub(crate) message_key: bool,
}

/// What is known of a record, produced or consumed.
pub(crate) struct Record<'a> {
    pub(crate) topic: &'a str,
    pub(crate) partition: Option<i32>,
    pub(crate) offset: Option<i64>,
    pub(crate) key: Option<&'a [u8]>,
    pub(crate) payload: Option<&'a [u8]>,
    /// The record's headers, scanned once for what rdkafka can read.
    pub(crate) headers: Option<KafkaHeaderExtractor<'a>>,
}

impl Instrumentation {
    /// An operation of this consumer's group (none for a producer), in this cluster.
    pub(crate) fn operation(&self, operation: OperationType, name: &'static str) -> MessagingOperation {
        let mut operation = MessagingOperation::new(operation, name);
        if let Some(group) = &self.consumer_group {
            operation = operation.consumer_group(group.clone());
        }
        if let Some(cluster) = &self.cluster_id {
            operation = operation.system_attribute(KeyValue::new(KAFKA_CLUSTER_ID, cluster.clone()));
        }
        operation
    }

    /// The message the conventions see in `record`, with the creation context its
    /// headers carry (over the current context).
    pub(crate) fn info(&self, record: &Record<'_>) -> MessageInfo {
        let mut info = MessageInfo::new(Destination::named(record.topic.to_owned()));
        if let Some(partition) = record.partition.filter(|p| *p >= 0) {
            info = info.attribute(KeyValue::new(
                MESSAGING_DESTINATION_PARTITION_ID,
                partition.to_string(),
            ));
        }
        if let Some(offset) = record.offset.filter(|o| *o >= 0) {
            info = info.attribute(KeyValue::new(KAFKA_OFFSET, offset));
        }
        if self.message_key
            && let Some(key) = record.key.filter(|k| k.len() <= MAX_KEY_BYTES)
            && let Ok(key) = std::str::from_utf8(key)
        {
            info = info.attribute(KeyValue::new(KAFKA_MESSAGE_KEY, key.to_owned()));
        }
        match record.payload {
            Some(payload) => info = info.body_size(payload.len()),
            None => info = info.attribute(KeyValue::new(KAFKA_MESSAGE_TOMBSTONE, true)),
        }
        if let Some(headers) = record.headers.as_ref().filter(|h| !h.is_empty()) {
            let ambient = Context::current();
            info = info.with_creation_context(self.messaging.extract(headers), &ambient);
        }
        info
    }

    /// The message of a consumed record.
    pub(crate) fn consumed(&self, message: &BorrowedMessage<'_>) -> MessageInfo {
        self.info(&Record {
            topic: message.topic(),
            partition: Some(message.partition()),
            offset: Some(message.offset()),
            key: message.key(),
            payload: message.payload(),
            headers: message.headers().map(KafkaHeaderExtractor::new),
        })
    }
}

/// Records where the broker put a produced record on the send span of `cx`.
pub(crate) fn delivered_at(cx: &Context, partition: i32, offset: i64) {
    let span = cx.span();
    span.set_attribute(KeyValue::new(
        MESSAGING_DESTINATION_PARTITION_ID,
        partition.to_string(),
    ));
    span.set_attribute(KeyValue::new(KAFKA_OFFSET, offset));
}
