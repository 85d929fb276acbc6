//! [`ResponseFuture`]: runs the inner service's future inside the request's
//! OpenTelemetry context and finishes the span and metrics however it ends.

use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use http::Response;
use opentelemetry::Context;
use pin_project_lite::pin_project;

use super::recording::{ERROR_TYPE_CANCELLED, ERROR_TYPE_PANIC, Recording};

pin_project! {
    /// The response future of [`ServerService`](super::ServerService).
    ///
    /// On every poll, and while the inner future is dropped, the request's context (the
    /// server span, or for an excluded request the caller's context) is the current
    /// OpenTelemetry context. That is what makes `tracing` spans and events in the handler
    /// children of the server span: `tracing-opentelemetry` (with context activation, its
    /// default) and the OpenTelemetry log bridge read `Context::current()`, whatever the
    /// `tracing` level filter let through.
    ///
    /// The span ends when the inner future yields the response head: time spent streaming
    /// the body afterwards is not included. If the inner future panics, the span gets
    /// `error.type = "panic"` and status Error, ends, and the panic continues unwinding,
    /// so the server (or a `CatchPanic` layer outside this one) handles it as before. If
    /// the future is dropped before it completes, the span gets `error.type = "cancelled"`
    /// and status Error.
    ///
    /// ```
    /// use otel_kit_http::{ServerLayer, server::ResponseFuture};
    /// use tower::{Layer as _, Service as _};
    ///
    /// let mut service = ServerLayer::new().layer(tower::service_fn(|_: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// let future: ResponseFuture<_> = service.call(http::Request::new(()));
    /// drop(future); // recorded as cancelled
    /// ```
    pub struct ResponseFuture<F> {
        // `None` once the inner future has completed (or was dropped in context).
        #[pin]
        inner: Option<F>,
        // The request's context: the server span's, or for an excluded request the
        // caller's; `None` when there is nothing to make current.
        cx: Option<Context>,
        // `None` for excluded requests and once the request is finished.
        recording: Option<Recording>,
    }

    impl<F> PinnedDrop for ResponseFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.inner.is_none() && this.recording.is_none() {
                return;
            }
            let _guard = this.cx.as_ref().map(|cx| cx.clone().attach());
            // Dropped inside the context: `tracing` spans the handler still holds
            // close here.
            this.inner.set(None);
            if let (Some(recording), Some(cx)) = (this.recording.take(), this.cx.as_ref()) {
                recording.fail(
                    cx,
                    ERROR_TYPE_CANCELLED.into(),
                    "the request was cancelled before the response was ready".into(),
                );
            }
        }
    }
}

impl<F> ResponseFuture<F> {
    /// A traced request: `cx` holds its server span.
    pub(super) fn traced(inner: F, cx: Context, recording: Recording) -> Self {
        Self {
            inner: Some(inner),
            cx: Some(cx),
            recording: Some(recording),
        }
    }

    /// An excluded request, run in the caller's context when it sent one.
    pub(super) fn excluded(inner: F, cx: Option<Context>) -> Self {
        Self {
            inner: Some(inner),
            cx,
            recording: None,
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("done", &self.inner.is_none())
            .field("traced", &self.recording.is_some())
            .finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: http_body::Body,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(inner) = this.inner.as_mut().as_pin_mut() else {
            panic!("otel_kit_http::server::ResponseFuture polled after completion");
        };
        let _guard = this.cx.as_ref().map(|cx| cx.clone().attach());
        // Caught only to record the panic; it is resumed below. `AssertUnwindSafe`
        // is sound here because the future is never polled again after a panic.
        let output = match catch_unwind(AssertUnwindSafe(|| inner.poll(task))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => output,
            Err(panic) => {
                this.inner.set(None);
                if let (Some(recording), Some(cx)) = (this.recording.take(), this.cx.as_ref()) {
                    recording.fail(
                        cx,
                        ERROR_TYPE_PANIC.into(),
                        otel_kit_core::panic_payload::description(&*panic, "the handler panicked"),
                    );
                }
                resume_unwind(panic);
            }
        };
        this.inner.set(None);
        let mut output = output;
        if let (Some(recording), Some(cx)) = (this.recording.take(), this.cx.as_ref()) {
            match &mut output {
                Ok(response) => recording.respond(cx, response),
                Err(_) => recording.fail(
                    cx,
                    std::any::type_name::<E>().into(),
                    "the service returned an error".into(),
                ),
            }
        }
        Poll::Ready(output)
    }
}
