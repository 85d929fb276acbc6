//! [`ClientLayer`], the tower layer, its configuration and builder methods, and
//! [`ClientService`], the service it wraps around the channel (its `Service` impl:
//! `service.rs`).

use std::borrow::Cow;
use std::sync::Arc;

use http::Uri;
use http::request::Parts;
use otel_kit_core::hooks::Hooks;
use otel_kit_core::{
    HeaderCapture, MetricAttributes, Providers, RequestValueLimit, Resolver, SpanAttributes,
};

use super::target::Server;
use crate::call_outcome::{CallHooks, CallOutcome};
use crate::exclude::Exclusions;
use crate::instruments::Instruments;
use crate::metadata::metadata_capture;

/// Everything a [`ClientLayer`] was configured with, shared by its services.
#[derive(Debug, Clone)]
pub(super) struct Config {
    pub(super) hooks: Hooks<CallHooks>,
    pub(super) resolver: Resolver<Instruments>,
    /// The channel's server, from the URI the layer was made with (`None` only for an
    /// empty one).
    pub(super) server: Option<Server>,
    pub(super) exclusions: Exclusions,
    pub(super) capture: Arc<HeaderCapture>,
    /// The longest request-derived string recorded.
    pub(super) value_limit: otel_kit_core::request_value::LayerValueLimit,
}

impl Config {
    fn new(target: &Uri) -> Self {
        Config {
            hooks: Hooks::default(),
            resolver: Resolver::default(),
            server: Server::of(target),
            exclusions: Exclusions::default(),
            capture: Arc::default(),
            value_limit: Default::default(),
        }
    }
}

/// A tower layer that gives every gRPC call through a channel a CLIENT span and an
/// `rpc.client.call.duration` point, and propagates the span's context.
///
/// ```
/// use otel_kit_grpc::ClientLayer;
/// use tonic::transport::Endpoint;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let endpoint = Endpoint::from_static("http://localhost:50051");
/// let channel = endpoint.connect_lazy();
/// let traced = tower::ServiceBuilder::new()
///     .layer(ClientLayer::new(endpoint.uri()))
///     .service(channel);
/// // let client = GreeterClient::new(traced);
/// # let _ = traced;
/// # });
/// ```
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// request head: the path `/package.Service/Method`, metadata, extensions.
/// `exclude_when` runs after [`exclude_service`](Self::exclude_service); for an excluded
/// call the current context is still injected, so the server continues the caller's trace. A call found to be an unknown method when it ends is still renamed
/// `grpc`, whatever `span_name` chose.
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees how the
/// call ended ([`CallOutcome`]: the status code and message, the metadata the status
/// came in), once per call however it ends (a status, an error, a panic, a
/// cancellation).
///
/// [`CallOutcome`]: crate::CallOutcome
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// let uri = http::Uri::from_static("http://orders.internal:50051");
/// let layer = otel_kit_grpc::ClientLayer::new(&uri)
///     // Load-balancer probes call the real service with this metadata.
///     .exclude_when(|parts| parts.headers.contains_key("x-synthetic-probe"))
///     // Only the method, without its package.
///     .span_name(|parts| {
///         let method = parts.uri.path().rsplit('/').next()?;
///         Some(Cow::Owned(method.to_owned()))
///     })
///     .span_attributes_from_request(|parts, span| {
///         if let Some(tenant) = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()) {
///             span.push(KeyValue::new("tenant.id", tenant.to_owned()));
///         }
///     })
///     .span_attributes_from_response(|outcome, span| {
///         if outcome.code() == Some(tonic::Code::ResourceExhausted) {
///             span.push(KeyValue::new("app.throttled", true));
///         }
///     })
///     .metric_attributes_from_request(|parts, metric| {
///         // Bounded: two values, whatever the caller sends.
///         let batch = parts.headers.get("x-priority").is_some_and(|v| v == "batch");
///         metric.push(KeyValue::new("app.priority", if batch { "batch" } else { "interactive" }));
///     });
/// # let _ = layer;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientLayer {
    config: Arc<Config>,
}

impl ClientLayer {
    /// A layer for a channel to `target`, the URI the channel was built from
    /// (`Endpoint::uri()`), with the defaults: [`DEFAULT_EXCLUDED_SERVICES`] excluded, no
    /// metadata captured.
    ///
    /// `target` gives every call's `server.address` and `server.port` (Required on a
    /// client span): its host (an IPv6 literal without brackets) and its port, else the
    /// scheme's default (443 for `https`, 80 for `http`). tonic's generated clients send
    /// bare paths and a `Channel` does not tell its endpoint, so the layer cannot read
    /// them from the requests; a request whose URI does carry an authority is recorded
    /// with that one instead (it is where the request goes). A host that is an IP
    /// address is also the call's `network.peer.address` (and the port its
    /// `network.peer.port`); for a host name they are left out, since tonic does not
    /// expose the address the name resolved to. A URI without an authority (no host to
    /// read) is `server.address` whole, without a port.
    ///
    /// [`DEFAULT_EXCLUDED_SERVICES`]: crate::DEFAULT_EXCLUDED_SERVICES
    ///
    /// ```
    /// let uri: http::Uri = "http://orders.internal:50051".parse().unwrap();
    /// let layer = otel_kit_grpc::ClientLayer::new(&uri);
    /// # let _ = layer;
    /// ```
    pub fn new(target: &Uri) -> Self {
        Self {
            config: Arc::new(Config::new(target)),
        }
    }

    /// Changes the configuration (copied first when a service shares it).
    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Also excludes calls to `service` (fully qualified, `package.Service`): no span,
    /// no metric; the trace context still flows.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).exclude_service("internal.Debug");
    /// # let _ = layer;
    /// ```
    pub fn exclude_service(self, service: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add(service.into()))
    }

    /// Removes every excluded service, the defaults included; services excluded
    /// afterwards are excluded. The `exclude_when` predicates stay.
    ///
    /// ```
    /// // Trace health checks too.
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).exclude_nothing();
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| c.exclusions = Exclusions::none())
    }

    /// Captures the listed request and response metadata keys as
    /// `rpc.request.metadata.<key>` / `rpc.response.metadata.<key>` span attributes
    /// (credentials are never captured, see [`HeaderCapture`]). Binary (`-bin`) values
    /// are recorded as their base64 text.
    ///
    /// ```
    /// use otel_kit_grpc::HeaderCapture;
    ///
    /// let capture = HeaderCapture::default().request(["x-tenant"]).response(["x-shard"]);
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).capture_headers(capture);
    /// # let _ = layer;
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.capture = Arc::new(metadata_capture(&capture)))
    }

    /// The longest string taken from a call's request that its span and metric
    /// points record, in bytes: a request path longer than this is no method name
    /// (`rpc.method` is `_OTHER`, `rpc.method_original` the path cut to this length),
    /// and each captured request metadata value and `server.address` is cut to it.
    /// Default: 4096, or `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).max_request_value_bytes(1024);
    /// # let _ = layer;
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.value_limit.set(RequestValueLimit::bytes(max_bytes)))
    }

    /// Also excludes each call for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// call the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).exclude_when(|parts| false);
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default,
    /// `package.Service/Method`. Runs before the span starts; make the name from the route or the
    /// operation, never from an identifier. See [`Hooks::set_span_name`](otel_kit_core::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).span_name(|parts| Some(Cow::Borrowed("checkout")));
    /// # let _ = layer;
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_span_name(Arc::new(name)))
    }

    /// Adds span attributes from the call with `add`, **before the span starts** (the
    /// sampler sees them). See
    /// [`Hooks::set_request_span_attributes`](otel_kit_core::hooks::Hooks::set_request_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051"))
    ///     .span_attributes_from_request(|parts, span| span.push(KeyValue::new("app.region", "eu")));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_request_span_attributes(Arc::new(add)))
    }

    /// Adds span attributes from how the call ended with `add`, just before a recorded
    /// span ends (which endings it sees: the type's docs). See
    /// [`Hooks::set_response_span_attributes`](otel_kit_core::hooks::Hooks::set_response_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051"))
    ///     .span_attributes_from_response(|_ended, span| span.push(KeyValue::new("app.answered", true)));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(&CallOutcome<'_>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the call to `rpc.client.call.duration` with `add`:
    /// at most [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per call, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).metric_attributes_from_request(|parts, metric| {
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
    /// assert_eq!(otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).dropped_metric_attributes(), 0);
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
    /// let providers = otel_kit_grpc::Providers::new().tracer_provider(SdkTracerProvider::default());
    /// let layer = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).providers(providers);
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

/// Traces the calls sent through the inner service `S` (a tonic `Channel`). Built by
/// [`ClientLayer`].
///
/// ```
/// use tower::{Layer as _, ServiceExt as _};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let uri = http::Uri::from_static("http://orders.internal:50051");
/// let service = otel_kit_grpc::ClientLayer::new(&uri).layer(tower::service_fn(|request: http::Request<String>| async move {
///     // The span's context travels in the metadata (with a propagator installed).
///     let _ = request.headers().get("traceparent");
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
/// }));
/// let response = service.oneshot(http::Request::new(String::new())).await.unwrap();
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
    /// let service = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).layer(42);
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
    /// let mut service = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).layer(42);
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
    /// let service = otel_kit_grpc::ClientLayer::new(&http::Uri::from_static("http://localhost:50051")).layer("inner");
    /// assert_eq!(service.into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}
