//! [`ServerLayer`]: the tower layer and its configuration.

use std::sync::Arc;

use otel_kit_core::{Providers, Resolver};
use tonic::server::NamedService;
use tower::Layer;

use super::service::ServerService;
use crate::exclude::Exclusions;
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;

/// Everything a [`ServerLayer`] was configured with, shared by its services.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub(super) exclusions: Exclusions,
    /// The declared services; `None` when the layer relies on `UNIMPLEMENTED`.
    pub(super) known: Option<Vec<String>>,
    pub(super) capture: Arc<MetadataCapture>,
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
