//! The tower client layer, `ClientLayer` (= `ClientLayer<Tower>`, its builder methods
//! written once in `outgoing/layer.rs`): its tower `Layer` impl, and [`ClientService`],
//! the service it wraps around the client (its `Service` impl: `service.rs`).

use std::sync::Arc;

use crate::ClientLayer;
use crate::framework::Tower;

/// Everything a [`ClientLayer`] was configured with, shared by its services and the
/// requests they have in flight.
pub(super) type Config = crate::outgoing::Config<Tower>;

impl<S> tower::Layer<S> for ClientLayer {
    type Service = ClientService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientService {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// Traces the requests sent through the inner client service `S`. Built by
/// [`ClientLayer`].
///
/// ```
/// use tower::{Layer as _, ServiceExt as _};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let service = otel_kit_http::ClientLayer::new().layer(tower::service_fn(|request: http::Request<()>| async move {
///     // The span's context travels in the headers (with a propagator installed).
///     let _ = request.headers().get("traceparent");
///     Ok::<_, std::io::Error>(http::Response::new(()))
/// }));
/// let response = service.oneshot(http::Request::get("http://localhost/").body(()).unwrap()).await.unwrap();
/// assert_eq!(response.status(), 200);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct ClientService<S> {
    pub(super) inner: S,
    pub(super) config: Arc<Config>,
}

impl<S> ClientService<S> {
    /// The wrapped service.
    ///
    /// ```
    /// use tower::Layer as _;
    ///
    /// let service = otel_kit_http::ClientLayer::new().layer(42);
    /// assert_eq!(*service.get_ref(), 42);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// use tower::Layer as _;
    ///
    /// let mut service = otel_kit_http::ClientLayer::new().layer(42);
    /// *service.get_mut() += 1;
    /// assert_eq!(service.into_inner(), 43);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use tower::Layer as _;
    ///
    /// let service = otel_kit_http::ClientLayer::new().layer("inner");
    /// assert_eq!(service.into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}
