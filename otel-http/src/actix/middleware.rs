//! [`ServerMiddleware`]: the actix-web `Transform`, its configuration and builder
//! methods (the tower layer's, from the same macros), and the `Service` it wraps
//! around the app.

use std::future::{Ready, ready};
use std::sync::Arc;
use std::thread::LocalKey;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ResponseHead, Service, ServiceRequest, ServiceResponse, Transform};
use otel_kit_core::Cache;
use otel_kit_core::call::CallFuture;
use otel_kit_core::hooks::Signatures;

use super::future::ResponseFuture;
use super::head::ActixRequest;
use crate::server::instruments::{Front, Instruments};
use crate::server::layer::{Config, ServerHooks};
use crate::server::start::{excluded, start, untraced_context};

otel_kit_core::hook_signatures!(
    pub(crate) ActixHooks: request [&ServiceRequest], response &ResponseHead,
    reserved <ServerHooks as Signatures>::RESERVED_METRIC_KEYS
);

impl Front for ActixHooks {
    const SWITCHES: &'static [&'static str] = &["HTTP_SERVER", "ACTIX_WEB"];

    fn cache() -> &'static LocalKey<Cache<Instruments<Self>>> {
        thread_local! {
            static CACHE: Cache<Instruments<ActixHooks>> = const { Cache::new() };
        }
        &CACHE
    }
}

/// An actix-web middleware that gives every HTTP request a SERVER span and an
/// `http.server.request.duration` point, continuing the caller's trace: the tower
/// [`ServerLayer`](crate::ServerLayer)'s conventions, settings and hooks, for actix.
/// Add it with `App::wrap`, so that the route (actix's match pattern) is known when
/// the span starts.
///
/// ```
/// use actix_web::{App, web};
/// use otel_kit_http::actix::ServerMiddleware;
///
/// let app = App::new()
///     .wrap(ServerMiddleware::new().exclude_path("/status").capture_request_headers(["x-request-id"]))
///     .route("/users/{id}", web::get().to(|| async { "user" }));
/// # let _ = app;
/// ```
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// `ServiceRequest` (method, URI, headers, extensions, match info);
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
/// response's `ResponseHead` (for an error, the head of the response actix renders
/// from it); not for a panic or a cancelled request.
///
/// ```
/// use opentelemetry::KeyValue;
///
/// let middleware = otel_kit_http::actix::ServerMiddleware::new()
///     .exclude_when(|request| request.headers().contains_key("x-synthetic-probe"))
///     .span_attributes_from_request(|request, span| {
///         if let Some(tenant) = request.headers().get("x-tenant").and_then(|v| v.to_str().ok()) {
///             span.push(KeyValue::new("tenant.id", tenant.to_owned()));
///         }
///     })
///     .span_attributes_from_response(|head, span| {
///         if head.headers().contains_key("x-cache-hit") {
///             span.push(KeyValue::new("app.cache.hit", true));
///         }
///     });
/// # let _ = middleware;
/// ```
#[derive(Debug, Clone, Default)]
pub struct ServerMiddleware {
    config: Arc<Config<ActixHooks>>,
}

impl ServerMiddleware {
    /// A middleware with the defaults: standard methods,
    /// [`DEFAULT_EXCLUDED_PATHS`](crate::server::DEFAULT_EXCLUDED_PATHS) excluded, no
    /// header capture, only the duration metric, the incoming trace context trusted, no
    /// `traceparent` in responses.
    ///
    /// ```
    /// let middleware = otel_kit_http::actix::ServerMiddleware::new();
    /// # let _ = middleware;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    crate::server::builders::server_builders!(layer "otel_kit_http::actix::ServerMiddleware");

    otel_kit_core::hook_builders!(
        crate "otel_kit_http", layer "actix::ServerMiddleware", config Config<ActixHooks>, hooks ActixHooks,
        request [&ServiceRequest] "request", response &ResponseHead, noun "request",
        default_name "`{method} {http.route}`",
        metric "`http.server.request.duration` (and the body-size histograms, when on)"
    );
}

impl<S, B> Transform<S, ServiceRequest> for ServerMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = ServerMiddlewareService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ServerMiddlewareService {
            service,
            config: Arc::clone(&self.config),
        }))
    }
}

/// The service [`ServerMiddleware`] wraps around the app (actix builds it, once per
/// worker).
#[derive(Debug)]
pub struct ServerMiddlewareService<S> {
    service: S,
    config: Arc<Config<ActixHooks>>,
}

impl<S, B> Service<ServiceRequest> for ServerMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = ResponseFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let request = ActixRequest(request);
        if excluded(&self.config, &request) {
            // No telemetry of our own, but the handler still continues the caller's trace.
            let cx = untraced_context(&self.config, &request);
            return ResponseFuture::new(CallFuture::start_untraced(cx, || self.service.call(request.0)));
        }
        let started = Instant::now();
        let call = self.config.resolver.with(Some(started), |resolved| {
            start(&self.config, &request, resolved, started)
        });
        ResponseFuture::new(CallFuture::start(call, || self.service.call(request.0)))
    }
}
