//! zstd for OTLP/HTTP with JSON bodies. opentelemetry-otlp's JSON exporter compresses
//! with zstd only through its `zstd-http` feature, which depends on another major
//! version of the zstd crate than tonic and this crate use; so its bodies are
//! compressed here, by the client it sends with, and the exporter is told no
//! compression.

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use crate::transport::http_client::ExplainingClient;

/// Sends through `ExplainingClient` with each request body compressed with zstd (its
/// default level, 3) and `Content-Encoding: zstd`.
#[derive(Debug, Clone)]
pub(super) struct ZstdBodies(pub(super) ExplainingClient);

#[async_trait::async_trait]
impl HttpClient for ZstdBodies {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        // Already encoded: opentelemetry-otlp read a compression of its own from the
        // environment (a generic `gzip` under a signal's `zstd`, which it cannot do).
        if request.headers().contains_key(http::header::CONTENT_ENCODING) {
            return self.0.send_bytes(request).await;
        }
        let (mut parts, body) = request.into_parts();
        let compressed = zstd::bulk::compress(&body, zstd::DEFAULT_COMPRESSION_LEVEL)?;
        parts.headers.insert(
            http::header::CONTENT_ENCODING,
            http::HeaderValue::from_static("zstd"),
        );
        parts.headers.remove(http::header::CONTENT_LENGTH);
        self.0
            .send_bytes(Request::from_parts(parts, Bytes::from(compressed)))
            .await
    }
}
