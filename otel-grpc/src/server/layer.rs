//! [`ServerLayer`], the gRPC layer's server side (`GrpcLayer<ServerSide>`): what only a
//! server has (the declared services), and [`ServerService`],
//! the service it wraps around the router (what it does with a call: `service.rs`).

use std::sync::Arc;

use tonic::server::NamedService;

use otel_kit_core::__private::instrumented_service::InstrumentedService;

use crate::layer::{Config, GrpcLayer, LayerSide};

/// A tower layer that gives every gRPC call a SERVER span and an
/// `rpc.server.call.duration` point, continuing the caller's trace: the
/// [`GrpcLayer`]'s settings and hooks (its methods are documented there), plus the
/// services this server declares.
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
/// For a call `exclude_when` excludes, its handler still runs in the caller's trace
/// context. A call found to be an unknown method when it ends is still renamed `grpc`,
/// whatever `span_name` chose.
pub type ServerLayer = GrpcLayer<ServerSide>;

/// What only the server side is configured with: the declared services.
#[derive(Debug, Clone, Default)]
pub struct ServerSide {
    /// The declared services; `None` when the layer relies on `UNIMPLEMENTED`.
    pub(crate) known: Option<Vec<String>>,
    /// The caller's trace context is not trusted (see `public_endpoint`).
    pub(crate) public_endpoint: bool,
}

impl LayerSide for ServerSide {}

impl GrpcLayer<ServerSide> {
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
        Self {
            config: Arc::new(Config::new(ServerSide::default())),
        }
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
            c.side
                .known
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

    /// For servers that face callers outside your trust boundary: the incoming trace
    /// context is not trusted, as the HTTP server layer's `public_endpoint`. Each call
    /// starts a new trace whose server span links to the caller's span context (when
    /// the metadata has a valid one), and the caller's baggage is dropped; an excluded
    /// call's handler runs outside any trace.
    ///
    /// ```
    /// let layer = otel_kit_grpc::ServerLayer::new().public_endpoint(true);
    /// # let _ = layer;
    /// ```
    pub fn public_endpoint(self, enabled: bool) -> Self {
        self.edit(|c| c.side.public_endpoint = enabled)
    }
}

/// Traces the calls of the inner service `S` (tonic's router). Built by
/// [`ServerLayer`].
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
pub type ServerService<S> = InstrumentedService<Config<ServerSide>, S>;
