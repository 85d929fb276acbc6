//! [`ResponseBody`]: the response stream of a traced call. It reads the status from
//! the trailers at the end of the stream and ends the call's span there.

use std::fmt;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use http::StatusCode;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use crate::call::{Call, Outcome};
use crate::error_code::code_of_any;
use crate::status::{code_from_http, grpc_message, grpc_status};

pin_project! {
    /// The response body of a traced call (server or client). The call's context is
    /// current while the body is polled, so work a streaming handler does to produce
    /// messages is inside the server span. The call ends at the end of the stream:
    /// with the `grpc-status` of the trailers; without one, with the code the HTTP
    /// status implies; with the stream's error; or, when the body is dropped before
    /// its end, `CANCELLED` (`DEADLINE_EXCEEDED` once the request's deadline passed).
    ///
    // The example uses the server layer.
    #[cfg_attr(feature = "server", doc = "```")]
    #[cfg_attr(not(feature = "server"), doc = "```ignore")]
    /// use otel_kit_grpc::{ResponseBody, ServerLayer};
    /// use tower::Layer as _;
    ///
    /// let service = ServerLayer::new().layer(tower::service_fn(|_: http::Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// # let _ = service;
    /// fn body_type(_: &ResponseBody<String>) {}
    /// ```
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        // `None` for untraced calls and once the call has ended.
        call: Option<Call>,
        http_status: StatusCode,
    }

    impl<B> PinnedDrop for ResponseBody<B> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(call) = this.call.take() {
                let _guard = call.cx.clone().attach();
                call.finish_dropped();
            }
        }
    }
}

impl<B> ResponseBody<B> {
    /// The body of a call that is still open: it ends at the end of the stream.
    pub(crate) fn traced(inner: B, call: Call, http_status: StatusCode) -> Self {
        Self {
            inner,
            call: Some(call),
            http_status,
        }
    }

    /// The body of an excluded call, or of a call that already ended (its status was
    /// in the response headers).
    pub(crate) fn untraced(inner: B) -> Self {
        Self {
            inner,
            call: None,
            http_status: StatusCode::OK,
        }
    }
}

impl<B> fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("open", &self.call.is_some())
            .finish_non_exhaustive()
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body,
    B::Error: 'static,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        task: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let Some(call) = this.call.as_mut() else {
            return this.inner.poll_frame(task);
        };
        let guard = call.cx.clone().attach();
        let mut inner = this.inner;
        let polled = inner.as_mut().poll_frame(task);
        let mut trailers = None;
        let outcome = match &polled {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(frame))) => match frame.trailers_ref() {
                Some(frame_trailers) => {
                    call.capture_trailers(frame_trailers);
                    call.message = grpc_message(frame_trailers);
                    trailers = Some(frame_trailers);
                    Some(grpc_status(frame_trailers).unwrap_or_else(|| code_from_http(*this.http_status)))
                }
                // hyper stops polling a body that says it has ended: a stream that
                // ends without trailers ends here.
                None if inner.is_end_stream() => Some(code_from_http(*this.http_status)),
                None => None,
            },
            Poll::Ready(Some(Err(error))) => {
                let passed = call.deadline_passed(Instant::now());
                if let Some(raised) = crate::exception::raised_in_body(error) {
                    call.record_exception(raised.exception_type, &raised.message);
                    call.message = Some(raised.message);
                }
                Some(code_of_any(error, passed))
            }
            Poll::Ready(None) => Some(code_from_http(*this.http_status)),
        };
        if let Some(code) = outcome
            && let Some(call) = this.call.take()
        {
            call.finish_with(Outcome::Status(code), trailers);
        }
        drop(guard);
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
