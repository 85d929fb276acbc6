//! [`ClientLayer`]: the tower layer and its configuration.

use std::sync::Arc;

use http::Uri;
use opentelemetry::StringValue;
use otel_kit_core::{Providers, Resolver};
use tower::Layer;

use super::service::ClientService;
use crate::exclude::Exclusions;
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ClientLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) exclusions: Exclusions,
    /// `server.address` and `server.port` of the channel's target.
    pub(super) target: Option<(StringValue, Option<i64>)>,
    pub(super) capture: Arc<MetadataCapture>,
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
    /// (`Endpoint::uri()`): tonic's generated clients send bare paths, so the layer
    /// cannot read it from the requests.
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
