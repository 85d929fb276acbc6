//! [`ServerService`]: the service [`ServerLayer`](super::ServerLayer) wraps around an
//! inner service.

use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use http::{Request, Response};
use otel_kit_core::call::CallFuture;
use tower::Service;

use super::future::ResponseFuture;
use super::layer::ServerService;
use super::start::{excluded, start, untraced_context};

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
        if excluded(&self.config, &parts) {
            // No telemetry of our own, but the handler still continues the caller's trace.
            let cx = untraced_context(&self.config, &parts);
            let request = Request::from_parts(parts, body);
            return ResponseFuture::new(CallFuture::start_untraced(cx, || self.inner.call(request)));
        }
        let started = Instant::now();
        let call = self.config.resolver.with(Some(started), |resolved| {
            start(&self.config, &parts, resolved, started)
        });
        let request = Request::from_parts(parts, body);
        ResponseFuture::new(CallFuture::start(call, || self.inner.call(request)))
    }
}
