//! [`GrpcLayer`], the gRPC builder written once for both sides: the configuration and the
//! settings and hooks a server and a client share. Each side adds its own: the server's
//! declared services (`server/layer.rs`), the client's target (`client/layer.rs`).

use std::borrow::Cow;
use std::sync::Arc;

use http::request::Parts;
use http::{Request, Response};
use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::hooks::Hooks;
use otel_kit_core::__private::instrumented_service::{InstrumentRequest, InstrumentedService};
use otel_kit_core::{HeaderCapture, MetricAttributes, Providers, RequestValueLimit, SpanAttributes};

use tower::Service;

use crate::body::ResponseBody;
use crate::call_outcome::{CallHooks, CallOutcome};
use crate::exclude::Exclusions;
use crate::future::ResponseFuture;
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Implemented by the two sides only: what each does with a call (its `service.rs`).
pub(crate) mod sealed {
    use std::sync::Arc;

    use http::Request;
    use tower::Service;

    use super::Config;
    use crate::future::ResponseFuture;

    pub trait Sealed: Sized {
        /// Sends one call through `inner`: traced, or (excluded) untraced.
        fn call<S, B>(
            config: &Arc<Config<Self>>,
            inner: &mut S,
            request: Request<B>,
        ) -> ResponseFuture<S::Future>
        where
            S: Service<Request<B>>;
    }
}

/// The settings only one side of a call has: [`ServerSide`](crate::server::ServerSide)
/// ([`ServerLayer`](crate::ServerLayer)) or [`ClientSide`](crate::client::ClientSide)
/// ([`ClientLayer`](crate::ClientLayer)).
pub trait LayerSide: sealed::Sealed + Clone + std::fmt::Debug + Send + Sync + 'static {}

/// Everything a [`GrpcLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
// `pub` in a private module: named by the public `ServerService` and `ClientService`
// aliases, never by users.
pub struct Config<S> {
    pub(crate) hooks: Hooks<CallHooks>,
    pub(crate) resolver: Resolver<Instruments>,
    pub(crate) exclusions: Exclusions,
    pub(crate) capture: Arc<MetadataCapture>,
    /// The longest request-derived string recorded.
    pub(crate) value_limit: otel_kit_core::request_value::LayerValueLimit,
    /// What only this side has.
    pub(crate) side: S,
}

impl<S> Config<S> {
    pub(crate) fn new(side: S) -> Self {
        Config {
            hooks: Hooks::default(),
            resolver: Resolver::default(),
            exclusions: Exclusions::default(),
            capture: Arc::default(),
            value_limit: Default::default(),
            side,
        }
    }
}

/// The gRPC layer of side `S`, named by side: [`ServerLayer`](crate::ServerLayer)
/// (`GrpcLayer<ServerSide>`, for `tonic::transport::Server::builder().layer(..)`) and
/// [`ClientLayer`](crate::ClientLayer) (`GrpcLayer<ClientSide>`, around a channel). The
/// settings and hooks below are the same on both; each side's page says what it adds.
///
/// Unless given [`providers`](Self::providers), it reads the OpenTelemetry globals
/// (tracer and meter providers, propagator) when it serves calls, not when it is built.
///
/// # Hooks
///
/// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
/// [`span_attributes_from_request`](Self::span_attributes_from_request),
/// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
/// request head: the path `/package.Service/Method`, metadata, extensions.
/// `exclude_when` runs after [`exclude_service`](Self::exclude_service).
/// [`span_attributes_from_response`](Self::span_attributes_from_response) sees how the
/// call ended ([`CallOutcome`]: the status code and message, the metadata the status
/// came in), once per call however it ends (a status, an error, a panic, a
/// cancellation).
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// let layer = otel_kit_grpc::ServerLayer::new()
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
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct GrpcLayer<S: LayerSide> {
    pub(crate) config: Arc<Config<S>>,
}

/// Both sides' tower `Layer`: the [`ServerService`](crate::ServerService) or
/// [`ClientService`](crate::ClientService) around the inner service, sharing this
/// layer's configuration.
impl<Side: LayerSide, S> tower::Layer<S> for GrpcLayer<Side> {
    type Service = InstrumentedService<Config<Side>, S>;

    fn layer(&self, inner: S) -> Self::Service {
        InstrumentedService::new(inner, Arc::clone(&self.config))
    }
}

impl<L, S, ReqBody, ResBody> InstrumentRequest<S, Request<ReqBody>> for Config<L>
where
    L: LayerSide,
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: std::fmt::Display + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Future = ResponseFuture<S::Future>;

    fn call(config: &Arc<Self>, inner: &mut S, request: Request<ReqBody>) -> Self::Future {
        L::call(config, inner, request)
    }
}

impl<S: LayerSide> GrpcLayer<S> {
    /// Changes the configuration (copied first when a service shares it).
    pub(crate) fn edit(mut self, change: impl FnOnce(&mut Config<S>)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Also excludes calls to `service` (fully qualified, `package.Service`): no span,
    /// no metric; the trace context still flows.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new().exclude_service("internal.Debug");
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
    /// let layer = otel_kit_grpc::ServerLayer::new().exclude_nothing();
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| c.exclusions = Exclusions::none())
    }

    /// Captures the listed request and response metadata keys as span attributes:
    /// `rpc.request.header.<key>`, and for a response key `rpc.response.header.<key>`
    /// when it comes in the response headers (before the messages) and
    /// `rpc.response.trailer.<key>` when it comes in the trailers (after them, with the
    /// status; a trailers-only response's are trailers). Credentials are never captured,
    /// see [`HeaderCapture`]. Binary (`-bin`) values are recorded as their base64 text.
    ///
    /// ```
    /// use otel_kit_grpc::HeaderCapture;
    ///
    /// let capture = HeaderCapture::default().request(["x-tenant"]).response(["x-shard"]);
    /// let layer = otel_kit_grpc::ServerLayer::new().capture_headers(capture);
    /// # let _ = layer;
    /// ```
    pub fn capture_headers(self, capture: HeaderCapture) -> Self {
        self.edit(|c| c.capture = Arc::new(MetadataCapture::new(&capture)))
    }

    /// The longest string taken from a call's request that its span and metric
    /// points record, in bytes: a request path longer than this is no method name
    /// (`rpc.method` is `_OTHER`, `rpc.method_original` the path cut to this length),
    /// and each captured request metadata value and `server.address` is cut to it.
    /// Default: 4096, or `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new().max_request_value_bytes(1024);
    /// # let _ = layer;
    /// ```
    pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
        self.edit(|c| c.value_limit.set(RequestValueLimit::bytes(max_bytes)))
    }

    /// Also excludes each call for which `predicate` returns `true` (no span, no
    /// metric; the trace context still flows); each call adds a predicate, run on every
    /// call the other exclusion rules let through, so keep it cheap. See
    /// [`Hooks::add_exclude`](otel_kit_core::__private::hooks::Hooks::add_exclude).
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new().exclude_when(|parts| false);
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.add_exclude(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns; `None` keeps the default,
    /// `package.Service/Method`. Runs before the span starts; make the name from the route or the
    /// operation, never from an identifier. See [`Hooks::set_span_name`](otel_kit_core::__private::hooks::Hooks::set_span_name).
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new().span_name(|parts| Some(Cow::Borrowed("checkout")));
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
    /// [`Hooks::set_request_span_attributes`](otel_kit_core::__private::hooks::Hooks::set_request_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new()
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
    /// [`Hooks::set_response_span_attributes`](otel_kit_core::__private::hooks::Hooks::set_response_span_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new()
    ///     .span_attributes_from_response(|_ended, span| span.push(KeyValue::new("app.answered", true)));
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(&CallOutcome<'_>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.set_response_span_attributes(Arc::new(add)))
    }

    /// Adds **bounded** attributes from the call to the call's duration (`rpc.server.call.duration` or
    /// `rpc.client.call.duration`) with `add`:
    /// at most [`MAX_METRIC_ATTRIBUTES`](otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES)
    /// per call, never a key the metric sets itself; what is dropped is counted
    /// ([`dropped_metric_attributes`](Self::dropped_metric_attributes)). See
    /// [`Hooks::set_metric_attributes`](otel_kit_core::__private::hooks::Hooks::set_metric_attributes).
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new().metric_attributes_from_request(|parts, metric| {
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
    /// assert_eq!(otel_kit_grpc::ServerLayer::new().dropped_metric_attributes(), 0);
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
    /// let layer = otel_kit_grpc::ServerLayer::new().providers(providers);
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }
}
