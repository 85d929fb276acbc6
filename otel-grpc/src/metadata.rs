//! Opt-in metadata capture: `rpc.request.metadata.<key>` / `rpc.response.metadata.<key>`
//! as string arrays, for an allow-list of keys given as otel-kit-core's
//! [`HeaderCapture`], never for credentials.

use otel_kit_core::HeaderCapture;
use otel_kit_semconv::attribute as semconv;

/// `capture` under the metadata attribute names: `rpc.request.metadata.<key>` and
/// `rpc.response.metadata.<key>`.
pub(crate) fn metadata_capture(capture: &HeaderCapture) -> HeaderCapture {
    capture.with_prefixes(
        &format!("{}.", semconv::RPC_REQUEST_METADATA),
        &format!("{}.", semconv::RPC_RESPONSE_METADATA),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_metadata_attributes_and_credentials_are_never_captured() {
        let capture = metadata_capture(
            &HeaderCapture::default()
                .request(["x-tenant", "authorization"])
                .response(["x-shard"]),
        );
        let mut metadata = http::HeaderMap::new();
        metadata.insert("x-tenant", "acme".parse().unwrap());
        metadata.insert("authorization", "Bearer secret".parse().unwrap());
        metadata.insert("x-shard", "7".parse().unwrap());
        let request = capture.request_attributes(&metadata);
        assert_eq!(request.len(), 1);
        assert_eq!(request[0].key.as_str(), "rpc.request.metadata.x-tenant");
        assert_eq!(
            capture.response_attributes(&metadata)[0].key.as_str(),
            "rpc.response.metadata.x-shard"
        );
    }
}
