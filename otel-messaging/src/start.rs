//! How [`Messaging`] starts an operation: the span (its kind, parent and links), the
//! attributes, and the [`MessagingCall`] that ends it.

use std::future::Future;
use std::time::Instant;

use opentelemetry::trace::{SpanBuilder, SpanKind};
use opentelemetry::{Context, KeyValue};
use otel_kit_semconv::attribute::{
    MESSAGING_BATCH_MESSAGE_COUNT, MESSAGING_CLIENT_ID, MESSAGING_MESSAGE_BODY_SIZE, MESSAGING_MESSAGE_ID,
    MESSAGING_OPERATION_NAME, MESSAGING_SYSTEM_NAME, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, SERVER_ADDRESS,
    SERVER_PORT,
};

use crate::call::MessagingCall;
use crate::destination::Destination;
use crate::messaging::Messaging;
use crate::operation::{OperationType, TYPE_KEY};
use crate::operation_start::MessagingOperation;
use crate::parent::parent_and_links;
use crate::process::ProcessFuture;

impl Messaging {
    /// Starts `operation` in the current context. A send of a message that carries no
    /// creation context is a PRODUCER span whose context [`MessagingCall::inject`] writes; one that
    /// carries its own is a CLIENT span linked to it (the conventions: that context
    /// "SHOULD NOT be modified"). End the call with [`MessagingCall::finish`].
    pub fn start(&self, operation: MessagingOperation) -> MessagingCall {
        self.start_in(operation, &Context::current())
    }

    /// Runs `handler` in the process span of `operation` (a process operation), with the
    /// span current on every poll: the span ends when the handler's output is ready
    /// (failed when it is an error, see [`HandlerOutcome`](crate::HandlerOutcome)), when it
    /// panics (one `messaging.process.exception` event at ERROR, then the panic goes on),
    /// or when the future is dropped (no status). Its parent follows [`ProcessParent`](crate::ProcessParent).
    pub fn process<F: Future>(&self, operation: MessagingOperation, handler: F) -> ProcessFuture<F> {
        ProcessFuture::new(handler, self.start(operation))
    }

    /// Counts `operation`'s messages on `messaging.client.consumed.messages`: messages a
    /// push-based subscription handed to the application, with no span of their own.
    pub fn delivered(&self, operation: &MessagingOperation) {
        let mut attributes = Vec::with_capacity(8);
        self.metric_attributes(operation, &operation.effective_destination(), &mut attributes);
        let count = operation.message_count();
        self.with_instruments(|instruments| instruments.consumed.add(count, &attributes));
    }

    fn metric_attributes(
        &self,
        operation: &MessagingOperation,
        destination: &Destination,
        out: &mut Vec<KeyValue>,
    ) {
        out.push(KeyValue::new(MESSAGING_SYSTEM_NAME, self.shared.system.clone()));
        out.push(KeyValue::new(MESSAGING_OPERATION_NAME, operation.name));
        destination.metric_attributes(out);
        operation.consumer_attributes(out);
        if let Some(server) = self.known_server() {
            out.push(KeyValue::new(SERVER_ADDRESS, server.address.clone()));
            if let Some(port) = server.port {
                out.push(KeyValue::new(SERVER_PORT, i64::from(port)));
            }
        }
    }

    fn start_in(&self, operation: MessagingOperation, ambient: &Context) -> MessagingCall {
        let (start, start_time) = match operation.started {
            Some(started) => (started.instant, Some(started.time)),
            None => (Instant::now(), None),
        };
        let destination = operation.effective_destination();
        let mode = (operation.operation == OperationType::Process).then_some(self.shared.process_parent);
        let (parent, links) = parent_and_links(
            mode,
            ambient,
            &operation.messages,
            operation.link_attributes(&destination),
        );
        let single = match (&operation.messages[..], operation.batch) {
            ([message], false) => Some(message),
            _ => None,
        };
        let sends = matches!(operation.operation, OperationType::Send | OperationType::Create);
        // A message with a creation context of its own keeps it: the send is then a
        // CLIENT span, linked to that context.
        let creation = sends && single.is_none_or(|m| m.creation_span_context().is_none());
        let kind = if sends && !creation {
            SpanKind::Client
        } else {
            operation.operation.span_kind()
        };

        let mut metric_attributes = Vec::with_capacity(8);
        self.metric_attributes(&operation, &destination, &mut metric_attributes);
        let mut attributes = Vec::with_capacity(14);
        attributes.push(KeyValue::new(MESSAGING_SYSTEM_NAME, self.shared.system.clone()));
        attributes.push(KeyValue::new(MESSAGING_OPERATION_NAME, operation.name));
        attributes.push(KeyValue::new(TYPE_KEY, operation.operation.as_str()));
        destination.span_attributes(&mut attributes);
        operation.consumer_attributes(&mut attributes);
        attributes.extend(operation.system_attributes.iter().cloned());
        let server = self.known_server();
        if let Some(server) = server {
            attributes.push(KeyValue::new(SERVER_ADDRESS, server.address.clone()));
            if let Some(port) = server.port {
                attributes.push(KeyValue::new(SERVER_PORT, i64::from(port)));
            }
            if server.is_ip {
                attributes.push(KeyValue::new(NETWORK_PEER_ADDRESS, server.address.clone()));
                if let Some(port) = server.port {
                    attributes.push(KeyValue::new(NETWORK_PEER_PORT, i64::from(port)));
                }
            }
        }
        if let Some(id) = self.shared.client_id.get() {
            attributes.push(KeyValue::new(MESSAGING_CLIENT_ID, id.clone()));
        }
        if let Some(message) = single {
            attributes.extend(message.attributes.iter().cloned());
            if let Some(id) = &message.id {
                attributes.push(KeyValue::new(MESSAGING_MESSAGE_ID, id.clone()));
            }
            if self.shared.body_size
                && let Some(size) = message.body_size
            {
                attributes.push(KeyValue::new(
                    MESSAGING_MESSAGE_BODY_SIZE,
                    i64::try_from(size).unwrap_or(i64::MAX),
                ));
            }
        }
        if operation.batch {
            attributes.push(KeyValue::new(
                MESSAGING_BATCH_MESSAGE_COUNT,
                i64::try_from(operation.messages.len()).unwrap_or(i64::MAX),
            ));
        }
        let name = destination.span_name(operation.name);
        let cx = self.shared.resolver.with(Some(start), |resolved| {
            let mut builder = SpanBuilder::from_name(name)
                .with_kind(kind.clone())
                .with_attributes(attributes)
                .with_links(links);
            if let Some(time) = start_time {
                builder = builder.with_start_time(time);
            }
            let peer = server
                .filter(|_| matches!(kind, SpanKind::Producer | SpanKind::Client))
                .map(|s| (s.address.as_str(), s.port, ""));
            resolved.start_span_to(builder, &parent, peer).0
        });
        MessagingCall::new(
            self.clone(),
            cx,
            operation.operation,
            start,
            metric_attributes,
            operation.message_count(),
            creation,
        )
    }
}
