//! Request-derived strings are capped: a real HTTP round trip (axum behind
//! `ServerLayer`, reqwest as the client) with a `User-Agent` and a captured header of
//! about 400 KiB each (what hyper's HTTP/1 head buffer admits) and a path and a query of
//! about 60 KiB each (what `http::Uri` admits) gives spans whose values are cut to the
//! limit at a character boundary: 4 KiB by default, the builder's
//! `max_request_value_bytes`, else `OTEL_KIT_REQUEST_VALUE_MAX_BYTES`. An 8 KB extension
//! method is cut the same way in `http.request.method_original`.

use axum::Router;
use axum::routing::get;
use opentelemetry::Value;
use otel_kit_http::ServerLayer;
use otel_kit_http::conventions::HeaderCapture;
use otel_kit_semconv::attribute as semconv;
use otel_kit_testing::{AttributeValue, TestTelemetry};

use crate::java_switches::{attribute, init};
use crate::support::server::serve;

/// About 400 KiB, with room for the rest of the request head in hyper's 408 KiB buffer.
const HUGE: usize = 400_000;
/// A request target longer than `http::Uri`'s 64 KiB is refused before any layer.
const LONG_TARGET: usize = 60_000;
const DEFAULT_LIMIT: usize = otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES;

fn app(layer: ServerLayer) -> Router {
    Router::new()
        .route("/items/{id}", get(|| async { "item" }))
        .fallback(|| async { "fallback" })
        .layer(layer)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("client")
}

/// Sends the four hostile requests; each must be served.
async fn send_huge_requests(base: &str) {
    let client = client();
    let path = "p".repeat(LONG_TARGET);
    let query = format!("k={}", "q".repeat(LONG_TARGET));
    // One ASCII byte, then two-byte characters: the cut falls inside one.
    let agent = format!("a{}", "é".repeat(HUGE / 2));
    let header = "h".repeat(HUGE);
    for request in [
        client.get(format!("{base}/{path}")),
        client.get(format!("{base}/items/7?{query}")),
        client.get(format!("{base}/")).header("user-agent", agent),
        client.get(format!("{base}/")).header("x-big", header),
    ] {
        let response = request.send().await.expect("served");
        assert!(response.status().is_success(), "{}", response.status());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_kib_request_head_yields_a_span_within_the_cap() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(
        ServerLayer::new().capture_headers(HeaderCapture::default().request(["x-big"]))
    ))
    .await;
    send_huge_requests(&base).await;

    let spans = t.spans();
    assert_eq!(spans.len(), 4, "{:?}", spans.names());
    let string = |value: Option<&AttributeValue>| match value {
        Some(AttributeValue::String(s)) => s.clone(),
        Some(AttributeValue::Array(items)) => match items.as_slice() {
            [AttributeValue::String(s)] => s.clone(),
            other => panic!("one captured value: {other:?}"),
        },
        other => panic!("a string: {other:?}"),
    };
    let mut seen = [false; 4];
    for span in spans.iter() {
        // No value on any span is longer than the limit.
        for (key, value) in &span.attributes {
            let len = match value {
                AttributeValue::String(s) => s.len(),
                AttributeValue::Array(items) => items
                    .iter()
                    .map(|v| match v {
                        AttributeValue::String(s) => s.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0),
                _ => 0,
            };
            assert!(len <= DEFAULT_LIMIT, "{key} holds {len} bytes");
        }
        let path = string(span.attribute(semconv::URL_PATH));
        if path.len() > 1000 {
            assert_eq!(path, format!("/{}", "p".repeat(DEFAULT_LIMIT - 1)));
            seen[0] = true;
        }
        if let Some(query) = span.attribute(semconv::URL_QUERY) {
            assert_eq!(
                string(Some(query)),
                format!("k={}", "q".repeat(DEFAULT_LIMIT - 2))
            );
            assert_eq!(path, "/items/7");
            seen[1] = true;
        }
        if let Some(agent) = span.attribute(semconv::USER_AGENT_ORIGINAL)
            && string(Some(agent)).starts_with("aé")
        {
            // 4096 bytes would end inside a character: cut before it.
            assert_eq!(
                string(Some(agent)),
                format!("a{}", "é".repeat((DEFAULT_LIMIT - 1) / 2))
            );
            seen[2] = true;
        }
        if let Some(header) = span.attribute("http.request.header.x-big") {
            assert_eq!(string(Some(header)), "h".repeat(DEFAULT_LIMIT));
            seen[3] = true;
        }
    }
    assert_eq!(seen, [true; 4], "each hostile value was recorded, cut");
}

/// An extension method of 8 KB (hyper and axum serve it; the fallback answers any
/// method): `http.request.method` is `_OTHER` and `http.request.method_original` the
/// method cut to the cap, the default's and the builder's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_extension_method_is_cut_to_the_cap() {
    let t = TestTelemetry::new();
    let default = serve(app(ServerLayer::new().providers(t.providers()))).await;
    let in_code = serve(app(ServerLayer::new()
        .providers(t.providers())
        .max_request_value_bytes(100)))
    .await;
    let method = "A".repeat(8 * 1024);
    for base in [&default, &in_code] {
        let long = reqwest::Method::from_bytes(method.as_bytes()).expect("an extension method");
        let response = client()
            .request(long, format!("{base}/"))
            .send()
            .await
            .expect("served");
        assert!(response.status().is_success(), "{}", response.status());
    }

    let spans = t.spans();
    assert_eq!(spans.len(), 2, "{:?}", spans.names());
    let mut lengths: Vec<usize> = spans
        .iter()
        .map(|span| {
            assert_eq!(
                span.attribute(semconv::HTTP_REQUEST_METHOD)
                    .and_then(AttributeValue::as_str),
                Some("_OTHER")
            );
            let original = span
                .attribute(semconv::HTTP_REQUEST_METHOD_ORIGINAL)
                .and_then(AttributeValue::as_str)
                .expect("http.request.method_original");
            assert!(method.starts_with(original), "a prefix of the method");
            original.len()
        })
        .collect();
    lengths.sort_unstable();
    assert_eq!(lengths, [100, DEFAULT_LIMIT]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_comes_from_the_builder_else_the_environment() {
    if otel_kit_testing::ran_alone("request_caps::the_limit_comes_from_the_builder_else_the_environment") {
        return;
    }
    let (_telemetry, spans) = init(&[("OTEL_KIT_REQUEST_VALUE_MAX_BYTES", "1000")]);
    let from_env = serve(app(ServerLayer::new())).await;
    let in_code = serve(app(ServerLayer::new().max_request_value_bytes(100))).await;
    let path = "p".repeat(LONG_TARGET);
    for base in [&from_env, &in_code] {
        let response = client()
            .get(format!("{base}/{path}"))
            .send()
            .await
            .expect("served");
        assert!(response.status().is_success());
    }
    let spans = spans.get_finished_spans().expect("spans");
    let mut lengths: Vec<usize> = spans
        .iter()
        .filter_map(|span| match attribute(span, semconv::URL_PATH) {
            Some(Value::String(path)) => Some(path.as_str().len()),
            _ => None,
        })
        .collect();
    lengths.sort_unstable();
    assert_eq!(lengths, [100, 1000]);
}
