//! The frameworks the builders serve, named once: [`ServerLayer<F>`](crate::ServerLayer)
//! and [`ClientLayer<F>`](crate::ClientLayer) are each written once over the framework
//! `F`, and each framework here names the request and response types its hooks see.
//!
//! | framework | builder | request hooks see | the response hook sees |
//! | --- | --- | --- | --- |
//! | [`Tower`] (axum, hyper, tonic: any `tower::Service<http::Request<B>>`) | `ServerLayer` (= `ServerLayer<Tower>`) | `&http::request::Parts` | `&http::response::Parts` |
//! | `Actix` (feature `actix`) | `actix::ServerMiddleware` (= `ServerLayer<Actix>`) | `&ServiceRequest` | `&ResponseHead` |
//! | [`Tower`] (hyper-util's client, any client `tower::Service<http::Request<B>>`) | `ClientLayer` (= `ClientLayer<Tower>`) | `&http::request::Parts` | `Result<&http::response::Parts, &dyn Error>` |
//! | `Reqwest` (feature `client`) | `ClientMiddleware` (= `ClientLayer<Reqwest>`) | `(&reqwest::Request, &http::Extensions)` | `Result<&reqwest::Response, &reqwest_middleware::Error>` |
//! | `Awc` (feature `awc`) | `awc::ClientMiddleware` (= `ClientLayer<Awc>`) | `&actix_http::RequestHead` | `Result<&awc::ClientResponse, &awc::error::SendRequestError>` |
//!
//! The default framework's builder is made with `new()`, another's with `default()`.
//! A client's `propagate_if` filter sees the request head (tower, awc) or the URL
//! (reqwest).

/// Tower: any `tower::Service<http::Request<B>>` (axum, hyper, tonic; hyper-util's
/// client). The default framework of `ServerLayer` and `ClientLayer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tower {}

/// actix-web 4: the framework of [`actix::ServerMiddleware`](crate::actix::ServerMiddleware),
/// which is `ServerLayer<Actix>`.
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actix {}

/// reqwest through reqwest-middleware: the framework of
/// [`ClientMiddleware`](crate::ClientMiddleware), which is `ClientLayer<Reqwest>`.
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reqwest {}

/// awc 3, actix-web's client: the framework of
/// [`awc::ClientMiddleware`](crate::awc::ClientMiddleware), which is `ClientLayer<Awc>`.
#[cfg(feature = "awc")]
#[cfg_attr(docsrs, doc(cfg(feature = "awc")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Awc {}
