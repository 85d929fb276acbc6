//! Opt-in metadata capture: `rpc.request.header.<key>`, `rpc.response.header.<key>` (the
//! response metadata sent before its messages) and `rpc.response.trailer.<key>` (the
//! metadata sent after them, with the status), as string arrays, for an allow-list of
//! keys given as otel-kit-core's [`HeaderCapture`], never for credentials.

use http::HeaderMap;
use opentelemetry::KeyValue;
use otel_kit_core::{HeaderCapture, RequestValueLimit};
use otel_kit_semconv::attribute as semconv;

/// A layer's [`HeaderCapture`] under the gRPC attribute names. The response keys listed
/// are looked for in both the response headers and the trailers, each under its own name.
#[derive(Debug, Default)]
pub(crate) struct MetadataCapture {
    /// The request keys (`rpc.request.header.`) and the response keys as headers
    /// (`rpc.response.header.`).
    headers: HeaderCapture,
    /// The response keys as trailers (`rpc.response.trailer.`); its request side unused.
    trailers: HeaderCapture,
}

impl MetadataCapture {
    pub(crate) fn new(capture: &HeaderCapture) -> Self {
        let request = format!("{}.", semconv::RPC_REQUEST_HEADER);
        Self {
            headers: capture.with_prefixes(&request, &format!("{}.", semconv::RPC_RESPONSE_HEADER)),
            trailers: capture.with_prefixes(&request, &format!("{}.", semconv::RPC_RESPONSE_TRAILER)),
        }
    }

    /// True when nothing is captured (the common case: no work per call).
    pub(crate) fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// True when some response key is listed.
    pub(crate) fn captures_response(&self) -> bool {
        self.headers.captures_response()
    }

    /// The listed request keys present in `metadata`, each value cut to `limit`.
    pub(crate) fn request_attributes(&self, metadata: &HeaderMap, limit: RequestValueLimit) -> Vec<KeyValue> {
        self.headers.request_attributes_within(metadata, limit)
    }

    /// The listed response keys present in the response headers `metadata`.
    pub(crate) fn response_header_attributes(&self, metadata: &HeaderMap) -> Vec<KeyValue> {
        self.headers.response_attributes(metadata)
    }

    /// The listed response keys present in the trailers `metadata` (or in the head of a
    /// trailers-only response, which gRPC defines as trailers).
    pub(crate) fn response_trailer_attributes(&self, metadata: &HeaderMap) -> Vec<KeyValue> {
        self.trailers.response_attributes(metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_header_and_trailer_attributes_and_credentials_are_never_captured() {
        let capture = MetadataCapture::new(
            &HeaderCapture::default()
                .request(["x-tenant", "authorization"])
                .response(["x-shard"]),
        );
        let mut metadata = http::HeaderMap::new();
        metadata.insert("x-tenant", "acme".parse().unwrap());
        metadata.insert("authorization", "Bearer secret".parse().unwrap());
        metadata.insert("x-shard", "7".parse().unwrap());
        let request = capture.request_attributes(&metadata, RequestValueLimit::DEFAULT);
        assert_eq!(request.len(), 1);
        assert_eq!(request[0].key.as_str(), "rpc.request.header.x-tenant");
        let header = capture.response_header_attributes(&metadata);
        assert_eq!(header.len(), 1, "only the response keys: {header:?}");
        assert_eq!(header[0].key.as_str(), "rpc.response.header.x-shard");
        let trailer = capture.response_trailer_attributes(&metadata);
        assert_eq!(trailer.len(), 1, "only the response keys: {trailer:?}");
        assert_eq!(trailer[0].key.as_str(), "rpc.response.trailer.x-shard");
        assert!(capture.captures_response() && !capture.is_empty());
        assert!(MetadataCapture::default().is_empty());
    }
}
