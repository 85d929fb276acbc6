//! [`ServerService`]: the service [`ServerLayer`](super::ServerLayer) wraps around an
//! inner service.

use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use http::{Request, Response};
use tower::Service;

use super::future::ResponseFuture;
use super::layer::Config;
use super::start::start;

/// Traces the requests of the inner service `S`. Built by
/// [`ServerLayer`](super::ServerLayer); works with any `Service<http::Request<B>>`
/// returning `http::Response<B>` with `B: http_body::Body` (axum, hyper, tonic).
///
/// ```
/// use otel_kit_http::ServerLayer;
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
    /// let service = otel_kit_http::ServerLayer::new().layer(42);
    /// assert_eq!(*service.get_ref(), 42);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// use tower::Layer as _;
    /// let mut service = otel_kit_http::ServerLayer::new().layer(42);
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
    /// assert_eq!(otel_kit_http::ServerLayer::new().layer("inner").into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ServerService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: std::fmt::Display,
    ResBody: http_body::Body,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // Predicates and hooks see the request head as `Parts`; moving the parts out and
        // back allocates nothing.
        let (parts, body) = request.into_parts();
        if self.config.exclusions.matches(&parts) || self.config.hooks.excludes(|exclude| exclude(&parts)) {
            // No telemetry of our own, but the handler still continues the caller's
            // trace (unless the endpoint does not trust callers). No clock read: the
            // thread's copy of the globals is refreshed by traced requests.
            let cx = if self.config.public_endpoint {
                None
            } else {
                self.config
                    .resolver
                    .with(None, |resolved| resolved.incoming_context(&parts.headers))
            };
            let request = Request::from_parts(parts, body);
            let future = match &cx {
                Some(cx) => {
                    let _guard = cx.clone().attach();
                    self.inner.call(request)
                }
                None => self.inner.call(request),
            };
            return ResponseFuture::excluded(future, cx);
        }
        let started = Instant::now();
        let call = self.config.resolver.with(Some(started), |resolved| {
            start(&self.config, &parts, resolved, started)
        });
        let request = Request::from_parts(parts, body);
        // Attached during `call` too: services that do work before returning their
        // future (or create `tracing` spans there) see the request's context.
        let future = {
            let _guard = call.context().clone().attach();
            self.inner.call(request)
        };
        ResponseFuture::traced(future, call)
    }
}
