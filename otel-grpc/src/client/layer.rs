//! [`ClientLayer`]: the tower layer and its configuration.

use std::sync::Arc;

use http::Uri;
use http::request::Parts;
use opentelemetry::{KeyValue, StringValue};
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::Resolver;
use otel_kit_core::hooks::Hooks;

use crate::call_outcome::{CallHooks, CallOutcome};
use crate::exclude::Exclusions;
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ClientLayer`] was configured with, shared by its services.
#[derive(Debug, Clone)]
pub(super) struct Config {
    pub(super) hooks: Hooks<CallHooks>,
    pub(super) resolver: Resolver<Instruments>,
    /// The channel's server, from the URI the layer was made with (`None` only for an
    /// empty one).
    pub(super) server: Option<Server>,
    pub(super) exclusions: Exclusions,
    pub(super) capture: Arc<MetadataCapture>,
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

/// The server a call goes to: `server.address` and `server.port`, and, when the address
/// is an IP, `network.peer.address` and `network.peer.port`. Read once per target; a
/// clone copies no text.
#[derive(Debug, Clone)]
pub(super) struct Server {
    pub(super) address: StringValue,
    pub(super) port: Option<u16>,
    /// The address is an IP: it is the peer itself (see
    /// [`ip_literal`](otel_kit_core::network::ip_literal)).
    is_ip: bool,
}

impl Server {
    /// The server of `uri`: the host of its authority (an IPv6 literal without
    /// brackets) and its port, else the scheme's default (443 for `https`, 80 for
    /// `http`). A URI without an authority is the address whole, without a port, as the
    /// conventions ask of a target no host can be read from; `None` when it is empty.
    pub(super) fn of(uri: &Uri) -> Option<Self> {
        let Some(authority) = uri.authority() else {
            let whole = uri.to_string();
            return (!whole.is_empty()).then(|| Server {
                address: StringValue::from(Arc::<str>::from(whole)),
                port: None,
                is_ip: false,
            });
        };
        let host = authority.host();
        let ip = otel_kit_core::network::ip_literal(host);
        let host = ip.unwrap_or(host);
        let port = authority.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        Some(Server {
            address: StringValue::from(Arc::<str>::from(host)),
            port,
            is_ip: ip.is_some(),
        })
    }

    /// `server.address`, `server.port` and, for an IP, `network.peer.address` and
    /// `network.peer.port`: the span's.
    pub(super) fn span_attributes(&self, attributes: &mut Vec<KeyValue>) {
        attributes.push(KeyValue::new(semconv::SERVER_ADDRESS, self.address.clone()));
        if let Some(port) = self.port {
            attributes.push(KeyValue::new(semconv::SERVER_PORT, i64::from(port)));
        }
        if self.is_ip {
            attributes.push(KeyValue::new(semconv::NETWORK_PEER_ADDRESS, self.address.clone()));
            if let Some(port) = self.port {
                attributes.push(KeyValue::new(semconv::NETWORK_PEER_PORT, i64::from(port)));
            }
        }
    }
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
    pub struct ClientLayer(Config);
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
    pub fn new(target: &Uri) {
        Config::new(target)
    }
    /// Traces the calls sent through the inner service `S` (a tonic `Channel`). Built by
    /// [`ClientLayer`](super::ClientLayer).
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
    pub struct ClientService, fields pub(super), example "otel_kit_grpc",
        new "&http::Uri::from_static(\"http://localhost:50051\")";
}

impl ClientLayer {
    otel_kit_core::hook_builders!(
        crate "otel_kit_grpc", layer "ClientLayer", new "&http::Uri::from_static(\"http://localhost:50051\")",
        config Config, hooks CallHooks, request [&Parts] "parts",
        response &CallOutcome<'_>, noun "call", default_name "`package.Service/Method`",
        metric "`rpc.client.call.duration`"
    );
    grpc_builders!(
        "ClientLayer",
        "&http::Uri::from_static(\"http://localhost:50051\")"
    );
}
