//! A future that reports to one `tracing` dispatch while it is polled and while it is
//! dropped.
//!
//! `tracing::instrument::WithDispatch` covers polling only. But tracing-subscriber's
//! registry closes a parent span through the *thread's* default dispatcher when its last
//! child closes; if that child is dropped with the future on a worker thread that has no
//! default, the parent never closes and its span is never exported.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tracing::Dispatch;

/// Returned by [`TestTelemetry::in_scope_async`](crate::TestTelemetry::in_scope_async).
#[must_use = "futures do nothing unless polled"]
pub struct ScopedFuture<F> {
    dispatch: Dispatch,
    inner: Option<Pin<Box<F>>>,
}

impl<F> std::fmt::Debug for ScopedFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopedFuture")
            .field("done", &self.inner.is_none())
            .finish()
    }
}

impl<F: Future> ScopedFuture<F> {
    pub(crate) fn new(dispatch: Dispatch, future: F) -> Self {
        ScopedFuture {
            dispatch,
            inner: Some(Box::pin(future)),
        }
    }
}

impl<F: Future> Future for ScopedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let Some(inner) = this.inner.as_mut() else {
            // Polled after completion: stay pending rather than panic.
            return Poll::Pending;
        };
        let poll = tracing::dispatcher::with_default(&this.dispatch, || inner.as_mut().poll(cx));
        if poll.is_ready() {
            let done = this.inner.take();
            tracing::dispatcher::with_default(&this.dispatch, || drop(done));
        }
        poll
    }
}

impl<F> Drop for ScopedFuture<F> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            tracing::dispatcher::with_default(&self.dispatch, || drop(inner));
        }
    }
}
