//! Credentials never reach a span, through a real round trip (axum behind `ServerLayer`,
//! reqwest with `ClientMiddleware`, both spans checked): the value of every sensitive
//! query key is `REDACTED` in `url.query` (server) and `url.full` (client), whatever
//! the key's case, and the credential headers are never captured, even when listed for
//! capture on both sides and sent both ways. docs/http.md "What is never captured" lists
//! both; the lists here are those docs', so a name dropped from the code's list fails.

use axum::Router;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::get;
use opentelemetry::trace::SpanKind;
use otel_kit_http::conventions::{HeaderCapture, NEVER_CAPTURED, SENSITIVE_QUERY_KEYS};
use otel_kit_http::{ClientMiddleware, ServerLayer};
use otel_kit_testing::{SpanAssert, Spans, TestTelemetry};

use crate::support::client::client_with;
use crate::support::server::serve;

/// The query keys docs/http.md says are redacted.
const DOCUMENTED_QUERY_KEYS: [&str; 19] = [
    "AWSAccessKeyId",
    "Signature",
    "sig",
    "X-Goog-Signature",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "X-Goog-Credential",
    "GoogleAccessId",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "token",
    "key",
    "api_key",
    "apikey",
    "api-key",
    "password",
];

/// The headers docs/http.md says are never captured, even when listed.
const DOCUMENTED_HEADERS: [&str; 7] = [
    "Authorization",
    "Cookie",
    "Set-Cookie",
    "Proxy-Authorization",
    "X-Api-Key",
    "Api-Key",
    "X-Goog-Api-Key",
];

/// A fresh 32-hex-digit token, so that a hit is unambiguous.
fn token() -> String {
    use std::hash::BuildHasher as _;
    let state = std::collections::hash_map::RandomState::new();
    format!("{:016x}{:016x}", state.hash_one(0_u8), state.hash_one(1_u8))
}

/// The documented entries, then any other entry of `code`, each once (ASCII
/// case-insensitive).
fn union(documented: &[&'static str], code: &[&'static str]) -> Vec<&'static str> {
    let mut all = documented.to_vec();
    for name in code {
        if !all.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            all.push(name);
        }
    }
    all
}

/// `name` with the case of each ASCII letter flipped: `X-Amz-Signature` is
/// `x-aMZ-sIGNATURE`.
fn flip_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The server and client spans of `spans`, in that order.
fn server_and_client(spans: &Spans) -> [SpanAssert<'_>; 2] {
    spans.assert_count(2);
    [
        spans.span_where("of kind SERVER", |s| s.kind == SpanKind::Server),
        spans.span_where("of kind CLIENT", |s| s.kind == SpanKind::Client),
    ]
}

/// Every attribute of `span` whose value shows `secret`.
fn leaks(span: &SpanAssert<'_>, secret: &str) -> Vec<String> {
    span.attributes
        .iter()
        .filter(|(_, value)| format!("{value:?}").contains(secret))
        .map(|(key, value)| format!("{:?} span `{key}` = {value:?}", span.kind))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sensitive_query_key_is_redacted_on_both_spans() {
    let keys = union(&DOCUMENTED_QUERY_KEYS, SENSITIVE_QUERY_KEYS);
    let t = TestTelemetry::new();
    let base = serve(
        Router::new()
            .route("/search", get(|| async { "ok" }))
            .layer(ServerLayer::new().providers(t.providers())),
    )
    .await;

    // Each key as listed and with its case flipped, each with its own value, then a
    // pair that is kept.
    let secret = token();
    let mut sent = Vec::new();
    let mut redacted = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        for (j, key) in [(*key).to_owned(), flip_case(key)].into_iter().enumerate() {
            sent.push(format!("{key}={secret}{i}x{j}"));
            redacted.push(format!("{key}=REDACTED"));
        }
    }
    sent.push("page=2".to_owned());
    redacted.push("page=2".to_owned());
    let (sent, redacted) = (sent.join("&"), redacted.join("&"));
    let response = client_with(ClientMiddleware::default().providers(t.providers()))
        .get(format!("{base}/search?{sent}"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);

    let spans = t.spans();
    let [server, client] = server_and_client(&spans);
    let server = server.has_attribute("url.query", redacted.as_str());
    let client = client.has_attribute("url.full", format!("{base}/search?{redacted}"));
    let found: Vec<String> = [server, client]
        .iter()
        .flat_map(|span| leaks(span, &secret))
        .collect();
    assert!(found.is_empty(), "query values kept:\n{}", found.join("\n"));
}

/// Answers with every credential header set to `secret` (its name says what it is, not
/// what a server would send) and `x-served-by: node-1`; its body lists the credential
/// request headers it received, so the test knows they were sent.
async fn credentials_both_ways(secret: String, names: Vec<String>, request: HeaderMap) -> impl IntoResponse {
    let received: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|name| request.contains_key(*name))
        .collect();
    let mut response = HeaderMap::new();
    for name in &names {
        response.insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            secret.parse().expect("a header value"),
        );
    }
    response.insert("x-served-by", "node-1".parse().expect("a header value"));
    (response, received.join(","))
}

async fn serve_credentials(layer: ServerLayer, secret: String, names: Vec<String>) -> String {
    let app = Router::new()
        .route(
            "/headers",
            get(move |request: HeaderMap| credentials_both_ways(secret.clone(), names.clone(), request)),
        )
        .layer(layer);
    serve(app).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_headers_are_never_captured_even_when_listed() {
    let names = union(&DOCUMENTED_HEADERS, NEVER_CAPTURED);
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let t = TestTelemetry::new();
    // Every credential header listed, request and response, with an ordinary one each.
    let capture = HeaderCapture::default()
        .request(names.iter().copied().chain(["x-request-id"]))
        .response(names.iter().copied().chain(["x-served-by"]));
    let secret = token();
    let base = serve_credentials(
        ServerLayer::new()
            .providers(t.providers())
            .capture_headers(capture.clone()),
        secret.clone(),
        lower.clone(),
    )
    .await;
    let mut request = client_with(
        ClientMiddleware::default()
            .providers(t.providers())
            .capture_headers(capture),
    )
    .get(format!("{base}/headers"))
    .header("x-request-id", "req-1");
    for name in &names {
        request = request.header(*name, secret.as_str());
    }
    let response = request.send().await.expect("request");
    assert_eq!(response.status(), 200);
    for name in &names {
        assert_eq!(
            response.headers().get(*name).and_then(|v| v.to_str().ok()),
            Some(secret.as_str()),
            "the response carried {name}"
        );
    }
    let received = response.text().await.expect("body");
    assert_eq!(
        received,
        lower.join(","),
        "the request carried every credential header"
    );

    let spans = t.spans();
    let mut found = Vec::new();
    for span in server_and_client(&spans) {
        let span = span
            .has_attribute("http.request.header.x-request-id", vec!["req-1"])
            .has_attribute("http.response.header.x-served-by", vec!["node-1"]);
        for name in &lower {
            span.lacks_attribute(&format!("http.request.header.{name}"))
                .lacks_attribute(&format!("http.response.header.{name}"));
        }
        // Nothing else captured, under any spelling.
        let mut captured: Vec<&str> = span
            .attributes
            .iter()
            .map(|(key, _)| key.as_str())
            .filter(|key| key.starts_with("http.request.header.") || key.starts_with("http.response.header."))
            .collect();
        captured.sort_unstable();
        assert_eq!(
            captured,
            [
                "http.request.header.x-request-id",
                "http.response.header.x-served-by"
            ],
            "{:?} span",
            span.kind
        );
        found.extend(leaks(&span, &secret));
    }
    assert!(
        found.is_empty(),
        "credential header values kept:\n{}",
        found.join("\n")
    );
}
