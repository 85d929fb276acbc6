//! [`ServerLayer`]: the tower layer and its configuration.

use std::sync::Arc;

use http::request::Parts;
use otel_kit_core::Resolver;
use otel_kit_core::hooks::Hooks;
use tonic::server::NamedService;

use crate::call_outcome::{CallHooks, CallOutcome};
use crate::exclude::Exclusions;
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ServerLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) hooks: Hooks<CallHooks>,
    pub(super) resolver: Resolver<Instruments>,
    pub(super) exclusions: Exclusions,
    pub(super) capture: Arc<MetadataCapture>,
    /// The declared services; `None` when the layer relies on `UNIMPLEMENTED`.
    pub(super) known: Option<Vec<String>>,
    /// The longest request-derived string recorded.
    pub(super) value_limit: otel_kit_core::request_value::LayerValueLimit,
}

otel_kit_core::tower_layer! {
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
    ///
    /// # Hooks
    ///
    /// The request hooks ([`exclude_when`](Self::exclude_when), [`span_name`](Self::span_name),
    /// [`span_attributes_from_request`](Self::span_attributes_from_request),
    /// [`metric_attributes_from_request`](Self::metric_attributes_from_request)) see the
    /// request head: the path `/package.Service/Method`, metadata, extensions.
    /// `exclude_when` runs after [`exclude_service`](Self::exclude_service); for an excluded
    /// call its handler still runs in the caller's trace context. A call found to be an unknown method when it ends is still renamed
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
    pub struct ServerLayer(Config);
    /// A layer with the defaults: [`DEFAULT_EXCLUDED_SERVICES`] excluded, unknown
    /// methods detected by their `UNIMPLEMENTED` answer, no metadata captured.
    ///
    /// [`DEFAULT_EXCLUDED_SERVICES`]: crate::DEFAULT_EXCLUDED_SERVICES
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new();
    /// # let _ = layer;
    /// ```
    pub fn new();
    /// Traces the calls of the inner service `S` (tonic's router). Built by
    /// [`ServerLayer`](super::ServerLayer).
    ///
    /// ```
    /// use tower::{Layer as _, ServiceExt as _};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let service = otel_kit_grpc::ServerLayer::new().layer(tower::service_fn(|_: http::Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::from("hello")))
    /// }));
    /// let response = service.oneshot(http::Request::new(String::new())).await.unwrap();
    /// assert_eq!(response.status(), 200);
    /// # });
    /// ```
    pub struct ServerService, fields pub(super), example "otel_kit_grpc";
}

impl ServerLayer {
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

    otel_kit_core::hook_builders!(
        crate "otel_kit_grpc", layer "ServerLayer", config Config, hooks CallHooks, request [&Parts] "parts",
        response &CallOutcome<'_>, noun "call", default_name "`package.Service/Method`",
        metric "`rpc.server.call.duration`"
    );
    grpc_builders!("ServerLayer", "");
}
