//! [`ServerService`]: the service [`ServerLayer`](super::ServerLayer) wraps around an
//! inner service.

use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use http::{Request, Response};
use tower::Service;

use super::future::ResponseFuture;
use super::layer::Config;
use super::start::{incoming_context, start};

/// Traces the requests of the inner service `S`. Built by
/// [`ServerLayer`](super::ServerLayer); works with any `Service<http::Request<B>>`
/// returning `http::Response<B>` with `B: http_body::Body` (axum, hyper, tonic).
///
/// ```
/// use otel_http::ServerLayer;
/// use tower::{Layer as _, ServiceExt as _};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let service = ServerLayer::new().layer(tower::service_fn(|_request: http::Request<()>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::from("hello")))
/// }));
/// let response = service.oneshot(http::Request::new(())).await.unwrap();
/// assert_eq!(response.into_body(), "hello");
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct ServerService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> ServerService<S> {
    pub(super) fn new(inner: S, config: Arc<Config>) -> Self {
        Self { inner, config }
    }

    /// The wrapped service.
    ///
    /// ```
    /// use tower::Layer as _;
    /// let service = otel_http::ServerLayer::new().layer(42);
    /// assert_eq!(*service.get_ref(), 42);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// use tower::Layer as _;
    /// let mut service = otel_http::ServerLayer::new().layer(42);
    /// *service.get_mut() += 1;
    /// assert_eq!(service.into_inner(), 43);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use tower::Layer as _;
    /// assert_eq!(otel_http::ServerLayer::new().layer("inner").into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ServerService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: http_body::Body,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // Split so exclusion predicates and attribute extraction see `&Parts`; moving
        // the parts out and back costs no allocation.
        let (parts, body) = request.into_parts();
        let incoming = incoming_context(&parts.headers);
        let (cx, recording) = if self.config.exclusions.matches(&parts) {
            // No telemetry of our own, but the handler still continues the caller's
            // trace (unless the endpoint does not trust callers).
            let cx = if self.config.public_endpoint {
                opentelemetry::Context::current()
            } else {
                incoming
            };
            (cx, None)
        } else {
            let (cx, recording) = start(&self.config, &parts, incoming);
            (cx, Some(recording))
        };
        // Attached during `call` too: services that do work before returning their
        // future (or create `tracing` spans there) see the request's context.
        let future = {
            let _guard = cx.clone().attach();
            self.inner.call(Request::from_parts(parts, body))
        };
        ResponseFuture::new(future, cx, recording)
    }
}
