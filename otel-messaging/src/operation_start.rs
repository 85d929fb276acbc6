//! [`MessagingOperation`]: an operation about to start, described in the conventions' terms; and
//! [`Started`], the moment an operation recorded after the fact began.

use std::time::{Instant, SystemTime};

use opentelemetry::{KeyValue, StringValue};
use otel_kit_semconv::attribute::{
    MESSAGING_CONSUMER_GROUP_NAME, MESSAGING_DESTINATION_NAME, MESSAGING_DESTINATION_SUBSCRIPTION_NAME,
    MESSAGING_MESSAGE_ID,
};

use crate::destination::Destination;
use crate::message::MessageInfo;
use crate::operation::OperationType;

/// An operation to start with [`Messaging::start`](crate::Messaging::start) or
/// [`Messaging::process`](crate::Messaging::process): its type, its system-specific name
/// (`messaging.operation.name`), the message or batch it is about, and the consumer's
/// group or subscription.
///
/// ```
/// use otel_kit_messaging::{Destination, MessageInfo, MessagingOperation, OperationType};
///
/// let publish = MessagingOperation::new(OperationType::Send, "publish")
///     .message(MessageInfo::new(Destination::named("orders")).id("a1"));
/// let fetch = MessagingOperation::new(OperationType::Receive, "fetch")
///     .destination(Destination::named("ORDERS"))
///     .batch(Vec::new())
///     .subscription("worker");
/// # let _ = (publish, fetch);
/// ```
#[derive(Debug, Clone)]
pub struct MessagingOperation {
    pub(crate) operation: OperationType,
    pub(crate) name: &'static str,
    pub(crate) destination: Option<Destination>,
    pub(crate) messages: Vec<MessageInfo>,
    pub(crate) batch: bool,
    pub(crate) consumer_group: Option<StringValue>,
    pub(crate) subscription: Option<StringValue>,
    pub(crate) system_attributes: Vec<KeyValue>,
    pub(crate) started: Option<Started>,
}

impl MessagingOperation {
    /// An operation of type `operation` that the broker calls `name` (`publish`, `ack`,
    /// `fetch`): low cardinality, a name of the client's API, never data.
    pub fn new(operation: OperationType, name: &'static str) -> Self {
        Self {
            operation,
            name,
            destination: None,
            messages: Vec::new(),
            batch: false,
            consumer_group: None,
            subscription: None,
            system_attributes: Vec::new(),
            started: None,
        }
    }

    /// The destination, when it is not the message's (a batch's shared one is found by
    /// itself).
    #[must_use]
    pub fn destination(mut self, destination: Destination) -> Self {
        self.destination = Some(destination);
        self
    }

    /// The one message the operation is about: its id and body size go on the span, its
    /// creation context is linked (and, for a process span, may be its parent).
    #[must_use]
    pub fn message(mut self, message: MessageInfo) -> Self {
        self.messages = vec![message];
        self.batch = false;
        self
    }

    /// A batch (possibly empty): `messaging.batch.message_count`, one link per message
    /// that carries a creation context, with its id (and its destination when the batch
    /// has none in common) on the link.
    #[must_use]
    pub fn batch(mut self, messages: Vec<MessageInfo>) -> Self {
        self.messages = messages;
        self.batch = true;
        self
    }

    /// `messaging.consumer.group.name`: the group of consumers sharing the messages.
    #[must_use]
    pub fn consumer_group(mut self, group: impl Into<StringValue>) -> Self {
        self.consumer_group = Some(group.into());
        self
    }

    /// `messaging.destination.subscription.name`: the named subscription consumed from.
    #[must_use]
    pub fn subscription(mut self, subscription: impl Into<StringValue>) -> Self {
        self.subscription = Some(subscription.into());
        self
    }

    /// An attribute of the messaging system's own for the span, such as Kafka's
    /// `kafka.cluster.id` (not for the metrics).
    #[must_use]
    pub fn system_attribute(mut self, attribute: KeyValue) -> Self {
        self.system_attributes.push(attribute);
        self
    }

    /// The operation began at `started` (a receive recorded once its messages are in,
    /// so that its links are there when it starts, as samplers want them).
    #[must_use]
    pub fn started_at(mut self, started: Started) -> Self {
        self.started = Some(started);
        self
    }

    /// The destination the span names: the one given, else the one every message shares.
    pub(crate) fn effective_destination(&self) -> Destination {
        match &self.destination {
            Some(destination) => destination.clone(),
            None => Destination::common(self.messages.iter().map(MessageInfo::destination)),
        }
    }

    /// How many messages it counts on `sent` and `consumed`.
    pub(crate) fn message_count(&self) -> u64 {
        if self.batch {
            u64::try_from(self.messages.len()).unwrap_or(u64::MAX)
        } else {
            1
        }
    }

    /// The consumer attributes, for the span and the metrics alike.
    pub(crate) fn consumer_attributes(&self, out: &mut Vec<KeyValue>) {
        if let Some(group) = &self.consumer_group {
            out.push(KeyValue::new(MESSAGING_CONSUMER_GROUP_NAME, group.clone()));
        }
        if let Some(subscription) = &self.subscription {
            out.push(KeyValue::new(
                MESSAGING_DESTINATION_SUBSCRIPTION_NAME,
                subscription.clone(),
            ));
        }
    }

    /// The attributes of a message's link: its id, and its destination when the span
    /// has none (a batch over several destinations).
    pub(crate) fn link_attributes(
        &self,
        destination: &Destination,
    ) -> impl Fn(&MessageInfo) -> Vec<KeyValue> {
        let own_destination = destination.name().is_none();
        move |message| {
            let mut attributes = Vec::new();
            if let Some(id) = &message.id {
                attributes.push(KeyValue::new(MESSAGING_MESSAGE_ID, id.clone()));
            }
            if own_destination && let Some(name) = message.destination.name_value() {
                attributes.push(KeyValue::new(MESSAGING_DESTINATION_NAME, name.clone()));
            }
            attributes
        }
    }
}

/// When an operation began, on both clocks: the span's start time and the duration's.
///
/// ```
/// let started = otel_kit_messaging::Started::now();
/// # let _ = started;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Started {
    pub(crate) instant: Instant,
    pub(crate) time: SystemTime,
}

impl Started {
    /// Now.
    pub fn now() -> Self {
        Self {
            instant: Instant::now(),
            time: SystemTime::now(),
        }
    }
}
