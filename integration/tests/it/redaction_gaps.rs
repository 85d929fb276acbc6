//! Credentials in query strings that otel-kit-http does not redact today (findings of the
//! secrets review; they fail until `otel_kit_http::conventions::SENSITIVE_QUERY_KEYS`,
//! `otel-http/src/conventions/redact.rs`, covers them).
//!
//! - `key`: Google API keys, among them the Gemini API's
//!   (`generativelanguage.googleapis.com/...:generateContent?key=...`), the usual way to
//!   call Google's APIs without OAuth.
//! - `X-Goog-Credential` and `GoogleAccessId`: the signer's identity in Google Cloud
//!   Storage V4 and V2 signed URLs, the counterparts of `X-Amz-Credential` and
//!   `AWSAccessKeyId`, which are redacted.
//!
//! Each is sent to an axum server with otel-kit-http's `ServerLayer` by a reqwest client with
//! its `ClientMiddleware`; neither `url.full` (client) nor `url.query` (server) may keep
//! the value.

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use opentelemetry::trace::SpanKind;
use otel_kit_testing::TestTelemetry;

/// A fresh 32-hex-digit token.
fn token() -> String {
    use std::hash::BuildHasher as _;
    let state = std::collections::hash_map::RandomState::new();
    format!("{:016x}{:016x}", state.hash_one(0_u8), state.hash_one(1_u8))
}

async fn serve() -> SocketAddr {
    let app = Router::new()
        .route("/{*path}", get(|| async { "ok" }))
        .layer(otel_kit_http::ServerLayer::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

/// Sends `path_and_query` (where `{secret}` stands for a fresh token) and returns every
/// place the token shows in the client and server spans.
async fn leaks(t: &TestTelemetry, addr: SocketAddr, path_and_query: &str) -> Vec<String> {
    let secret = token();
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default())
        .build();
    let url = format!("http://{addr}{}", path_and_query.replace("{secret}", &secret));
    let response = client.get(&url).send().await.expect("request");
    assert_eq!(response.status(), 200);
    let mut found = Vec::new();
    for span in t
        .spans()
        .iter()
        .filter(|s| matches!(s.kind, SpanKind::Client | SpanKind::Server))
    {
        for (key, value) in &span.attributes {
            let text = format!("{value:?}");
            if text.contains(&secret) {
                found.push(format!("{path_and_query}: {:?} span `{key}` = {text}", span.kind));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_api_keys_and_signed_url_identities_are_redacted() {
    let t = TestTelemetry::new().install_global();
    let addr = serve().await;
    let mut found = Vec::new();
    for path in [
        // The Gemini API key, as Google documents the REST call.
        "/v1beta/models/gemini-2.0-flash:generateContent?key={secret}",
        // A Google Cloud Storage V4 signed URL.
        "/bucket/object?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential={secret}%40p.iam.gserviceaccount.com%2F20260101%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20260101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=00",
        // A V2 signed URL.
        "/bucket/object?GoogleAccessId={secret}%40p.iam.gserviceaccount.com&Expires=1767225600&Signature=00",
    ] {
        found.extend(leaks(&t, addr, path).await);
    }
    assert!(
        found.is_empty(),
        "query values kept in telemetry:\n{}",
        found.join("\n")
    );
}
