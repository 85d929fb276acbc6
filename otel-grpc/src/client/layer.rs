//! [`ClientLayer`]: the tower layer and its configuration.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use http::Uri;
use http::request::Parts;
use opentelemetry::StringValue;
use otel_kit_core::Resolver;
use otel_kit_core::hooks::Hooks;

use crate::call_outcome::{CallHooks, CallOutcome};
use crate::exclude::Exclusions;
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ClientLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) hooks: Hooks<CallHooks>,
    pub(super) resolver: Resolver<Instruments>,
    /// `server.address` and `server.port` of the channel's target.
    pub(super) target: Option<(StringValue, Option<i64>)>,
    /// Set once a call without a target was logged: the debug line is said once per
    /// layer, not per call.
    pub(super) missing_target_logged: Arc<AtomicBool>,
    pub(super) exclusions: Exclusions,
    pub(super) capture: Arc<MetadataCapture>,
}

otel_kit_core::tower_layer! {
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
    /// let layer = otel_kit_grpc::ClientLayer::new()
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
    pub struct ClientLayer(Config);
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
    pub fn new();
    /// Traces the calls sent through the inner service `S` (a tonic `Channel`). Built by
    /// [`ClientLayer`](super::ClientLayer).
    ///
    /// ```
    /// use tower::{Layer as _, ServiceExt as _};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let service = otel_kit_grpc::ClientLayer::new().layer(tower::service_fn(|request: http::Request<String>| async move {
    ///     // The span's context travels in the metadata (with a propagator installed).
    ///     let _ = request.headers().get("traceparent");
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// let response = service.oneshot(http::Request::new(String::new())).await.unwrap();
    /// assert_eq!(response.status(), 200);
    /// # });
    /// ```
    pub struct ClientService, fields pub(super), example "otel_kit_grpc";
}

impl ClientLayer {
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

    otel_kit_core::hook_builders!(
        crate "otel_kit_grpc", layer "ClientLayer", config Config, hooks CallHooks, request [&Parts] "parts",
        response &CallOutcome<'_>, noun "call", default_name "`package.Service/Method`",
        metric "`rpc.client.call.duration`"
    );
    grpc_builders!("ClientLayer");
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
