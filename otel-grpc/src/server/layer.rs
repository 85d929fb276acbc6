//! [`ServerLayer`]: the tower layer and its configuration.

use std::borrow::Cow;
use std::sync::Arc;

use http::request::Parts;
use otel_kit_core::extra_attributes::MetricAttributesHook;
use otel_kit_core::{MetricAttributes, Providers, Resolver, SpanAttributes};
use tonic::server::NamedService;
use tower::Layer;

use super::service::ServerService;
use crate::exclude::Exclusions;
use crate::hooks::{CallOutcome, Hooks, RequestMetricAttributes};
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ServerLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) exclusions: Exclusions,
    /// The declared services; `None` when the layer relies on `UNIMPLEMENTED`.
    pub(super) known: Option<Vec<String>>,
    pub(super) capture: Arc<MetadataCapture>,
    pub(super) hooks: Hooks,
    pub(super) resolver: Resolver<Instruments>,
}

/// A tower layer that gives every gRPC call a SERVER span and an
/// `rpc.server.call.duration` point, continuing the caller's trace.
///
/// Unless given [`providers`](Self::providers), it reads the OpenTelemetry globals
/// (tracer and meter providers, propagator) when it serves calls, not when it is built.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// tonic::transport::Server::builder()
///     .layer(otel_kit_grpc::ServerLayer::new())
///     // .add_service(GreeterServer::new(MyGreeter::default()))
/// #   .add_routes(tonic::service::Routes::default())
///     .serve("127.0.0.1:50051".parse()?)
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ServerLayer {
    config: Arc<Config>,
}

impl ServerLayer {
    /// A layer with the defaults: [`DEFAULT_EXCLUDED_SERVICES`] excluded, unknown
    /// methods detected by their `UNIMPLEMENTED` answer, no metadata captured.
    ///
    /// [`DEFAULT_EXCLUDED_SERVICES`]: crate::DEFAULT_EXCLUDED_SERVICES
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new();
    /// # let _ = layer;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Sends spans and metrics to, and reads and writes trace context with,
    /// `providers` instead of the globals (each one not given in `providers` is still
    /// read from its global).
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_grpc::{ServerLayer, Providers};
    ///
    /// let layer = ServerLayer::new().providers(Providers::new().tracer_provider(SdkTracerProvider::default()));
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }

    /// Also excludes calls to `service` (fully qualified, `package.Service`): no span,
    /// no metric.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new().exclude_service("internal.Debug");
    /// # let _ = layer;
    /// ```
    pub fn exclude_service(self, service: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add(service.into()))
    }

    /// Removes every exclusion, the defaults included; services excluded afterwards
    /// are excluded.
    ///
    /// ```
    /// // Trace health checks too.
    /// let layer = otel_kit_grpc::ServerLayer::new().exclude_nothing();
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| c.exclusions = Exclusions::none())
    }

    /// Declares the services this server serves (fully qualified names). Calls to any
    /// other service are recorded as `_OTHER` from the start, and the methods of these
    /// services are recorded as themselves whatever their status.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new().known_services(["otel.test.Echo"]);
    /// # let _ = layer;
    /// ```
    pub fn known_services(self, services: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.edit(|c| {
            c.known
                .get_or_insert_with(Vec::new)
                .extend(services.into_iter().map(Into::into));
        })
    }

    /// Declares the service `S` (a tonic generated server, through its
    /// [`NamedService::NAME`]); see [`known_services`](Self::known_services).
    ///
    /// ```
    /// struct Echo;
    /// impl tonic::server::NamedService for Echo {
    ///     const NAME: &'static str = "otel.test.Echo";
    /// }
    /// let layer = otel_kit_grpc::ServerLayer::new().known_service::<Echo>();
    /// # let _ = layer;
    /// ```
    pub fn known_service<S: NamedService>(self) -> Self {
        self.known_services([S::NAME])
    }

    /// Excludes calls for which `predicate` returns `true`: the per-call decision
    /// whether to trace at all, beyond [`exclude_service`](Self::exclude_service). It sees
    /// the request head (the path `/package.Service/Method`, metadata, extensions) and
    /// runs on every call not already excluded by service, so keep it cheap; each call
    /// adds a predicate. An excluded call gets no span and no metric; its handler still runs in the caller's trace context.
    ///
    /// ```
    /// // Load-balancer probes call the real service with this metadata.
    /// let layer = otel_kit_grpc::ServerLayer::new()
    ///     .exclude_when(|parts| parts.headers.contains_key("x-synthetic-probe"));
    /// # let _ = layer;
    /// ```
    pub fn exclude_when(self, predicate: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        self.edit(|c| c.hooks.exclude.push(Arc::new(predicate)))
    }

    /// Names the span with what `name` returns for the request head; `None` keeps the
    /// default, `package.Service/Method`. It runs before the span starts (samplers see
    /// the name). Make it from something bounded, never from an identifier. A call found
    /// to be an unknown method when it ends is still renamed `grpc`.
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// // Only the method, without its package.
    /// let layer = otel_kit_grpc::ServerLayer::new().span_name(|parts| {
    ///     let method = parts.uri.path().rsplit('/').next()?;
    ///     Some(Cow::Owned(method.to_owned()))
    /// });
    /// # let _ = layer;
    /// ```
    pub fn span_name(
        self,
        name: impl Fn(&Parts) -> Option<Cow<'static, str>> + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.span_name = Some(Arc::new(name)))
    }

    /// Adds span attributes from the request head (path, metadata, extensions) with
    /// `add`. It runs **before the span starts**, so its attributes are in the sampler's
    /// `attributes` argument.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new().span_attributes_from_request(|parts, span| {
    ///     if let Some(tenant) = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()) {
    ///         span.push(KeyValue::new("tenant.id", tenant.to_owned()));
    ///     }
    /// });
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_request(
        self,
        add: impl Fn(&Parts, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.request_span_attributes = Some(Arc::new(add)))
    }

    /// Adds span attributes from how the call ended ([`CallOutcome`]: the status code
    /// and message, the metadata the status came in) with `add`, just before the span
    /// ends. It runs once per call, however it ends (a status, an error, a panic, a
    /// cancellation), when the span is recorded (sampled).
    ///
    /// [`CallOutcome`]: crate::CallOutcome
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new().span_attributes_from_response(|outcome, span| {
    ///     if outcome.code() == Some(tonic::Code::ResourceExhausted) {
    ///         span.push(KeyValue::new("app.throttled", true));
    ///     }
    /// });
    /// # let _ = layer;
    /// ```
    pub fn span_attributes_from_response(
        self,
        add: impl Fn(&CallOutcome<'_>, &mut SpanAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.edit(|c| c.hooks.response_span_attributes = Some(Arc::new(add)))
    }

    /// Adds attributes from the request head to `rpc.server.call.duration` with `add`. Opt-in, and for
    /// **bounded** values only: each distinct value makes a new series of the histogram,
    /// in this process and in the backend. Never an identifier or anything the caller
    /// chooses freely; map it to a short fixed list first.
    ///
    /// At most [`MAX_METRIC_ATTRIBUTES`] (4) are kept per call, and the keys this metric
    /// sets itself (`rpc.method`, `rpc.response.status_code`, ...) are refused; what is
    /// dropped is counted ([`dropped_metric_attributes`](Self::dropped_metric_attributes)).
    /// It runs once per traced call, when the span starts.
    ///
    /// [`MAX_METRIC_ATTRIBUTES`]: crate::MAX_METRIC_ATTRIBUTES
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// let layer = otel_kit_grpc::ServerLayer::new().metric_attributes_from_request(|parts, metric| {
    ///     // Bounded: two values, whatever the caller sends.
    ///     let batch = parts.headers.get("x-priority").is_some_and(|v| v == "batch");
    ///     metric.push(KeyValue::new("app.priority", if batch { "batch" } else { "interactive" }));
    /// });
    /// # let _ = layer;
    /// ```
    pub fn metric_attributes_from_request(
        self,
        add: impl Fn(&Parts, &mut MetricAttributes<'_>) + Send + Sync + 'static,
    ) -> Self {
        let hook: MetricAttributesHook<RequestMetricAttributes> = MetricAttributesHook::new(Box::new(add));
        self.edit(|c| c.hooks.metric_attributes = Some(Arc::new(hook)))
    }

    /// How many attributes the [`metric_attributes_from_request`](Self::metric_attributes_from_request)
    /// hook tried to add beyond the cap or under a reserved key, and were dropped, since
    /// it was set (0 without one).
    ///
    /// ```
    /// assert_eq!(otel_kit_grpc::ServerLayer::new().dropped_metric_attributes(), 0);
    /// ```
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.config.hooks.dropped_metric_attributes()
    }

    /// Captures the listed request and response metadata as span attributes.
    ///
    /// ```
    /// use otel_kit_grpc::{MetadataCapture, ServerLayer};
    /// let layer = ServerLayer::new().capture_metadata(MetadataCapture::default().request(["x-tenant"]));
    /// # let _ = layer;
    /// ```
    pub fn capture_metadata(self, capture: MetadataCapture) -> Self {
        self.edit(|c| c.capture = Arc::new(capture))
    }
}

impl<S> Layer<S> for ServerLayer {
    type Service = ServerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ServerService::new(inner, Arc::clone(&self.config))
    }
}
