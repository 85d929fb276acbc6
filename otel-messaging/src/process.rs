//! [`ProcessFuture`]: a message handler running in its process span.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use otel_kit_core::__private::call::CallFuture;
use pin_project_lite::pin_project;

use crate::call::MessagingCall;
use crate::failure::HandlerOutcome;

pin_project! {
    /// The future of [`Messaging::process`](crate::Messaging::process): the handler,
    /// polled with the process span current; its output is the handler's. The span ends
    /// when the output is ready, on a panic, or when this future is dropped.
    #[must_use = "the handler runs only when the future is awaited"]
    pub struct ProcessFuture<F> {
        #[pin]
        inner: CallFuture<F, MessagingCall>,
    }
}

impl<F> ProcessFuture<F> {
    pub(crate) fn new(handler: F, call: MessagingCall) -> Self {
        Self {
            inner: CallFuture::new(handler, call),
        }
    }
}

impl<F> Future for ProcessFuture<F>
where
    F: Future,
    F::Output: HandlerOutcome,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        self.project().inner.poll_finish(task, |output, call| {
            if let Some(call) = call {
                call.finish(output.failure().as_ref());
            }
            output
        })
    }
}

impl<F> std::fmt::Debug for ProcessFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessFuture").finish_non_exhaustive()
    }
}
