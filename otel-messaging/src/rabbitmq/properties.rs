//! What a message's AMQP properties and routing key say about it.

use lapin::BasicProperties;
use opentelemetry::KeyValue;
use otel_kit_semconv::attribute::{MESSAGING_MESSAGE_CONVERSATION_ID, RABBITMQ_DESTINATION_ROUTING_KEY};

use crate::message::MessageInfo;

/// `info` with what the properties and the routing key say about the message: its id,
/// its conversation (`correlation_id`), and the routing key when there is one.
pub(crate) fn described(
    mut info: MessageInfo,
    routing_key: &str,
    properties: &BasicProperties,
) -> MessageInfo {
    if let Some(id) = properties.message_id() {
        info = info.id(id.to_string());
    }
    if let Some(conversation) = properties.correlation_id() {
        info = info.attribute(KeyValue::new(
            MESSAGING_MESSAGE_CONVERSATION_ID,
            conversation.to_string(),
        ));
    }
    if !routing_key.is_empty() {
        info = info.attribute(KeyValue::new(
            RABBITMQ_DESTINATION_ROUTING_KEY,
            routing_key.to_owned(),
        ));
    }
    info
}
