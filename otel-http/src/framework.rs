//! The frameworks the builders serve, named once: [`ServerLayer<F>`](crate::ServerLayer)
//! is written once over the server's framework `F`, and each framework here names the
//! request and response types its hooks see.
//!
//! | framework | server side | hooks see |
//! | --- | --- | --- |
//! | [`Tower`] (axum, hyper, tonic: any `tower::Service<http::Request<B>>`) | `ServerLayer` (= `ServerLayer<Tower>`) | `http::request::Parts`, `http::response::Parts` |
//! | `Actix` (feature `actix`) | `actix::ServerMiddleware` (= `ServerLayer<Actix>`) | `ServiceRequest`, `ResponseHead` |

/// Tower: any `tower::Service<http::Request<B>>` (axum, hyper, tonic). The default
/// framework of [`ServerLayer`](crate::ServerLayer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tower {}

/// actix-web 4: the framework of [`actix::ServerMiddleware`](crate::actix::ServerMiddleware),
/// which is `ServerLayer<Actix>`.
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actix {}
