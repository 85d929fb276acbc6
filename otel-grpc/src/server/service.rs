//! [`ServerService`]: the layered service.

use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use http::{Request, Response};
use tower::Service;

use super::layer::Config;
use super::start::start;
use crate::body::ResponseBody;
use crate::future::ResponseFuture;
use crate::method::parse_path;

/// Traces the calls of the inner service `S` (tonic's router). Built by
/// [`ServerLayer`](super::ServerLayer).
///
/// ```
/// use tower::{Layer as _, ServiceExt as _};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let service = otel_kit_grpc::ServerLayer::new().layer(tower::service_fn(|_: http::Request<String>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::from("hello")))
/// }));
/// let response = service.oneshot(http::Request::new(String::new())).await.unwrap();
/// assert_eq!(response.status(), 200);
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
    /// let service = otel_kit_grpc::ServerLayer::new().layer(42);
    /// assert_eq!(*service.get_ref(), 42);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use tower::Layer as _;
    /// assert_eq!(otel_kit_grpc::ServerLayer::new().layer("inner").into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ServerService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: std::fmt::Display + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let now = Instant::now();
        // Predicates and hooks see the request head as `Parts`; moving the parts out and
        // back allocates nothing.
        let (parts, body) = request.into_parts();
        let service = parse_path(parts.uri.path()).map(|(service, _)| service);
        let hooks = &self.config.hooks;
        if service.is_some_and(|service| self.config.exclusions.excludes(service))
            || hooks.excludes(|exclude| exclude(&parts))
        {
            // No telemetry of our own, but the handler continues the caller's trace.
            let cx = self
                .config
                .resolver
                .with(Some(now), |resolved| resolved.incoming_context(&parts.headers));
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
        let call = self
            .config
            .resolver
            .with(Some(now), |resolved| start(&self.config, &parts, resolved, now));
        let request = Request::from_parts(parts, body);
        let future = {
            let _guard = call.cx.clone().attach();
            self.inner.call(request)
        };
        ResponseFuture::traced(future, call)
    }
}
