//! [`ServerLayer`]: the tower layer and its configuration.

use std::sync::Arc;

use http::request::Parts;
use otel_kit_core::{Providers, Resolver};
use tower::Layer;

use super::exclude::Exclusions;
use super::instruments::Instruments;
use super::service::ServerService;
use crate::conventions::{HeaderCapture, KnownMethods};

/// Everything a [`ServerLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) known_methods: KnownMethods,
    pub(super) exclusions: Exclusions,
    pub(super) headers: HeaderCapture,
    pub(super) active_requests: bool,
    pub(super) body_sizes: bool,
    pub(super) echo_traceparent: bool,
    pub(super) public_endpoint: bool,
    pub(super) resolver: Resolver<Instruments>,
}

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
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ServerLayer {
    config: Arc<Config>,
}

impl ServerLayer {
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
    pub fn new() -> Self {
        Self::default()
    }

    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

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
        self.edit(|c| c.known_methods = methods)
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

    /// Also excludes requests for which `predicate` returns `true`. It sees the request
    /// head (method, URI, headers, extensions) and runs on every request, so keep it cheap.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new()
    ///     .exclude_when(|parts| parts.headers.contains_key("x-synthetic-probe"));
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.exclusions.add_predicate(Arc::new(predicate)))
    }

    /// Removes every exclusion rule, the defaults included; rules added afterwards apply.
    ///
    /// ```
    /// // Trace `/health` too, but not `/metrics`.
    /// let layer = otel_kit_http::ServerLayer::new().exclude_nothing().exclude_path("/metrics");
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| c.exclusions = Exclusions::none())
    }

    /// Captures these request headers as `http.request.header.<name>` span attributes
    /// (credentials are never captured, see [`HeaderCapture`]).
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().capture_request_headers(["x-request-id"]);
    /// # let _ = layer;
    /// ```
    pub fn capture_request_headers(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.edit(|c| c.headers = std::mem::take(&mut c.headers).request(names))
    }

    /// Captures these response headers as `http.response.header.<name>` span attributes.
    ///
    /// ```
    /// let layer = otel_kit_http::ServerLayer::new().capture_response_headers(["content-type"]);
    /// # let _ = layer;
    /// ```
    pub fn capture_response_headers(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.edit(|c| c.headers = std::mem::take(&mut c.headers).response(names))
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

    /// Sends spans and metrics to, and reads trace context with, `providers` instead
    /// of the globals (each one not given in `providers` is still read from its global).
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_http::{Providers, ServerLayer};
    ///
    /// let layer = ServerLayer::new().providers(Providers::new().tracer_provider(SdkTracerProvider::default()));
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
}

impl<S> Layer<S> for ServerLayer {
    type Service = ServerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ServerService::new(inner, Arc::clone(&self.config))
    }
}
