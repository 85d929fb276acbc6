//! [`MessagingCall`]: one messaging operation in flight: its span and what its metrics will
//! record, ended exactly once (with its outcome, on a panic, or when dropped).

use std::time::Instant;

use opentelemetry::propagation::Injector;
use opentelemetry::trace::{SpanContext, Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue};
use otel_kit_core::__private::call::{ERROR_TYPE_PANIC, EndEarly};
use otel_kit_core::__private::exception;
use otel_kit_semconv::attribute::ERROR_TYPE;

use crate::failure::Failure;
use crate::messaging::Messaging;
use crate::operation::{OperationType, TYPE_KEY};

/// An operation in flight, from [`Messaging::start`] or [`Messaging::process`]: its span
/// is current while the work runs (through [`otel_kit_core::__private::call::CallFuture`]), and it
/// ends once: [`finish`](Self::finish) with the outcome, or as a panic or a cancellation
/// ([`EndEarly`]), or with no status when dropped.
///
/// On end it records the operation's metrics, in the span's context: a send counts
/// `messaging.client.sent.messages` and times `messaging.client.operation.duration`, a
/// receive counts `messaging.client.consumed.messages` and times the same, a settle
/// times it, a process times `messaging.process.duration`.
#[derive(Debug)]
pub struct MessagingCall {
    messaging: Messaging,
    cx: Context,
    operation: OperationType,
    start: Instant,
    /// The metric attributes, without `messaging.operation.type` and `error.type`.
    metric_attributes: Vec<KeyValue>,
    messages: u64,
    /// Whether the span is the message's creation context, which is injected.
    creation: bool,
    ended: bool,
}

impl MessagingCall {
    pub(crate) fn new(
        messaging: Messaging,
        cx: Context,
        operation: OperationType,
        start: Instant,
        metric_attributes: Vec<KeyValue>,
        messages: u64,
        creation: bool,
    ) -> Self {
        Self {
            messaging,
            cx,
            operation,
            start,
            metric_attributes,
            messages,
            creation,
            ended: false,
        }
    }

    /// The span's context.
    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// Writes the span's context into the outgoing message's headers, when it is the
    /// message's creation context: a send of a message that carried no context of its
    /// own. Returns whether it wrote.
    pub fn inject(&self, injector: &mut dyn Injector) -> bool {
        if self.creation {
            self.messaging.inject(&self.cx, injector);
        }
        self.creation
    }

    /// Links the span to `span_context` (a reply's creation context), when valid.
    pub fn add_link(&self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        if span_context.is_valid() {
            self.cx.span().add_link(span_context, attributes);
        }
    }

    /// Records `failure` (or success, with `None`) on the span and the metrics, then
    /// ends the span. A failure that is an exception ([`Failure::exception_type`]: an
    /// error the operation returned) is also the operation's exception event, once.
    pub fn finish(mut self, failure: Option<&Failure>) {
        self.end(Outcome::Done(failure));
    }

    fn end(&mut self, outcome: Outcome<'_>) {
        if self.ended {
            return;
        }
        self.ended = true;
        let span = self.cx.span();
        let mut attributes = std::mem::take(&mut self.metric_attributes);
        let failure = match outcome {
            Outcome::Done(failure) => failure.map(|f| {
                // An error the operation returned: its one exception event.
                if let Some(exception_type) = f.exception_type() {
                    let event = (
                        self.operation.exception_event(),
                        self.operation.exception_severity(),
                    );
                    self.messaging.with_resolved(|resolved| {
                        exception::record_error(resolved, &self.cx, event, exception_type, f.description());
                    });
                }
                (f.error_type_value(), f.description().to_owned())
            }),
            Outcome::Panicked(description) => Some((ERROR_TYPE_PANIC.into(), description)),
            Outcome::Cancelled => None,
        };
        if let Some((error_type, description)) = failure {
            let kv = KeyValue::new(ERROR_TYPE, error_type);
            span.set_attribute(kv.clone());
            span.set_status(Status::error(description));
            attributes.push(kv);
        }
        let seconds = self.start.elapsed().as_secs_f64();
        let _guard = self.cx.clone().attach();
        self.messaging
            .with_instruments(|instruments| match self.operation {
                OperationType::Process => instruments.process_duration.record(seconds, &attributes),
                OperationType::Create => {}
                client => {
                    match client {
                        OperationType::Send => instruments.sent.add(self.messages, &attributes),
                        OperationType::Receive if self.messages > 0 => {
                            instruments.consumed.add(self.messages, &attributes);
                        }
                        _ => {}
                    }
                    debug_assert!(client.is_client_operation());
                    attributes.push(KeyValue::new(TYPE_KEY, client.as_str()));
                    instruments.operation_duration.record(seconds, &attributes);
                }
            });
        span.end();
    }
}

/// How a call ended.
enum Outcome<'a> {
    Done(Option<&'a Failure>),
    Panicked(String),
    Cancelled,
}

impl EndEarly for MessagingCall {
    fn context(&self) -> &Context {
        &self.cx
    }

    /// One `messaging.<type>.exception` event (ERROR for a handler, WARN otherwise), in
    /// the span's context; the span and the metric get `error.type = panic`.
    fn panicked(mut self, payload: &(dyn std::any::Any + Send)) {
        let event = (
            self.operation.exception_event(),
            self.operation.exception_severity(),
        );
        let resolver = &self.messaging.shared.resolver;
        let description =
            exception::record_panic(resolver, &self.cx, event, payload, "the operation panicked");
        self.end(Outcome::Panicked(exception::bounded(&description).to_owned()));
    }

    /// The caller stopped waiting: the span ends with no status.
    fn cancelled(mut self) {
        self.end(Outcome::Cancelled);
    }
}

impl Drop for MessagingCall {
    fn drop(&mut self) {
        self.end(Outcome::Cancelled);
    }
}
