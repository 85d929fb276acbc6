//! [`ServerService`]: the layered service.

use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use http::{Request, Response};
use otel_kit_core::call::CallFuture;
use tower::Service;

use super::layer::ServerService;
use super::start::start;
use crate::body::ResponseBody;
use crate::future::ResponseFuture;
use crate::method::parse_path;

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
        self.traced(request)
    }
}

impl<S> ServerService<S> {
    /// The future of one call to the inner service: traced, or (excluded) in the caller's
    /// context.
    fn traced<ReqBody>(&mut self, request: Request<ReqBody>) -> ResponseFuture<S::Future>
    where
        S: Service<Request<ReqBody>>,
    {
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
            return ResponseFuture::new(CallFuture::start_untraced(cx, || self.inner.call(request)));
        }
        let call = self
            .config
            .resolver
            .with(Some(now), |resolved| start(&self.config, &parts, resolved, now));
        let request = Request::from_parts(parts, body);
        ResponseFuture::new(CallFuture::start(call, || self.inner.call(request)))
    }
}
