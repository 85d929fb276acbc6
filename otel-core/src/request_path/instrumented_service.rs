//! [`InstrumentedService`]: the service every tower front end (the HTTP server layer,
//! the HTTP tower client layer, the two gRPC layers) wraps around the inner service,
//! written once. What each does with a request is its configuration's
//! [`InstrumentRequest`] impl.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use tower_service::Service;

/// How a front end's configuration `Self` sends one request through the inner service
/// `S`: traced, or (excluded) untraced.
pub trait InstrumentRequest<S: Service<R>, R>: Sized {
    /// What the front end answers with.
    type Response;
    /// Its response future.
    type Future: Future<Output = Result<Self::Response, S::Error>>;

    /// Sends `request` through `inner`.
    fn call(config: &Arc<Self>, inner: &mut S, request: R) -> Self::Future;
}

/// The inner service `S` and the front end's configuration `C`, shared by the layer
/// that made it. It is a tower `Service` wherever `C` says how to instrument a request
/// ([`InstrumentRequest`]).
///
/// ```
/// use std::sync::Arc;
///
/// use otel_kit_core::__private::instrumented_service::InstrumentedService;
///
/// let mut service = InstrumentedService::new(42, Arc::new("config"));
/// assert_eq!(*service.get_ref(), 42);
/// *service.get_mut() += 1;
/// assert_eq!(service.into_inner(), 43);
/// ```
pub struct InstrumentedService<C, S> {
    inner: S,
    config: Arc<C>,
}

impl<C, S> InstrumentedService<C, S> {
    /// `inner`, instrumented as `config` says.
    pub fn new(inner: S, config: Arc<C>) -> Self {
        Self { inner, config }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<C, S: Clone> Clone for InstrumentedService<C, S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            config: Arc::clone(&self.config),
        }
    }
}

impl<C: fmt::Debug, S: fmt::Debug> fmt::Debug for InstrumentedService<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedService")
            .field("inner", &self.inner)
            .field("config", &self.config)
            .finish()
    }
}

impl<C, S, R> Service<R> for InstrumentedService<C, S>
where
    S: Service<R>,
    C: InstrumentRequest<S, R>,
{
    type Response = C::Response;
    type Error = S::Error;
    type Future = C::Future;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        C::call(&self.config, &mut self.inner, request)
    }
}
