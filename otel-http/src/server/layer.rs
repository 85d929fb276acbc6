//! [`ServerLayer`], the server builder written once over its framework (tower by
//! default, actix-web with the `actix` feature) with its builder methods, its tower
//! `Layer` impl, and [`ServerService`], the service it wraps around a tower application
//! (its `Service` impl: `service.rs`; actix's `Transform`: `crate::actix`).

use std::borrow::Cow;
use std::sync::Arc;

use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::instrumented_service::InstrumentedService;
use otel_kit_core::{MetricAttributes, Providers, RequestValueLimit, SpanAttributes};

use super::config::Config;
use super::exclude::Exclusions;
use super::framework::ServerFramework;
use crate::conventions::{HeaderCapture, KnownMethods};
use crate::framework::Tower;

/// A tower layer that gives every HTTP request a SERVER span and an
/// `http.server.request.duration` point, continuing the caller's trace.
///
/// Unless given its own providers ([`providers`](Self::providers)), it
/// reads the OpenTelemetry globals (tracer provider, meter provider, text-map
/// propagator) when it serves requests, not when it is built, so it may be built before
/// the application installs them (each thread resolves its copy again when the globals
/// change: see `otel_kit_core::globals_changed`).
/// With axum, add it with `Router::layer` so the matched route is known when the span
/// starts:
///
/// ```
/// use axum::{Router, routing::get};
/// use otel_kit_http::ServerLayer;
/// use otel_kit_http::conventions::HeaderCapture;
///
/// let app: Router = Router::new()
///     .route("/users/{id}", get(|| async { "user" }))
///     .layer(ServerLayer::new().exclude_path("/status").capture_headers(HeaderCapture::default().request(["x-request-id"])));
/// ```
///
/// # Frameworks
///
/// `ServerLayer` is `ServerLayer<Tower>`, a tower `Layer`. With the `actix` feature,
/// `ServerLayer<Actix>` (named [`actix::ServerMiddleware`](crate::actix::ServerMiddleware),
/// made with `ServerMiddleware::default()`) is an actix-web middleware with the same
/// methods; its hooks see actix's `ServiceRequest` and the response's `ResponseHead`
/// ([`framework`](crate::framework) lists what each framework's hooks see).
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// request head (method, URI, headers, extensions; on actix the `ServiceRequest`, match
/// info included); `exclude_when` runs after the path rules.
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
/// response head, when the service returns a response (on actix also the head of the
/// response actix renders from an error); not for an error a tower service returns, a
/// panic or a cancelled request. A handler can leave values for it in the response's
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
#[must_use]
pub struct ServerLayer<F: ServerFramework = Tower> {
    pub(crate) config: Arc<Config<F>>,
}

// By hand: derived, they would ask the marker type `F` to be `Clone`, `Default`, `Debug`.
impl<F: ServerFramework> Clone for ServerLayer<F> {
    fn clone(&self) -> Self {
        Self {
            config: Arc::clone(&self.config),
        }
    }
}

impl<F: ServerFramework> Default for ServerLayer<F> {
    fn default() -> Self {
        Self {
            config: Arc::default(),
        }
    }
}

impl<F: ServerFramework> std::fmt::Debug for ServerLayer<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerLayer")
            .field("config", &self.config)
            .finish()
    }
}

impl ServerLayer {
    /// A layer with the defaults: standard methods, [`DEFAULT_EXCLUDED_PATHS`]
    /// excluded, no header capture, only the duration metric, the incoming trace
    /// context trusted, no `traceparent` in responses.
    ///
    /// [`DEFAULT_EXCLUDED_PATHS`]: crate::server::DEFAULT_EXCLUDED_PATHS
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new();
    /// # let _ = layer;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<F: ServerFramework> ServerLayer<F> {
    /// Changes the configuration (copied first when a service shares it).
    fn edit(mut self, change: impl FnOnce(&mut Config<F>)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Sets which methods are recorded as themselves; others become `_OTHER`.
    ///
    /// ```
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let layer = otel_kit_http::ServerLayer::new().known_methods(KnownMethods::default().with(purge));
    /// # let _ = layer;
    /// ```
    pub fn known_methods(self, methods: KnownMethods) -> Self {
        self.edit(|c| c.http.set_known_methods(methods))
    }

    /// The longest string taken from a request that the span and the metric points
    /// record, in bytes (`url.path`, `url.query`, `user_agent.original`,
    /// `http.request.method_original`, `http.route`, each captured header value);
    /// a longer one is cut at a character boundary, and a longer `Host` is not
    /// recorded. Default: 4096
    /// ([`DEFAULT_MAX_REQUEST_VALUE_BYTES`](otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES)),
    /// or `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().max_request_value_bytes(16 * 1024);
    /// # let _ = layer;
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.http.set_value_limit(RequestValueLimit::bytes(max_bytes)))
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

    /// Captures the listed request and response headers as
    /// `http.request.header.<name>` / `http.response.header.<name>` span attributes
    /// (credentials are never captured, see [`HeaderCapture`]). Replaces the lists the
    /// switches (`OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_*_HEADERS`) give.
    ///
    /// ```
    /// use otel_kit_http::conventions::HeaderCapture;
    ///
    /// let layer = otel_kit_http::ServerLayer::new()
    ///     .capture_headers(HeaderCapture::default().request(["x-request-id"]).response(["content-type"]));
    /// # let _ = layer;
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.http.set_headers(|_| capture))
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

    /// Also excludes each request for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// request the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::__private::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().exclude_when(|parts| false);
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&F::Request) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default,
    /// `{method} {http.route}`. Runs before the span starts; make the name from the route or the
    /// operation, never from an identifier. See [`Hooks::set_span_name`](otel_kit_core::__private::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_http::ServerLayer::new().span_name(|parts| Some(Cow::Borrowed("checkout")));
    /// # let _ = layer;
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&F::Request) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_span_name(Arc::new(name)))
    }

    /// Adds span attributes from the request with `add`, **before the span starts** (the
    /// sampler sees them). See
    /// [`Hooks::set_request_span_attributes`](otel_kit_core::__private::hooks::Hooks::set_request_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ServerLayer::new()
    ///     .span_attributes_from_request(|parts, span| span.push(KeyValue::new("app.region", "eu")));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&F::Request, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_request_span_attributes(Arc::new(add)))
    }

    /// Adds span attributes from how the request ended with `add`, just before a recorded
    /// span ends (which endings it sees: the type's docs). See
    /// [`Hooks::set_response_span_attributes`](otel_kit_core::__private::hooks::Hooks::set_response_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ServerLayer::new()
    ///     .span_attributes_from_response(|_ended, span| span.push(KeyValue::new("app.answered", true)));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(&F::Response, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the request to `http.server.request.duration` (and the body-size histograms, when on) with `add`:
    /// at most [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per request, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::__private::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ServerLayer::new().metric_attributes_from_request(|parts, metric| {
    ///     // Bounded: one of two values, whatever the peer sends.
    ///     metric.push(KeyValue::new("app.priority", "interactive"));
    /// });
    /// # let _ = layer;
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl Fn(&F::Request, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_metric_attributes(Box::new(add)))
    }

    /// How many attributes the
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request) hook
    /// tried to add beyond the cap or under a reserved key, and were dropped (0 without
    /// one).
    ///
    /// ```
    /// assert_eq!(otel_kit_http::ServerLayer::new().dropped_metric_attributes(), 0);
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
    /// let layer = otel_kit_http::ServerLayer::new().providers(providers);
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
}

impl<S> tower::Layer<S> for ServerLayer<Tower> {
    type Service = ServerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        InstrumentedService::new(inner, Arc::clone(&self.config))
    }
}

/// Traces the requests of the inner service `S`. Built by
/// [`ServerLayer`]; works with any `Service<http::Request<B>>`
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
pub type ServerService<S> = InstrumentedService<Config<Tower>, S>;
