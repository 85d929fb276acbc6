//! [`ServerLayer`]: the tower layer and its configuration.

use http::request::Parts;
use http::response::Parts as ResponseParts;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::Resolver;
use otel_kit_core::hooks::Hooks;

use super::exclude::Exclusions;
use super::instruments::Instruments;
use super::origin::OriginRules;
use crate::conventions::KnownMethods;
use crate::conventions::from_switches::HttpSettings;

otel_kit_core::hook_signatures!(
    pub(super) ServerHooks: request [&Parts], response &ResponseParts, reserved &[
        semconv::HTTP_REQUEST_METHOD, semconv::URL_SCHEME, semconv::NETWORK_PROTOCOL_VERSION,
        semconv::HTTP_ROUTE, semconv::HTTP_RESPONSE_STATUS_CODE, semconv::ERROR_TYPE,
    ]
);

/// Everything a [`ServerLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) hooks: Hooks<ServerHooks>,
    pub(super) resolver: Resolver<Instruments>,
    pub(super) exclusions: Exclusions,
    /// Header capture and known methods: the builder's, else the switches'.
    pub(super) http: HttpSettings,
    pub(super) active_requests: bool,
    pub(super) body_sizes: bool,
    pub(super) echo_traceparent: bool,
    pub(super) public_endpoint: bool,
    pub(super) origin: OriginRules,
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
    pub struct ServerService, fields pub(super), example "otel_kit_http";
}

impl ServerLayer {
    /// Sets which methods are recorded as themselves; others become `_OTHER`.
    ///
    /// ```
    /// use otel_kit_http::{ServerLayer, conventions::KnownMethods};
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let layer = ServerLayer::new().known_methods(KnownMethods::default().with(purge));
    /// # let _ = layer;
    /// ```
    pub fn known_methods(self, methods: KnownMethods) -> Self {
        self.edit(|c| c.http.set_known_methods(methods))
    }

    /// Also excludes requests whose path is exactly `path`: they get no span and no
    /// metric, but the handler still runs inside the incoming trace context.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().exclude_path("/status");
    /// # let _ = layer;
    /// ```
    pub fn exclude_path(self, path: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add_exact(path.into()))
    }

    /// Also excludes requests whose path starts with `prefix`.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().exclude_prefix("/internal/");
    /// # let _ = layer;
    /// ```
    pub fn exclude_prefix(self, prefix: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add_prefix(prefix.into()))
    }

    /// Declares that every connection of this server is TLS it terminates itself
    /// (rustls in process, axum-server's `bind_rustls`, ...): a request whose URI names
    /// no scheme (every HTTP/1.1 request) gets `url.scheme = "https"`, on the span and
    /// the duration. HTTP/2 requests carry their `:scheme`, which is used as it is. Off
    /// by default (`http`). A server with a plain listener too should leave it off and
    /// mark the TLS listener's requests with
    /// [`TlsConnection`](crate::server::TlsConnection) instead, which is read per request
    /// before this setting.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().served_over_tls(true);
    /// # let _ = layer;
    /// ```
    pub fn served_over_tls(self, tls: bool) -> Self {
        self.edit(|c| c.origin.tls = tls)
    }

    /// Trusts the `Forwarded` header (RFC 7239), or else `X-Forwarded-Proto`,
    /// `X-Forwarded-Host` and `X-Forwarded-For`, for `url.scheme`, `server.address` /
    /// `server.port` and `client.address`: set it when the service runs behind a
    /// reverse proxy or load balancer that sets them and strips what clients send. Off
    /// by default, because any client can send these headers: trusted, a forged `https`
    /// or host would go into the metrics. Only the first element (the proxy nearest the
    /// client) is read, `proto` only as `http` or `https`, `for` only as an IP address;
    /// a malformed value is ignored. `network.peer.address` / `network.peer.port` stay
    /// the connection's peer (the proxy).
    ///
    /// ```
    /// // Behind a TLS-terminating load balancer.
    /// let layer = otel_kit_http::ServerLayer::new().trust_forwarded_headers(true);
    /// # let _ = layer;
    /// ```
    pub fn trust_forwarded_headers(self, trust: bool) -> Self {
        self.edit(|c| c.origin.trust_forwarded = trust)
    }

    /// Removes every exclusion rule, the defaults and the `exclude_when` predicates
    /// included; rules added afterwards apply.
    ///
    /// ```
    /// // Trace `/health` too, but not `/metrics`.
    /// let layer = otel_kit_http::ServerLayer::new().exclude_nothing().exclude_path("/metrics");
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| {
            c.exclusions = Exclusions::none();
            c.hooks.exclude.clear();
        })
    }

    /// Captures these request headers as `http.request.header.<name>` span attributes
    /// (credentials are never captured, see [`HeaderCapture`](crate::conventions::HeaderCapture)).
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().capture_request_headers(["x-request-id"]);
    /// # let _ = layer;
    /// ```
    pub fn capture_request_headers(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.edit(|c| c.http.set_request_headers(names))
    }

    /// Captures these response headers as `http.response.header.<name>` span attributes.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().capture_response_headers(["content-type"]);
    /// # let _ = layer;
    /// ```
    pub fn capture_response_headers(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.edit(|c| c.http.set_response_headers(names))
    }

    /// Records the opt-in `http.server.active_requests` up-down counter.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().active_requests(true);
    /// # let _ = layer;
    /// ```
    pub fn active_requests(self, enabled: bool) -> Self {
        self.edit(|c| c.active_requests = enabled)
    }

    /// Records the opt-in `http.server.request.body.size` and
    /// `http.server.response.body.size` histograms, from `Content-Length` when the
    /// message has one (streamed bodies without it are not counted).
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().body_sizes(true);
    /// # let _ = layer;
    /// ```
    pub fn body_sizes(self, enabled: bool) -> Self {
        self.edit(|c| c.body_sizes = enabled)
    }

    /// Adds a `traceparent` header naming the server span to each traced response, so
    /// a caller without tracing can quote the trace id in a bug report. Off by default:
    /// it discloses trace ids to every client.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().echo_traceparent(true);
    /// # let _ = layer;
    /// ```
    pub fn echo_traceparent(self, enabled: bool) -> Self {
        self.edit(|c| c.echo_traceparent = enabled)
    }

    /// For endpoints that face the internet: the incoming trace context is not trusted.
    /// Each request starts a new trace whose server span links to the caller's span
    /// context (when there is a valid one), and the caller's baggage is dropped.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().public_endpoint(true);
    /// # let _ = layer;
    /// ```
    pub fn public_endpoint(self, enabled: bool) -> Self {
        self.edit(|c| c.public_endpoint = enabled)
    }

    otel_kit_core::hook_builders!(
        crate "otel_kit_http", layer "ServerLayer", config Config, hooks ServerHooks, request [&Parts] "parts",
        response &ResponseParts, noun "request", default_name "`{method} {http.route}`",
        metric "`http.server.request.duration` (and the body-size histograms, when on)"
    );
}
