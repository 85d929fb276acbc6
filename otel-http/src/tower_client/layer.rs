//! The tower client layer, `ClientLayer` (= `ClientLayer<Tower>`, its builder methods
//! written once in `outgoing/layer.rs`): its tower `Layer` impl, and [`ClientService`],
//! the service it wraps around the client (what it does with a request: `service.rs`).

use std::sync::Arc;

use otel_kit_core::__private::instrumented_service::InstrumentedService;

use crate::ClientLayer;
use crate::framework::Tower;

/// Everything a [`ClientLayer`] was configured with, shared by its services and the
/// requests they have in flight.
pub(super) type Config = crate::outgoing::Config<Tower>;

impl<S> tower::Layer<S> for ClientLayer {
    type Service = ClientService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        InstrumentedService::new(inner, Arc::clone(&self.config))
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
pub type ClientService<S> = InstrumentedService<crate::outgoing::Config<Tower>, S>;
