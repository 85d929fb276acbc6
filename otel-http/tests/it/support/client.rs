//! For the `client*` tests: a local downstream server and client builders.

#![allow(unreachable_pub)]

use std::net::SocketAddr;
use std::time::Duration;

use otel_kit_testing::TestTelemetry;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use otel_kit_http::ClientMiddleware;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};

/// Answers every path and method. `/status/{code}` answers with that code, `/slow`
/// after two seconds; every answer's body is the `traceparent` the server received
/// (empty when none) and it carries `x-request-id: rid-1`.
async fn echo(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path == "/slow" {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let status = path
        .strip_prefix("/status/")
        .and_then(|code| code.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::OK);
    let traceparent = header(request.headers(), "traceparent");
    let mut response = (status, Body::from(traceparent)).into_response();
    response
        .headers_mut()
        .insert("x-request-id", "rid-1".parse().expect("header value"));
    response
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Starts the echo server on 127.0.0.1 and returns its address.
pub async fn start_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let app = axum::Router::new().fallback(echo);
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    addr
}

/// A port nothing listens on: bound, then released.
pub async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("local addr").port()
}

/// A client with one default `ClientMiddleware`.
pub fn client() -> ClientWithMiddleware {
    client_with(ClientMiddleware::default())
}

/// A client with `middleware`.
pub fn client_with(middleware: ClientMiddleware) -> ClientWithMiddleware {
    ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build()
}

/// `(trace id, parent span id)` of a `traceparent` value.
pub fn parse_traceparent(value: &str) -> (String, String) {
    let parts: Vec<&str> = value.split('-').collect();
    assert_eq!(parts.len(), 4, "traceparent {value:?}");
    (parts[1].to_owned(), parts[2].to_owned())
}

/// Asserts what a request its caller gave up on (its future dropped within a second)
/// left in `t`, whichever client sent it: one `GET` span with status Unset, no
/// `error.type` and no status code (semantic conventions 1.41+: a cancellation on
/// purpose is no error), no exception event, and one duration point without them,
/// exactly as long as the span (one clock reading starts both).
pub fn assert_cancelled(t: &TestTelemetry) {
    let spans = t.spans();
    let span = spans
        .span("GET")
        .has_status_unset()
        .lacks_attribute("error.type")
        .lacks_attribute("http.response.status_code")
        .has_duration_at_most(Duration::from_secs(1));
    assert_eq!(super::exception_events(&t.logs()), 0);
    let metrics = t.metrics();
    let point = metrics
        .metric(otel_kit_semconv::metric::HTTP_CLIENT_REQUEST_DURATION)
        .has_point_count(1)
        .histogram_point(&[("http.request.method", "GET".into())])
        .has_count(1);
    let keys: Vec<&str> = point
        .record()
        .attributes
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(
        !keys.contains(&"error.type") && !keys.contains(&"http.response.status_code"),
        "the point is not an error: {keys:?}"
    );
    let span_seconds = span.record().duration().as_secs_f64();
    let point_seconds = point.record().sum.expect("a sum");
    assert!(
        (span_seconds - point_seconds).abs() < 1e-6,
        "span {span_seconds} s, duration point {point_seconds} s"
    );
}

/// A URL whose query runs to 20 KB, with a signed value first: what a client's
/// `url.full` must cut to the request-value cap, redacted before the cut.
pub fn oversized_url(base: &str) -> String {
    format!("{base}/files?sig=abc123&pad={}", "a".repeat(20_000))
}

/// `url.full` of the CLIENT span in `spans`, cut to 4096 bytes with its signed value
/// redacted.
pub fn assert_url_full_cut(spans: &otel_kit_testing::Spans) {
    let url = spans
        .iter()
        .filter(|span| span.kind == opentelemetry::trace::SpanKind::Client)
        .find_map(|span| span.attribute("url.full").and_then(|v| v.as_str()))
        .expect("a CLIENT span with url.full")
        .to_owned();
    assert!(url.len() <= 4096, "url.full of {} bytes", url.len());
    assert!(
        url.len() > 4000,
        "cut at the cap, not before: {} bytes",
        url.len()
    );
    assert!(
        url.contains("sig=REDACTED") && !url.contains("abc123"),
        "{}",
        &url[..80]
    );
}
