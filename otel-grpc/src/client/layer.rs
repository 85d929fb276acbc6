//! [`ClientLayer`]: the tower layer and its configuration.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use http::Uri;
use http::request::Parts;
use opentelemetry::StringValue;
use otel_kit_core::extra_attributes::MetricAttributesHook;
use otel_kit_core::{MetricAttributes, Providers, Resolver, SpanAttributes};
use tower::Layer;

use super::service::ClientService;
use crate::exclude::Exclusions;
use crate::hooks::{CallOutcome, Hooks, RequestMetricAttributes};
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ClientLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) exclusions: Exclusions,
    /// `server.address` and `server.port` of the channel's target.
    pub(super) target: Option<(StringValue, Option<i64>)>,
    /// Set once a call without a target was logged: the debug line is said once per
    /// layer, not per call.
    pub(super) missing_target_logged: Arc<AtomicBool>,
    pub(super) capture: Arc<MetadataCapture>,
    pub(super) hooks: Hooks,
    pub(super) resolver: Resolver<Instruments>,
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
///     .layer(ClientLayer::new().target(endpoint.uri()))
///     .service(channel);
/// // let client = GreeterClient::new(traced);
/// # let _ = traced;
/// # });
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ClientLayer {
    config: Arc<Config>,
}

impl ClientLayer {
    /// A layer with the defaults: [`DEFAULT_EXCLUDED_SERVICES`] excluded, no target
    /// (`server.address` only when the request URI has an authority), no metadata
    /// captured.
    ///
    /// [`DEFAULT_EXCLUDED_SERVICES`]: crate::DEFAULT_EXCLUDED_SERVICES
    ///
    /// ```
    /// let layer = otel_kit_grpc::ClientLayer::new();
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
    /// use otel_kit_grpc::{ClientLayer, Providers};
    ///
    /// let layer = ClientLayer::new().providers(Providers::new().tracer_provider(SdkTracerProvider::default()));
    /// # let _ = layer;
    /// ```
    pub fn providers(self, providers: Providers) -> Self {
        self.edit(|c| c.resolver = Resolver::new(providers))
    }

    /// The channel's target, for `server.address` and `server.port` (the port from
    /// the URI, else the scheme's default). Pass the URI the channel was built from
    /// (`Endpoint::uri()`): tonic's generated clients send bare paths and a `Channel`
    /// does not tell its endpoint, so the layer cannot read it from the requests.
    ///
    /// **Without it, client spans and `rpc.client.call.duration` have no
    /// `server.address`**, which the conventions require; the layer then logs it once
    /// (`tracing` target `otel_kit_grpc`, level debug).
    ///
    /// ```
    /// let uri: http::Uri = "http://orders.internal:50051".parse().unwrap();
    /// let layer = otel_kit_grpc::ClientLayer::new().target(&uri);
    /// # let _ = layer;
    /// ```
    pub fn target(self, uri: &Uri) -> Self {
        let target = server_address(uri);
        self.edit(|c| c.target = target)
    }

    /// Also excludes calls to `service` (fully qualified): no span, no metric; the
    /// current context is still propagated.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ClientLayer::new().exclude_service("internal.Debug");
    /// # let _ = layer;
    /// ```
    pub fn exclude_service(self, service: impl Into<String>) -> Self {
        self.edit(|c| c.exclusions.add(service.into()))
    }

    /// Removes every exclusion, the defaults included.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ClientLayer::new().exclude_nothing();
    /// # let _ = layer;
    /// ```
    pub fn exclude_nothing(self) -> Self {
        self.edit(|c| c.exclusions = Exclusions::none())
    }

    /// Excludes calls for which `predicate` returns `true`: the per-call decision
    /// whether to trace at all, beyond [`exclude_service`](Self::exclude_service). It sees
    /// the request head (the path `/package.Service/Method`, metadata, extensions) and
    /// runs on every call not already excluded by service, so keep it cheap; each call
    /// adds a predicate. An excluded call gets no span and no metric; the current context is still injected, so the server continues the caller's trace.
    ///
    /// ```
    /// // A watch loop that polls every second: not worth a span each time.
    /// let layer = otel_kit_grpc::ClientLayer::new()
    ///     .exclude_when(|parts| parts.uri.path() == "/shop.Inventory/Poll");
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
    /// let layer = otel_kit_grpc::ClientLayer::new().span_name(|parts| {
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
    /// let layer = otel_kit_grpc::ClientLayer::new().span_attributes_from_request(|parts, span| {
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
    /// let layer = otel_kit_grpc::ClientLayer::new().span_attributes_from_response(|outcome, span| {
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

    /// Adds attributes from the request head to `rpc.client.call.duration` with `add`. Opt-in, and for
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
    /// let layer = otel_kit_grpc::ClientLayer::new().metric_attributes_from_request(|parts, metric| {
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
    /// assert_eq!(otel_kit_grpc::ClientLayer::new().dropped_metric_attributes(), 0);
    /// ```
    pub fn dropped_metric_attributes(&self) -> u64 {
        self.config.hooks.dropped_metric_attributes()
    }

    /// Captures the listed request and response metadata as span attributes.
    ///
    /// ```
    /// use otel_kit_grpc::{ClientLayer, MetadataCapture};
    /// let layer = ClientLayer::new().capture_metadata(MetadataCapture::default().response(["x-shard"]));
    /// # let _ = layer;
    /// ```
    pub fn capture_metadata(self, capture: MetadataCapture) -> Self {
        self.edit(|c| c.capture = Arc::new(capture))
    }
}

/// `server.address` and `server.port` of a URI with an authority.
pub(super) fn server_address(uri: &Uri) -> Option<(StringValue, Option<i64>)> {
    let authority = uri.authority()?;
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let port = authority.port_u16().or(match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    });
    Some((StringValue::from(host.to_owned()), port.map(i64::from)))
}

impl<S> Layer<S> for ClientLayer {
    type Service = ClientService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientService::new(inner, Arc::clone(&self.config))
    }
}
