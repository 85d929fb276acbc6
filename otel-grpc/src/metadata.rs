//! Opt-in metadata capture: `rpc.request.metadata.<key>` / `rpc.response.metadata.<key>`
//! as string arrays, for an allow-list of keys, never for credentials.

use http::HeaderMap;
use opentelemetry::KeyValue;
use opentelemetry_semantic_conventions::attribute as semconv;
use otel_kit_core::HeaderCapture;

/// Which request and response metadata keys become span attributes. Empty by default.
/// `authorization` (and the other credentials of
/// [`NEVER_CAPTURED`](otel_kit_core::header_capture::NEVER_CAPTURED)) is never captured,
/// even when listed. Binary (`-bin`) values are recorded as their base64 text.
///
/// ```
/// use otel_kit_grpc::MetadataCapture;
///
/// let capture = MetadataCapture::default().request(["x-tenant", "authorization"]);
/// let mut metadata = http::HeaderMap::new();
/// metadata.insert("x-tenant", "acme".parse().unwrap());
/// metadata.insert("authorization", "Bearer secret".parse().unwrap());
/// let attributes = capture.request_attributes(&metadata);
/// assert_eq!(attributes.len(), 1);
/// assert_eq!(attributes[0].key.as_str(), "rpc.request.metadata.x-tenant");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MetadataCapture {
    headers: HeaderCapture,
    /// Whether any response key is listed: response capture then keeps a handle on
    /// the configuration until the end of the stream.
    response_listed: bool,
}

fn prefix(attribute: &str) -> String {
    format!("{attribute}.")
}

impl MetadataCapture {
    /// Captures these request metadata keys (case-insensitive).
    ///
    /// ```
    /// let capture = otel_kit_grpc::MetadataCapture::default().request(["x-request-id"]);
    /// assert!(!capture.is_empty());
    /// ```
    #[must_use]
    pub fn request(mut self, keys: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.headers = self
            .headers
            .request_prefixed(&prefix(semconv::RPC_REQUEST_METADATA), keys);
        self
    }

    /// Captures these response metadata keys (from the response headers and the
    /// trailers).
    ///
    /// ```
    /// let capture = otel_kit_grpc::MetadataCapture::default().response(["x-shard"]);
    /// assert!(!capture.is_empty());
    /// ```
    #[must_use]
    pub fn response(mut self, keys: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.headers = self
            .headers
            .response_prefixed(&prefix(semconv::RPC_RESPONSE_METADATA), keys);
        self.response_listed = true;
        self
    }

    /// True when nothing is captured.
    ///
    /// ```
    /// assert!(otel_kit_grpc::MetadataCapture::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// The attributes for the listed request keys present in `metadata`.
    ///
    /// ```
    /// let capture = otel_kit_grpc::MetadataCapture::default();
    /// assert!(capture.request_attributes(&http::HeaderMap::new()).is_empty());
    /// ```
    pub fn request_attributes(&self, metadata: &HeaderMap) -> Vec<KeyValue> {
        self.headers.request_attributes(metadata)
    }

    /// [`request_attributes`](Self::request_attributes) with each value cut to `limit`
    /// (a layer's own, [`max_request_value_bytes`](crate::ServerLayer::max_request_value_bytes)).
    pub(crate) fn request_attributes_within(
        &self,
        metadata: &HeaderMap,
        limit: otel_kit_core::RequestValueLimit,
    ) -> Vec<KeyValue> {
        self.headers.request_attributes_within(metadata, limit)
    }

    /// The attributes for the listed response keys present in `metadata`.
    ///
    /// ```
    /// let capture = otel_kit_grpc::MetadataCapture::default().response(["x-shard"]);
    /// let mut trailers = http::HeaderMap::new();
    /// trailers.insert("x-shard", "7".parse().unwrap());
    /// assert_eq!(capture.response_attributes(&trailers)[0].key.as_str(), "rpc.response.metadata.x-shard");
    /// ```
    pub fn response_attributes(&self, metadata: &HeaderMap) -> Vec<KeyValue> {
        self.headers.response_attributes(metadata)
    }

    /// True when some response key is listed.
    pub(crate) fn captures_response(&self) -> bool {
        self.response_listed
    }
}
