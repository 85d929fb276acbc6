//! [`ServerLayer`]: the tower layer and its configuration.

use http::request::Parts;
use http::response::Parts as ResponseParts;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::Resolver;
use otel_kit_core::hooks::Hooks;

use super::exclude::Exclusions;
use super::instruments::{Front, Instruments};
use super::origin::OriginRules;
use crate::conventions::from_switches::HttpSettings;

otel_kit_core::hook_signatures!(
    pub(crate) ServerHooks: request [&Parts], response &ResponseParts, reserved &[
        semconv::HTTP_REQUEST_METHOD, semconv::URL_SCHEME, semconv::NETWORK_PROTOCOL_VERSION,
        semconv::HTTP_ROUTE, semconv::HTTP_RESPONSE_STATUS_CODE, semconv::ERROR_TYPE,
    ]
);

/// Everything a [`ServerLayer`] (or the actix-web middleware, with its own hook types
/// `H`) was configured with, shared by its services.
pub(crate) struct Config<H: Front = ServerHooks> {
    pub(crate) hooks: Hooks<H>,
    pub(crate) resolver: Resolver<Instruments<H>>,
    pub(crate) exclusions: Exclusions,
    /// Header capture and known methods: the builder's, else the switches'.
    pub(crate) http: HttpSettings,
    pub(crate) active_requests: bool,
    pub(crate) body_sizes: bool,
    pub(crate) echo_traceparent: bool,
    pub(crate) public_endpoint: bool,
    pub(crate) origin: OriginRules,
}

// By hand: derived, they would ask `H` (a marker type) to be `Clone` and `Default`.
impl<H: Front> Clone for Config<H> {
    fn clone(&self) -> Self {
        Self {
            hooks: self.hooks.clone(),
            resolver: self.resolver.clone(),
            exclusions: self.exclusions.clone(),
            http: self.http.clone(),
            active_requests: self.active_requests,
            body_sizes: self.body_sizes,
            echo_traceparent: self.echo_traceparent,
            public_endpoint: self.public_endpoint,
            origin: self.origin,
        }
    }
}

impl<H: Front> Default for Config<H> {
    fn default() -> Self {
        Self {
            hooks: Hooks::default(),
            resolver: Resolver::default(),
            exclusions: Exclusions::default(),
            http: HttpSettings::default(),
            active_requests: false,
            body_sizes: false,
            echo_traceparent: false,
            public_endpoint: false,
            origin: OriginRules::default(),
        }
    }
}

impl<H: Front> std::fmt::Debug for Config<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("hooks", &self.hooks)
            .field("resolver", &self.resolver)
            .field("exclusions", &self.exclusions)
            .field("http", &self.http)
            .field("active_requests", &self.active_requests)
            .field("body_sizes", &self.body_sizes)
            .field("echo_traceparent", &self.echo_traceparent)
            .field("public_endpoint", &self.public_endpoint)
            .field("origin", &self.origin)
            .finish()
    }
}

otel_kit_core::tower_layer! {
    /// A tower layer that gives every HTTP request a SERVER span and an
    /// `http.server.request.duration` point, continuing the caller's trace.
    ///
    /// Unless given its own providers ([`providers`](Self::providers)), it
    /// reads the OpenTelemetry globals (tracer provider, meter provider, text-map
    /// propagator) when it serves requests, not when it is built, so it may be built before
    /// the application installs them (each thread refreshes its copy every 10 ms).
    /// With axum, add it with `Router::layer` so the matched route is known when the span
    /// starts:
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use otel_kit_http::ServerLayer;
    ///
    /// let app: Router = Router::new()
    ///     .route("/users/{id}", get(|| async { "user" }))
    ///     .layer(ServerLayer::new().exclude_path("/status").capture_request_headers(["x-request-id"]));
    /// ```
    ///
    /// # Hooks
    ///
    /// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
    /// [`span_attributes_from_request`](Self::span_attributes_from_request),
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
    /// request head (method, URI, headers, extensions); `exclude_when` runs after the path
    /// rules. [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
    /// response head, when the service returns a response; not for a service error, a panic
    /// or a cancelled request. A handler can leave values for it in the response's
    /// extensions.
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ServerLayer::new()
    ///     .exclude_when(|parts| parts.headers.contains_key("x-synthetic-probe"))
    ///     // GraphQL: name the span after the operation the client declared.
    ///     .span_name(|parts| {
    ///         let operation = parts.headers.get("x-graphql-operation")?.to_str().ok()?;
    ///         matches!(operation, "GetOrder" | "ListOrders").then(|| Cow::Owned(format!("graphql {operation}")))
    ///     })
    ///     .span_attributes_from_request(|parts, span| {
    ///         if let Some(tenant) = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()) {
    ///             span.push(KeyValue::new("tenant.id", tenant.to_owned()));
    ///         }
    ///     })
    ///     .span_attributes_from_response(|parts, span| {
    ///         if parts.headers.contains_key("x-cache-hit") {
    ///             span.push(KeyValue::new("app.cache.hit", true));
    ///         }
    ///     })
    ///     .metric_attributes_from_request(|parts, metric| {
    ///         // Bounded: three values, whatever the client sends.
    ///         let tier = match parts.headers.get("x-plan").map(|v| v.as_bytes()) {
    ///             Some(b"enterprise") => "enterprise",
    ///             Some(b"pro") => "pro",
    ///             _ => "free",
    ///         };
    ///         metric.push(KeyValue::new("app.plan", tier));
    ///     });
    /// # let _ = layer;
    /// ```
    pub struct ServerLayer(Config);
    /// A layer with the defaults: standard methods, [`DEFAULT_EXCLUDED_PATHS`]
    /// excluded, no header capture, only the duration metric, the incoming trace
    /// context trusted, no `traceparent` in responses.
    ///
    /// [`DEFAULT_EXCLUDED_PATHS`]: super::DEFAULT_EXCLUDED_PATHS
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new();
    /// # let _ = layer;
    /// ```
    pub fn new();
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
    pub struct ServerService, fields pub(crate), example "otel_kit_http";
}

impl ServerLayer {
    super::builders::server_builders!(layer "otel_kit_http::ServerLayer");

    otel_kit_core::hook_builders!(
        crate "otel_kit_http", layer "ServerLayer", config Config, hooks ServerHooks, request [&Parts] "parts",
        response &ResponseParts, noun "request", default_name "`{method} {http.route}`",
        metric "`http.server.request.duration` (and the body-size histograms, when on)"
    );
}
