//! [`ServerMiddleware`], the server layer for actix (`ServerLayer<Actix>`, its builder
//! methods written once in `server/layer.rs`): its actix-web `Transform`, and the
//! `Service` it wraps around the app.

use std::cell::OnceCell;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ResourceMap, ResponseHead, Service, ServiceRequest, ServiceResponse, Transform};
use otel_kit_core::__private::call::CallFuture;

use super::future::{ActixCall, ResponseFuture};
use super::head::ActixRequest;
use crate::ServerLayer;
use crate::framework::Actix;
use crate::server::config::Config;
use crate::server::framework::{ServerFramework, sealed};
use crate::server::instruments::{Instruments, ServerInstruments};
use crate::server::start::{excluded, start, untraced_context};

/// An actix-web middleware that gives every HTTP request a SERVER span and an
/// `http.server.request.duration` point, continuing the caller's trace: the
/// [`ServerLayer`] for actix, with its conventions, settings and hooks (its methods are
/// documented there). Add it with `App::wrap`.
///
/// ```
/// use actix_web::{App, web};
/// use otel_kit_http::actix::ServerMiddleware;
/// use otel_kit_http::conventions::HeaderCapture;
///
/// let app = App::new()
///     .wrap(ServerMiddleware::default().exclude_path("/status").capture_headers(HeaderCapture::default().request(["x-request-id"])))
///     .route("/users/{id}", web::get().to(|| async { "user" }));
/// # let _ = app;
/// ```
///
/// Its hooks see actix's `ServiceRequest` and the response's `ResponseHead`:
///
/// ```
/// use opentelemetry::KeyValue;
///
/// let middleware = otel_kit_http::actix::ServerMiddleware::default()
///     .exclude_when(|request| request.headers().contains_key("x-synthetic-probe"))
///     .span_attributes_from_request(|request, span| {
///         if let Some(tenant) = request.match_info().get("tenant") {
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
pub type ServerMiddleware = ServerLayer<Actix>;

impl sealed::Sealed for Actix {}

impl sealed::Resolves<ServerInstruments> for Actix {
    const SWITCHES: &'static [&'static str] = &["HTTP_SERVER", "ACTIX_WEB"];

    otel_kit_core::__private::instruments_cache!(fn cache() -> Instruments<Actix>);
}

impl ServerFramework for Actix {
    type Request = ServiceRequest;
    type Response = ResponseHead;
}

impl<S, B> Transform<S, ServiceRequest> for ServerLayer<Actix>
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
            routes: OnceCell::new(),
        }))
    }
}

/// The service [`ServerMiddleware`] wraps around the app (actix builds it, once per
/// worker).
#[derive(Debug)]
pub struct ServerMiddlewareService<S> {
    service: S,
    config: Arc<Config<Actix>>,
    /// The app's routes, copied at its first request (the map is the app's, fixed once
    /// built): a request that panics or is dropped finds its route here by its path.
    routes: OnceCell<Rc<ResourceMap>>,
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
        let routes = self
            .routes
            .get_or_init(|| Rc::new(request.0.resource_map().clone()));
        let call = ActixCall::new(call, Rc::clone(routes), request.0.uri().clone());
        ResponseFuture::new(CallFuture::start(call, || self.service.call(request.0)))
    }
}
