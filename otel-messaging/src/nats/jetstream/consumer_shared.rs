//! What every message of one JetStream consumer shares.

use std::sync::Arc;

use opentelemetry::StringValue;

use crate::nats::instrumentation::Instrumentation;
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;

/// What every message of one consumer shares.
#[derive(Debug)]
pub(crate) struct ConsumerShared {
    pub(crate) instrumentation: Arc<Instrumentation>,
    /// The durable consumer's name: `messaging.destination.subscription.name`. An
    /// ephemeral consumer's generated name is left out (one per run, unbounded).
    pub(crate) subscription: Option<StringValue>,
    /// The consumer's one filter subject, the template of its messages when it has
    /// wildcards.
    pub(crate) filter: Option<String>,
}

impl ConsumerShared {
    /// An operation over one message of this consumer.
    pub(crate) fn operation(&self, operation: OperationType, name: &'static str) -> MessagingOperation {
        let operation = MessagingOperation::new(operation, name);
        match &self.subscription {
            Some(subscription) => operation.subscription(subscription.clone()),
            None => operation,
        }
    }
}
