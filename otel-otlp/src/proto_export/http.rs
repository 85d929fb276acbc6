//! OTLP/HTTP with protobuf bodies: one `POST` per batch through the HTTP client
//! `http_client` has (: hyper on the export runtime, with the TLS
//! the features chose, explaining its failures), with the headers, timeout and status
//! handling opentelemetry-otlp's exporter has.

use std::time::Duration;

use http::{HeaderMap, HeaderValue, Uri};
use opentelemetry_http::HttpClient as _;
use otel_kit_core::otlp::Compression;
use prost::bytes::Bytes;

use super::retry::{Failure, Retry};
use crate::transport::http_client::ExplainingClient;

/// The most opentelemetry-otlp sends in one request; a larger body is refused, not sent.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Sends export requests to one endpoint (`.../v1/<signal>`).
#[derive(Clone)]
pub(crate) struct HttpSender {
    client: ExplainingClient,
    endpoint: Uri,
    headers: HeaderMap,
    compression: Option<Compression>,
}

impl HttpSender {
    /// `headers` are the configured ones, already checked; a `user-agent` among them
    /// replaces ours.
    pub(crate) fn new(
        client: ExplainingClient,
        endpoint: Uri,
        headers: HeaderMap,
        compression: Option<Compression>,
    ) -> Self {
        let mut map = HeaderMap::new();
        map.insert(
            http::header::USER_AGENT,
            HeaderValue::from_static(super::services::USER_AGENT),
        );
        map.extend(headers);
        map.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-protobuf"),
        );
        if let Some(compression) = compression {
            map.insert(
                http::header::CONTENT_ENCODING,
                HeaderValue::from_static(compression.as_str()),
            );
        }
        HttpSender {
            client,
            endpoint,
            headers: map,
            compression,
        }
    }

    /// How the body is to be compressed (by the exporter, into its kept buffer).
    pub(super) fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// One `POST`; the response's body, or why it failed and whether to retry.
    pub(super) async fn attempt(&self, body: Bytes) -> Result<Bytes, Failure> {
        if body.len() > MAX_BODY {
            return Err(Failure::new(
                format!(
                    "the OTLP/HTTP request body is {} bytes, over the limit of {MAX_BODY}; it is not sent \
                     (reduce the export batch size, OTEL_BSP_MAX_EXPORT_BATCH_SIZE with otel-kit-init, or the size of the telemetry)",
                    body.len()
                ),
                Retry::No,
            ));
        }
        let mut request = http::Request::new(body);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = self.endpoint.clone();
        *request.headers_mut() = self.headers.clone();
        // The client has already warned with the cause (at most once per period).
        let response = self.client.send_bytes(request).await.map_err(|e| {
            let retry = if e.is::<opentelemetry_http::ResponseBodyTooLarge>() {
                Retry::No
            } else {
                Retry::Yes
            };
            Failure::new(format!("OTLP/HTTP export failed: {e}"), retry)
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response.into_body());
        }
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(600)));
        Err(Failure::new(
            format!(
                "OTLP/HTTP export failed with status code {}{}",
                status.as_u16(),
                encoding_hint(status.as_u16(), self.compression)
            ),
            classify(status.as_u16(), retry_after),
        ))
    }
}

/// The headers' names only: their values may be credentials.
impl std::fmt::Debug for HttpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Scheme, host, port and path: never user information or a query.
        let endpoint = format!(
            "{}://{}{}{}",
            self.endpoint.scheme_str().unwrap_or("http"),
            self.endpoint.host().unwrap_or_default(),
            self.endpoint.port().map(|p| format!(":{p}")).unwrap_or_default(),
            self.endpoint.path()
        );
        f.debug_struct("HttpSender")
            .field("endpoint", &endpoint)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

/// For a 415, or a 400 (a collector that ignores `Content-Encoding` fails to decode
/// the body), of a compressed request: which encoding was sent, and what to try.
fn encoding_hint(status: u16, compression: Option<Compression>) -> String {
    match (status, compression) {
        (400 | 415, Some(compression)) => format!(
            " (the body was sent with Content-Encoding: {compression}; a collector that does not accept \
             {compression} answers 415 or 400: {})",
            super::retry::instead_of(compression)
        ),
        _ => String::new(),
    }
}

/// As opentelemetry-otlp 0.33 classifies HTTP statuses: 429 and 503 are throttling
/// (with the server's `Retry-After` in seconds, when it gives one), 502 and 504
/// transient, the rest permanent.
fn classify(status: u16, retry_after: Option<Duration>) -> Retry {
    match status {
        429 | 503 => retry_after.map_or(Retry::Yes, Retry::After),
        502 | 504 => Retry::Yes,
        _ => Retry::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_as_opentelemetry_otlp_does() {
        let wait = Some(Duration::from_secs(3));
        assert_eq!(classify(429, wait), Retry::After(Duration::from_secs(3)));
        assert_eq!(classify(503, None), Retry::Yes);
        assert_eq!(classify(502, wait), Retry::Yes);
        assert_eq!(classify(504, None), Retry::Yes);
        assert_eq!(classify(400, None), Retry::No);
        assert_eq!(classify(401, wait), Retry::No);
        assert_eq!(classify(500, None), Retry::No);
    }

    #[test]
    fn a_refused_encoding_is_named_with_the_other_to_try() {
        let hint = encoding_hint(415, Some(Compression::Zstd));
        assert!(
            hint.contains("Content-Encoding: zstd") && hint.contains("to gzip or none"),
            "{hint}"
        );
        assert!(encoding_hint(400, Some(Compression::Gzip)).contains("Content-Encoding: gzip"));
        assert_eq!(encoding_hint(415, None), "");
        assert_eq!(encoding_hint(500, Some(Compression::Zstd)), "");
    }
}
