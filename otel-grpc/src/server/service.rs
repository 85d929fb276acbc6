//! [`ServerService`]: the layered service.

use std::sync::Arc;
use std::time::Instant;

use http::Request;
use otel_kit_core::__private::call::CallFuture;
use otel_kit_core::__private::server_context::excluded_request_context;
use tower::Service;

use super::ServerSide;
use super::start::start;
use crate::future::ResponseFuture;
use crate::layer::{Config, sealed};
use crate::method::parse_path;

impl sealed::Sealed for ServerSide {
    fn call<S, ReqBody>(
        config: &Arc<Config<Self>>,
        inner: &mut S,
        request: Request<ReqBody>,
    ) -> ResponseFuture<S::Future>
    where
        S: Service<Request<ReqBody>>,
    {
        let now = Instant::now();
        // Predicates and hooks see the request head as `Parts`; moving the parts out and
        // back allocates nothing.
        let (parts, body) = request.into_parts();
        let service = parse_path(parts.uri.path()).map(|(service, _)| service);
        let hooks = &config.hooks;
        if service.is_some_and(|service| config.exclusions.excludes(service))
            || hooks.excludes(|exclude| exclude(&parts))
        {
            // No telemetry of our own, but the handler continues the caller's trace,
            // unless callers are not trusted.
            let cx = excluded_request_context(
                &config.resolver,
                Some(now),
                &parts.headers,
                config.side.public_endpoint,
            );
            let request = Request::from_parts(parts, body);
            return ResponseFuture::new(CallFuture::start_untraced(cx, || inner.call(request)));
        }
        let call = config
            .resolver
            .with(Some(now), |resolved| start(config, &parts, resolved, now));
        let request = Request::from_parts(parts, body);
        ResponseFuture::new(CallFuture::start(call, || inner.call(request)))
    }
}
