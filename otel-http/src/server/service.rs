//! How the tower server layer's [`ServerService`](super::ServerService) sends each
//! request through the inner service: its configuration's `InstrumentRequest` impl.

use std::sync::Arc;
use std::time::Instant;

use http::{Request, Response};
use otel_kit_core::__private::call::CallFuture;
use otel_kit_core::__private::instrumented_service::InstrumentRequest;
use tower::Service;

use super::config::Config;
use super::future::ResponseFuture;
use super::start::{excluded, start, untraced_context};
use crate::framework::Tower;

impl<S, ReqBody, ResBody> InstrumentRequest<S, Request<ReqBody>> for Config<Tower>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: std::fmt::Display,
    ResBody: http_body::Body,
{
    type Response = Response<ResBody>;
    type Future = ResponseFuture<S::Future>;

    fn call(config: &Arc<Self>, inner: &mut S, request: Request<ReqBody>) -> Self::Future {
        // Predicates and hooks see the request head as `Parts`; moving the parts out and
        // back allocates nothing.
        let (parts, body) = request.into_parts();
        if excluded(config, &parts) {
            // No telemetry of our own, but the handler still continues the caller's trace.
            let cx = untraced_context(config, &parts);
            let request = Request::from_parts(parts, body);
            return ResponseFuture::new(CallFuture::start_untraced(cx, || inner.call(request)));
        }
        let started = Instant::now();
        let call = config
            .resolver
            .with(Some(started), |resolved| start(config, &parts, resolved, started));
        let request = Request::from_parts(parts, body);
        ResponseFuture::new(CallFuture::start(call, || inner.call(request)))
    }
}
