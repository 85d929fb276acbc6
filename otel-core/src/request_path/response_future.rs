//! [`ResponseFuture`]: a [`CallFuture`] that ends its call with the work's output,
//! the way the front end says through [`EndWith`]. Every HTTP and gRPC front end's
//! response future is this type with its own call; only the ending differs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use pin_project_lite::pin_project;

use crate::request_path::call::{CallFuture, EndEarly};

/// How a call ends when its work completes with `O`: the front end reads the output,
/// ends the call (`None` when the work was not traced) and returns what its caller
/// gets. Called with the call's context current.
///
/// ```
/// use std::any::Any;
/// use std::future::Future as _;
///
/// use opentelemetry::Context;
/// use otel_kit_core::__private::call::{CallFuture, EndEarly};
/// use otel_kit_core::__private::response_future::{EndWith, ResponseFuture};
///
/// struct Call(Context);
///
/// impl EndEarly for Call {
///     fn context(&self) -> &Context {
///         &self.0
///     }
///     fn panicked(self, _: &(dyn Any + Send)) {}
///     fn cancelled(self) {}
/// }
///
/// impl EndWith<u16> for Call {
///     type Output = String;
///     fn end_with(status: u16, call: Option<Self>) -> String {
///         format!("{status}, traced: {}", call.is_some())
///     }
/// }
///
/// let future = ResponseFuture::new(CallFuture::new(async { 200 }, Call(Context::new())));
/// let waker = std::task::Waker::noop();
/// let polled = std::pin::pin!(future).poll(&mut std::task::Context::from_waker(&waker));
/// assert_eq!(polled, std::task::Poll::Ready("200, traced: true".to_owned()));
/// ```
pub trait EndWith<O>: EndEarly + Sized {
    /// What the response future yields.
    type Output;

    /// Ends `call` with the work's `output` and returns the future's output.
    fn end_with(output: O, call: Option<Self>) -> Self::Output;
}

pin_project! {
    /// The response future of a front end: runs the work inside the call's context,
    /// ends the call through [`EndWith`] when the work completes, and through
    /// [`EndEarly`] when it panics or is dropped first (see [`CallFuture`]).
    pub struct ResponseFuture<F, C: EndEarly> {
        #[pin]
        call: CallFuture<F, C>,
    }
}

impl<F, C: EndEarly> ResponseFuture<F, C> {
    /// The future of `call`, traced or not.
    pub fn new(call: CallFuture<F, C>) -> Self {
        Self { call }
    }
}

impl<F, C: EndEarly> fmt::Debug for ResponseFuture<F, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("traced", &self.call.is_traced())
            .finish_non_exhaustive()
    }
}

impl<F, C> Future for ResponseFuture<F, C>
where
    F: Future,
    C: EndWith<F::Output>,
{
    type Output = C::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        self.project().call.poll_finish(task, C::end_with)
    }
}
