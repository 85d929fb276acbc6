//! [`Delivery`]: a consumed record and the creation context its producer attached.

use std::future::Future;

use opentelemetry::Context;
use rdkafka::message::BorrowedMessage;

use crate::failure::HandlerOutcome;
use crate::kafka::instrumentation::Instrumentation;
use crate::message::MessageInfo;
use crate::operation::OperationType;
use crate::process::ProcessFuture;

/// `messaging.operation.name` of a record handed to the application to process.
pub(crate) const PROCESS: &str = "process";

/// One record from a [`Consumer`](crate::kafka::Consumer), with the creation context its
/// producer attached. Process it with [`process`](Self::process), or take it with
/// [`into_message`](Self::into_message) (no process span).
#[derive(Debug)]
pub struct Delivery<'a> {
    message: BorrowedMessage<'a>,
    info: MessageInfo,
    instrumentation: Instrumentation,
}

impl<'a> Delivery<'a> {
    pub(crate) fn new(message: BorrowedMessage<'a>, instrumentation: &Instrumentation) -> Self {
        let info = instrumentation.consumed(&message);
        Self {
            message,
            info,
            instrumentation: instrumentation.clone(),
        }
    }

    pub(crate) fn info(&self) -> &MessageInfo {
        &self.info
    }

    pub(crate) fn into_parts(self) -> (MessageInfo, BorrowedMessage<'a>) {
        (self.info, self.message)
    }

    /// The record.
    pub fn message(&self) -> &BorrowedMessage<'a> {
        &self.message
    }

    /// The producer's context (its span and baggage), when the record carries one.
    pub fn creation_context(&self) -> Option<&Context> {
        self.info.creation_context()
    }

    /// The record, without a process span.
    pub fn into_message(self) -> BorrowedMessage<'a> {
        self.message
    }

    /// Runs `handler` on the record in a `process {topic}` CONSUMER span, current while
    /// the handler runs, linked to the producer's span (and its child, by default: see
    /// [`ProcessParent`](crate::ProcessParent)). An `Err` output fails the span with the
    /// error's type as `error.type`; a panic is recorded and goes on.
    pub fn process<F, Fut>(self, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(BorrowedMessage<'a>) -> Fut,
        Fut: Future,
        Fut::Output: HandlerOutcome,
    {
        let operation = self
            .instrumentation
            .operation(OperationType::Process, PROCESS)
            .message(self.info);
        self.instrumentation
            .messaging
            .process(operation, handler(self.message))
    }
}
