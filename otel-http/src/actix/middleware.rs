//! [`ServerMiddleware`]: the actix-web `Transform`, its configuration and builder
//! methods (the tower layer's, each a line over the same configuration), and the `Service` it wraps
//! around the app.

use std::borrow::Cow;
use std::future::{Ready, ready};
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ResponseHead, Service, ServiceRequest, ServiceResponse, Transform};
use otel_kit_core::call::CallFuture;
use otel_kit_core::{MetricAttributes, Providers, RequestValueLimit, Resolver, SpanAttributes};

use super::future::ResponseFuture;
use super::head::ActixRequest;
use super::hooks::ActixHooks;
use crate::conventions::{HeaderCapture, KnownMethods};
use crate::server::config::Config;
use crate::server::exclude::Exclusions;
use crate::server::start::{excluded, start, untraced_context};

/// An actix-web middleware that gives every HTTP request a SERVER span and an
/// `http.server.request.duration` point, continuing the caller's trace: the tower
/// [`ServerLayer`](crate::ServerLayer)'s conventions, settings and hooks, for actix.
/// Add it with `App::wrap`, so that the route (actix's match pattern) is known when
/// the span starts.
///
/// ```
/// use actix_web::{App, web};
/// use otel_kit_http::actix::ServerMiddleware;
/// use otel_kit_http::conventions::HeaderCapture;
///
/// let app = App::new()
///     .wrap(ServerMiddleware::new().exclude_path("/status").capture_headers(HeaderCapture::default().request(["x-request-id"])))
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

    /// Changes the configuration (copied first when a service shares it).
    fn edit(mut self, change: impl FnOnce(&mut Config<ActixHooks>)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Sets which methods are recorded as themselves; others become `_OTHER`.
    /// The same as [`ServerLayer::known_methods`](crate::ServerLayer::known_methods).
    ///
    /// ```
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().known_methods(KnownMethods::default().with(purge));
    /// # let _ = layer;
    /// ```
    pub fn known_methods(self, methods: KnownMethods) -> Self {
        self.edit(|c| c.http.set_known_methods(methods))
    }

    /// The longest string taken from a request that the span and the metric points
    /// record, in bytes; a longer one is cut at a character boundary.
    /// The same as [`ServerLayer::max_request_value_bytes`](crate::ServerLayer::max_request_value_bytes).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().max_request_value_bytes(16 * 1024);
    /// # let _ = layer;
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.http.set_value_limit(RequestValueLimit::bytes(max_bytes)))
    }

    /// Also excludes requests whose path is exactly `path`.
    /// The same as [`ServerLayer::exclude_path`](crate::ServerLayer::exclude_path).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().exclude_path("/status");
    /// # let _ = layer;
    /// ```
    pub fn exclude_path(self, path: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add_exact(path.into()))
    }

    /// Also excludes requests whose path starts with `prefix`.
    /// The same as [`ServerLayer::exclude_prefix`](crate::ServerLayer::exclude_prefix).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().exclude_prefix("/internal/");
    /// # let _ = layer;
    /// ```
    pub fn exclude_prefix(self, prefix: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add_prefix(prefix.into()))
    }

    /// Declares that every connection of this server is TLS it terminates itself (rustls in process, axum-server's `bind_rustls`, ...).
    /// The same as [`ServerLayer::served_over_tls`](crate::ServerLayer::served_over_tls).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().served_over_tls(true);
    /// # let _ = layer;
    /// ```
    pub fn served_over_tls(self, tls: bool) -> Self {
        self.edit(|c| c.origin.tls = tls)
    }

    /// Trusts the `Forwarded` header (RFC 7239), or else `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For`, for `url.scheme`, `server.address` / `server.port` and `client.address`.
    /// The same as [`ServerLayer::trust_forwarded_headers`](crate::ServerLayer::trust_forwarded_headers).
    ///
    /// ```
    /// // Behind a TLS-terminating load balancer.
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().trust_forwarded_headers(true);
    /// # let _ = layer;
    /// ```
    pub fn trust_forwarded_headers(self, trust: bool) -> Self {
        self.edit(|c| c.origin.trust_forwarded = trust)
    }

    /// Removes every exclusion rule, the defaults and the `exclude_when` predicates included; rules added afterwards apply.
    /// The same as [`ServerLayer::exclude_nothing`](crate::ServerLayer::exclude_nothing).
    ///
    /// ```
    /// // Trace `/health` too, but not `/metrics`.
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().exclude_nothing().exclude_path("/metrics");
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| {
            c.exclusions = Exclusions::none();
            c.hooks.exclude.clear();
        })
    }

    /// Captures the listed request and response headers as `http.request.header.<name>` / `http.response.header.<name>` span attributes (credentials are never captured, see [`HeaderCapture`]).
    /// The same as [`ServerLayer::capture_headers`](crate::ServerLayer::capture_headers).
    ///
    /// ```
    /// use otel_kit_http::conventions::HeaderCapture;
    ///
    /// let layer = otel_kit_http::actix::ServerMiddleware::new()
    ///     .capture_headers(HeaderCapture::default().request(["x-request-id"]).response(["content-type"]));
    /// # let _ = layer;
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.http.set_headers(|_| capture))
    }

    /// Records the opt-in `http.server.active_requests` up-down counter.
    /// The same as [`ServerLayer::active_requests`](crate::ServerLayer::active_requests).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().active_requests(true);
    /// # let _ = layer;
    /// ```
    pub fn active_requests(self, enabled: bool) -> Self {
        self.edit(|c| c.active_requests = enabled)
    }

    /// Records the opt-in `http.server.request.body.size` and `http.server.response.body.size` histograms, from `Content-Length` when the message has one (streamed bodies without it are not counted).
    /// The same as [`ServerLayer::body_sizes`](crate::ServerLayer::body_sizes).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().body_sizes(true);
    /// # let _ = layer;
    /// ```
    pub fn body_sizes(self, enabled: bool) -> Self {
        self.edit(|c| c.body_sizes = enabled)
    }

    /// Adds a `traceparent` header naming the server span to each traced response, so a caller without tracing can quote the trace id in a bug report.
    /// The same as [`ServerLayer::echo_traceparent`](crate::ServerLayer::echo_traceparent).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().echo_traceparent(true);
    /// # let _ = layer;
    /// ```
    pub fn echo_traceparent(self, enabled: bool) -> Self {
        self.edit(|c| c.echo_traceparent = enabled)
    }

    /// For endpoints that face the internet.
    /// The same as [`ServerLayer::public_endpoint`](crate::ServerLayer::public_endpoint).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().public_endpoint(true);
    /// # let _ = layer;
    /// ```
    pub fn public_endpoint(self, enabled: bool) -> Self {
        self.edit(|c| c.public_endpoint = enabled)
    }

    /// Also excludes each request for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// request the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().exclude_when(|request| false);
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&ServiceRequest) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default,
    /// `{method} {http.route}`. Runs before the span starts; make the name from the route or the
    /// operation, never from an identifier. See [`Hooks::set_span_name`](otel_kit_core::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().span_name(|request| Some(Cow::Borrowed("checkout")));
    /// # let _ = layer;
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&ServiceRequest) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_span_name(Arc::new(name)))
    }

    /// Adds span attributes from the request with `add`, **before the span starts** (the
    /// sampler sees them). See
    /// [`Hooks::set_request_span_attributes`](otel_kit_core::hooks::Hooks::set_request_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::actix::ServerMiddleware::new()
    ///     .span_attributes_from_request(|request, span| span.push(KeyValue::new("app.region", "eu")));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&ServiceRequest, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_request_span_attributes(Arc::new(add)))
    }

    /// Adds span attributes from how the request ended with `add`, just before a recorded
    /// span ends (which endings it sees: the type's docs). See
    /// [`Hooks::set_response_span_attributes`](otel_kit_core::hooks::Hooks::set_response_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::actix::ServerMiddleware::new()
    ///     .span_attributes_from_response(|_ended, span| span.push(KeyValue::new("app.answered", true)));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(&ResponseHead, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the request to `http.server.request.duration` (and the body-size histograms, when on) with `add`:
    /// at most [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per request, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().metric_attributes_from_request(|request, metric| {
    ///     // Bounded: one of two values, whatever the peer sends.
    ///     metric.push(KeyValue::new("app.priority", "interactive"));
    /// });
    /// # let _ = layer;
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl Fn(&ServiceRequest, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_metric_attributes(Box::new(add)))
    }

    /// How many attributes the
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request) hook
    /// tried to add beyond the cap or under a reserved key, and were dropped (0 without
    /// one).
    ///
    /// ```
    /// assert_eq!(otel_kit_http::actix::ServerMiddleware::new().dropped_metric_attributes(), 0);
    /// ```
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.config.hooks.dropped_metric_attributes()
    }

    /// Sends spans and metrics to, and reads and writes trace context with, `providers`
    /// instead of the globals (each one not given is still read from its global).
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    ///
    /// let providers = otel_kit_http::Providers::new().tracer_provider(SdkTracerProvider::default());
    /// let layer = otel_kit_http::actix::ServerMiddleware::new().providers(providers);
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
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
