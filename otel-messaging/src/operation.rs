//! [`OperationType`]: the five kinds of messaging operation of the conventions.

use opentelemetry::logs::Severity;
use opentelemetry::trace::SpanKind;
use otel_kit_semconv::attribute::MESSAGING_OPERATION_TYPE;

/// `messaging.operation.type`: what an operation does to messages, whatever the broker
/// calls it (the broker's own name is `messaging.operation.name`).
/// The five kinds of the conventions, with the span kind, metrics and exception event
/// each one has:
///
/// | type | span kind | metrics | exception event (severity) |
/// | --- | --- | --- | --- |
/// | `send` | PRODUCER (CLIENT when the message carries a creation context of its own) | `messaging.client.sent.messages`, `messaging.client.operation.duration` | `messaging.send.exception` (WARN) |
/// | `receive` | CLIENT | `messaging.client.consumed.messages`, `messaging.client.operation.duration` | `messaging.receive.exception` (WARN) |
/// | `process` | CONSUMER | `messaging.process.duration` | `messaging.process.exception` (ERROR) |
/// | `settle` | CLIENT | `messaging.client.operation.duration` | `messaging.settle.exception` (WARN) |
/// | `create` | PRODUCER | none | `messaging.create.exception` (WARN) |
///
/// ```
/// use opentelemetry::trace::SpanKind;
/// use otel_kit_messaging::OperationType;
///
/// assert_eq!(OperationType::Process.as_str(), "process");
/// assert_eq!(OperationType::Process.span_kind(), SpanKind::Consumer);
/// assert_eq!(OperationType::Settle.exception_event(), "messaging.settle.exception");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationType {
    /// A message is created, to give it a creation context of its own in a batch send.
    Create,
    /// One or more messages are handed to the broker.
    Send,
    /// One or more messages are asked for by the application (pull).
    Receive,
    /// One or more messages are processed by the application's handler.
    Process,
    /// One or more messages are settled: acknowledged, rejected, redelivered.
    Settle,
}

impl OperationType {
    /// The attribute's value.
    ///
    /// ```
    /// assert_eq!(otel_kit_messaging::OperationType::Send.as_str(), "send");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationType::Create => "create",
            OperationType::Send => "send",
            OperationType::Receive => "receive",
            OperationType::Process => "process",
            OperationType::Settle => "settle",
        }
    }

    /// The span kind the conventions give this operation (a send whose span is the
    /// message's creation context; see the type docs for the other case).
    ///
    /// ```
    /// use opentelemetry::trace::SpanKind;
    ///
    /// assert_eq!(otel_kit_messaging::OperationType::Receive.span_kind(), SpanKind::Client);
    /// ```
    pub const fn span_kind(self) -> SpanKind {
        match self {
            OperationType::Create | OperationType::Send => SpanKind::Producer,
            OperationType::Receive | OperationType::Settle => SpanKind::Client,
            OperationType::Process => SpanKind::Consumer,
        }
    }

    /// The name of the event a panic during this operation is recorded as.
    ///
    /// ```
    /// assert_eq!(otel_kit_messaging::OperationType::Send.exception_event(), "messaging.send.exception");
    /// ```
    pub const fn exception_event(self) -> &'static str {
        match self {
            OperationType::Create => "messaging.create.exception",
            OperationType::Send => "messaging.send.exception",
            OperationType::Receive => "messaging.receive.exception",
            OperationType::Process => "messaging.process.exception",
            OperationType::Settle => "messaging.settle.exception",
        }
    }

    /// The severity of that event: ERROR for `process` (nothing handles a handler's
    /// error or panic), WARN for the others (the caller is expected to handle it).
    ///
    /// ```
    /// use opentelemetry::logs::Severity;
    ///
    /// assert_eq!(otel_kit_messaging::OperationType::Process.exception_severity(), Severity::Error);
    /// ```
    pub const fn exception_severity(self) -> Severity {
        match self {
            OperationType::Process => Severity::Error,
            _ => Severity::Warn,
        }
    }

    /// Whether the operation's span ends by the client's own work (send, receive,
    /// settle), so its duration is `messaging.client.operation.duration`.
    pub(crate) const fn is_client_operation(self) -> bool {
        matches!(
            self,
            OperationType::Send | OperationType::Receive | OperationType::Settle
        )
    }
}

/// The attribute key of [`OperationType`], for link and metric attributes.
pub(crate) const TYPE_KEY: &str = MESSAGING_OPERATION_TYPE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_event_and_kind() {
        for (operation, kind) in [
            (OperationType::Create, SpanKind::Producer),
            (OperationType::Send, SpanKind::Producer),
            (OperationType::Receive, SpanKind::Client),
            (OperationType::Process, SpanKind::Consumer),
            (OperationType::Settle, SpanKind::Client),
        ] {
            assert_eq!(operation.span_kind(), kind);
            assert_eq!(
                operation.exception_event(),
                format!("messaging.{}.exception", operation.as_str())
            );
        }
    }
}
