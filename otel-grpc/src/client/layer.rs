//! [`ClientLayer`], the gRPC layer's client side (`GrpcLayer<ClientSide>`): what only a
//! client has (the channel's target), and [`ClientService`], the
//! service it wraps around the channel (what it does with a call: `service.rs`).

use std::sync::Arc;

use http::Uri;

use super::target::Server;
use otel_kit_core::__private::instrumented_service::InstrumentedService;

use crate::layer::{Config, GrpcLayer, LayerSide};

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
/// The [`GrpcLayer`]'s settings and hooks (its methods are documented there), plus the
/// channel's target. For a call `exclude_when` excludes, the current context is still
/// injected, so the server continues the caller's trace.
pub type ClientLayer = GrpcLayer<ClientSide>;

/// What only the client side is configured with: the channel's target.
#[derive(Debug, Clone)]
pub struct ClientSide {
    /// The channel's server, from the URI the layer was made with (`None` only for an
    /// empty one).
    pub(crate) server: Option<Server>,
}

impl LayerSide for ClientSide {}

impl GrpcLayer<ClientSide> {
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
            config: Arc::new(Config::new(ClientSide {
                server: Server::of(target),
            })),
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
pub type ClientService<S> = InstrumentedService<Config<ClientSide>, S>;
