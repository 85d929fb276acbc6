//! How the exporters reach a collector: the OTLP/HTTP client (`http_client.rs`), TLS
//! (`tls.rs`, the connector; `tls_config.rs`, the rustls configuration), the credential
//! files read again when they change (`credentials.rs`), the headers the application
//! makes at each export (`made_headers.rs`), HTTP proxies (`proxy.rs`), the
//! connection deadlines and keep-alive (`liveness.rs`), and the thread every export
//! runs on (`export_runtime.rs`).

#[cfg(test)]
pub(crate) mod captured_warnings;
#[cfg(any(feature = "__proto", feature = "__http"))]
pub(crate) mod credentials;
pub(crate) mod export_runtime;
#[cfg(feature = "__http")]
pub(crate) mod http_client;
#[cfg(any(feature = "grpc", feature = "__http"))]
pub(crate) mod liveness;
#[cfg(any(feature = "grpc", feature = "__http"))]
pub(crate) mod made_headers;
#[cfg(feature = "proxy")]
pub(crate) mod proxy;
#[cfg(all(feature = "__tls", any(feature = "__proto", feature = "__http")))]
pub(crate) mod tls;
#[cfg(all(feature = "__tls", any(feature = "__proto", feature = "__http")))]
pub(crate) mod tls_config;
