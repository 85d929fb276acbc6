//! [`ClientLayer`], the tower layer, its hook types and builder methods, and
//! [`ClientService`], the service it wraps around the client (its `Service` impl:
//! `service.rs`).

use std::borrow::Cow;
use std::sync::Arc;

use http::request::Parts;
use http::response::Parts as ResponseParts;
use otel_kit_core::hooks::Signatures;
use otel_kit_core::{MetricAttributes, Providers, RequestValueLimit, Resolver, SpanAttributes};
use otel_kit_semconv::attribute as semconv;

use crate::conventions::{HeaderCapture, KnownMethods};
use crate::outgoing::instruments::{Frontend, Instruments};

/// The hook types of the tower client layer: its request hooks see the request head.
#[derive(Debug)]
pub(crate) enum TowerClientHooks {}

impl Signatures for TowerClientHooks {
    type Exclude = dyn Fn(&Parts) -> bool + Send + Sync;
    type SpanName = dyn Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes = dyn Fn(Result<&ResponseParts, &(dyn std::error::Error + 'static)>, &mut SpanAttributes<'_>)
        + Send
        + Sync;
    type RequestMetricAttributes = dyn Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::HTTP_REQUEST_METHOD,
        semconv::SERVER_ADDRESS,
        semconv::SERVER_PORT,
        semconv::HTTP_RESPONSE_STATUS_CODE,
        semconv::NETWORK_PROTOCOL_VERSION,
        semconv::ERROR_TYPE,
    ];
}

/// The tower front-end of the shared client core.
#[derive(Debug)]
pub(crate) enum Tower {}

impl Frontend for Tower {
    const NAME: &'static str = "ClientLayer";
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "TOWER_CLIENT"];
    type Hooks = TowerClientHooks;
    type PropagationFilter = dyn Fn(&Parts) -> bool + Send + Sync;

    otel_kit_core::instruments_cache!(fn cache() -> Instruments<Tower>);
}

/// Everything a [`ClientLayer`] was configured with, shared by its services and the
/// requests they have in flight.
pub(super) type Config = crate::outgoing::Config<Tower>;

/// A tower layer that gives every request sent through an HTTP client service (any
/// `tower::Service<http::Request<B>>`: hyper-util's legacy client, a client generated
/// over tower) a CLIENT span and an `http.client.request.duration` point, and injects
/// the span's context into the request headers. The same client rules as
/// `ClientMiddleware`'s; see the
/// [module docs](crate::tower_client).
///
/// ```
/// use http_body_util::Empty;
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
/// use otel_kit_http::ClientLayer;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
/// let traced = tower::ServiceBuilder::new().layer(ClientLayer::new()).service(client);
/// # let _ = traced;
/// # });
/// ```
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// request head (method, URI, headers, extensions). An excluded request is still
/// injected with the current context, unless [`NoPropagation`](crate::NoPropagation)
/// or [`propagate_if`](Self::propagate_if) says otherwise.
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees the
/// response head, or the error the client returned; not a panic or a cancelled
/// request.
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// let layer = otel_kit_http::ClientLayer::new()
///     // Polling a queue every second: not worth a span each time.
///     .exclude_when(|parts| parts.uri.path() == "/v1/queue/poll")
///     .span_name(|parts| (parts.uri.host() == Some("api.payments.example")).then(|| Cow::Borrowed("payments")))
///     .span_attributes_from_request(|parts, span| {
///         if let Some(tenant) = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()) {
///             span.push(KeyValue::new("tenant.id", tenant.to_owned()));
///         }
///     })
///     .span_attributes_from_response(|ended, span| {
///         if let Ok(head) = ended
///             && let Some(remaining) = head.headers.get("x-ratelimit-remaining")
///             && let Some(remaining) = remaining.to_str().ok().and_then(|v| v.parse::<i64>().ok())
///         {
///             span.push(KeyValue::new("app.ratelimit.remaining", remaining));
///         }
///     });
/// # drop(layer);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ClientLayer {
    config: Arc<Config>,
}

impl ClientLayer {
    /// The default layer: standard methods, no header capture, propagation to every
    /// destination, the OpenTelemetry globals.
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new();
    /// # drop(layer);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Changes the configuration (copied first when a service shares it).
    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Methods recorded as themselves besides the standard ones; others become
    /// `_OTHER` (span name `HTTP`).
    ///
    /// ```
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
    /// let layer = otel_kit_http::ClientLayer::new().known_methods(KnownMethods::default().with(purge));
    /// # drop(layer);
    /// ```
    pub fn known_methods(self, known_methods: KnownMethods) -> Self {
        self.edit(|c| c.http.set_known_methods(known_methods))
    }

    /// Records the listed request and response headers as span attributes
    /// (credential headers are never recorded, whatever the list says).
    ///
    /// ```
    /// use otel_kit_http::conventions::HeaderCapture;
    ///
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .capture_headers(HeaderCapture::default().request(["x-tenant"]).response(["x-request-id"]));
    /// # drop(layer);
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.http.set_headers(|_| capture))
    }

    /// The longest string of a request that its span records, in bytes (`url.full`
    /// after redaction, `http.request.method_original`, each captured request header
    /// value); a longer one is cut at a character boundary. Default: 4096, or
    /// `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new().max_request_value_bytes(16 * 1024);
    /// # drop(layer);
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.http.set_value_limit(RequestValueLimit::bytes(max_bytes)))
    }

    /// Injects trace context only into requests whose head passes `filter`; the others
    /// are still traced. A [`NoPropagation`](crate::NoPropagation) extension turns
    /// propagation off for one request regardless of the filter.
    ///
    /// ```
    /// // Only our own services learn our trace ids.
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .propagate_if(|parts| parts.uri.host().is_some_and(|h| h.ends_with(".internal.example")));
    /// # drop(layer);
    /// ```
    pub fn propagate_if(self, filter: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.propagate = Some(Arc::new(filter)))
    }

    /// Also excludes each request for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// request the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_http::ClientLayer::new().exclude_when(|_parts| false);
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default,
    /// `{method}`, or `{method} {template}` with a [`UrlTemplate`](crate::UrlTemplate). Runs before the span starts; make the name from the route or the
    /// operation, never from an identifier. See [`Hooks::set_span_name`](otel_kit_core::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_http::ClientLayer::new().span_name(|_parts| Some(Cow::Borrowed("checkout")));
    /// # let _ = layer;
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync + 'static,
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
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .span_attributes_from_request(|_parts, span| span.push(KeyValue::new("app.region", "eu")));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync + 'static,
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
    /// let layer = otel_kit_http::ClientLayer::new()
    ///     .span_attributes_from_response(|_ended, span| span.push(KeyValue::new("app.answered", true)));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(Result<&ResponseParts, &(dyn std::error::Error + 'static)>, &mut SpanAttributes<'_>)
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the request to `http.client.request.duration` with `add`:
    /// at most [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per request, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_http::ClientLayer::new().metric_attributes_from_request(|_parts, metric| {
    ///     // Bounded: one of two values, whatever the peer sends.
    ///     metric.push(KeyValue::new("app.priority", "interactive"));
    /// });
    /// # let _ = layer;
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_metric_attributes(Box::new(add)))
    }

    /// How many attributes the
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request) hook
    /// tried to add beyond the cap or under a reserved key, and were dropped (0 without
    /// one).
    ///
    /// ```
    /// assert_eq!(otel_kit_http::ClientLayer::new().dropped_metric_attributes(), 0);
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
    /// let layer = otel_kit_http::ClientLayer::new().providers(providers);
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
}

impl<S> tower::Layer<S> for ClientLayer {
    type Service = ClientService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientService {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// Traces the requests sent through the inner client service `S`. Built by
/// [`ClientLayer`].
///
/// ```
/// use tower::{Layer as _, ServiceExt as _};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let service = otel_kit_http::ClientLayer::new().layer(tower::service_fn(|request: http::Request<()>| async move {
///     // The span's context travels in the headers (with a propagator installed).
///     let _ = request.headers().get("traceparent");
///     Ok::<_, std::io::Error>(http::Response::new(()))
/// }));
/// let response = service.oneshot(http::Request::get("http://localhost/").body(()).unwrap()).await.unwrap();
/// assert_eq!(response.status(), 200);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct ClientService<S> {
    pub(super) inner: S,
    pub(super) config: Arc<Config>,
}

impl<S> ClientService<S> {
    /// The wrapped service.
    ///
    /// ```
    /// use tower::Layer as _;
    ///
    /// let service = otel_kit_http::ClientLayer::new().layer(42);
    /// assert_eq!(*service.get_ref(), 42);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// use tower::Layer as _;
    ///
    /// let mut service = otel_kit_http::ClientLayer::new().layer(42);
    /// *service.get_mut() += 1;
    /// assert_eq!(service.into_inner(), 43);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use tower::Layer as _;
    ///
    /// let service = otel_kit_http::ClientLayer::new().layer("inner");
    /// assert_eq!(service.into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}
