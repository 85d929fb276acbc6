//! ClientMiddleware: the CLIENT span, its attributes and trace-context propagation,
//! against a local server that echoes the `traceparent` it received.

use opentelemetry::global;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, context::FutureExt as _};
use otel_kit_http::conventions::HeaderCapture;
use otel_kit_http::{ClientMiddleware, NoPropagation, UrlTemplate};
use otel_kit_testing::TestTelemetry;
use tracing::Instrument as _;

use crate::support::client::{
    assert_url_full_cut, client, client_with, oversized_url, parse_traceparent, start_server,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downstream_sees_the_client_span_as_parent() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let tracer = global::tracer("test");
    let parent_cx = Context::current_with_span(tracer.start("parent"));
    let body = client()
        .get(format!("http://{addr}/users/7"))
        .send()
        .with_context(parent_cx.clone())
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    parent_cx.span().end();

    let spans = t.spans();
    spans
        .assert_count(2)
        .assert_single_trace()
        .assert_tree("parent\n  GET");
    let parent = spans.span("parent");
    let span = spans.span("GET");
    span.has_kind(SpanKind::Client)
        .has_parent(&parent)
        .has_status_unset()
        .has_scope_name("otel-kit-http")
        .has_attribute("http.request.method", "GET")
        .has_attribute("url.full", format!("http://{addr}/users/7"))
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(addr.port()))
        .has_attribute("http.response.status_code", 200)
        .has_attribute("network.protocol.version", "1.1")
        .lacks_attribute("error.type")
        .lacks_attribute("http.request.resend_count")
        .lacks_attribute("http.request.method_original");

    let (trace_id, parent_id) = parse_traceparent(&body);
    let record = span.record();
    assert_eq!(trace_id, record.trace_id, "downstream trace id is the caller's");
    assert_eq!(parent_id, record.span_id, "downstream parent is the CLIENT span");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_span_is_a_child_of_the_current_tracing_span() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let body = async {
        client()
            .post(format!("http://{addr}/orders"))
            .with_extension(UrlTemplate::new("/orders"))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("body")
    }
    .instrument(tracing::info_span!("checkout"))
    .await;

    let spans = t.spans();
    spans
        .assert_single_trace()
        .assert_tree("checkout\n  POST /orders");
    let span = spans.span("POST /orders");
    span.has_parent(&spans.span("checkout"))
        .has_attribute("url.template", "/orders");
    let (trace_id, parent_id) = parse_traceparent(&body);
    assert_eq!(trace_id, span.record().trace_id);
    assert_eq!(parent_id, span.record().span_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_full_is_redacted() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    // A `Request` built by hand keeps the credentials in its URL.
    let url = format!("http://alice:s3cr3t@{addr}/files?sig=abc123&page=2");
    let request = reqwest::Request::new(reqwest::Method::GET, url.parse().expect("url"));
    client().execute(request).await.expect("send");
    // The request builder moves them into an `Authorization` header before any
    // middleware runs, so they never reach `url.full` at all.
    client().get(&url).send().await.expect("send");

    let spans = t.spans();
    let [by_hand, built] = spans.named("GET").try_into().expect("two spans");
    by_hand.has_attribute(
        "url.full",
        format!("http://REDACTED:REDACTED@{addr}/files?sig=REDACTED&page=2"),
    );
    built.has_attribute("url.full", format!("http://{addr}/files?sig=REDACTED&page=2"));
    for span in spans.iter() {
        let url = span.attributes.iter().find(|(k, _)| k == "url.full");
        let text = format!("{url:?}");
        assert!(!text.contains("s3cr3t") && !text.contains("abc123"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_method_is_other() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let purge = reqwest::Method::from_bytes(b"PURGE").expect("method");
    let status = client()
        .request(purge, format!("http://{addr}/cache"))
        .send()
        .await
        .expect("send")
        .status();
    assert_eq!(status, 200);

    t.spans()
        .span("HTTP")
        .has_attribute("http.request.method", "_OTHER")
        .has_attribute("http.request.method_original", "PURGE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_propagation_sends_no_traceparent() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let body = client()
        .get(format!("http://{addr}/partner"))
        .with_extension(NoPropagation)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    assert_eq!(body, "", "no traceparent reaches the server");

    // The filter does the same for a whole destination; other requests still propagate.
    let filtered = client_with(ClientMiddleware::default().propagate_if(|url| url.path() != "/partner"));
    let partner = filtered
        .get(format!("http://{addr}/partner"))
        .send()
        .await
        .expect("send");
    assert_eq!(partner.text().await.expect("body"), "");
    let own = filtered
        .get(format!("http://{addr}/own"))
        .send()
        .await
        .expect("send");
    assert!(own.text().await.expect("body").starts_with("00-"));

    // Each request was still traced.
    t.spans().assert_count(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captures_only_listed_headers() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let capture = HeaderCapture::default()
        .request(["x-tenant", "authorization"])
        .response(["x-request-id"]);
    client_with(ClientMiddleware::default().capture_headers(capture))
        .get(format!("http://{addr}/"))
        .header("x-tenant", "acme")
        .header("authorization", "Bearer secret")
        .send()
        .await
        .expect("send");

    t.spans()
        .span("GET")
        .has_attribute("http.request.header.x-tenant", vec!["acme"])
        .has_attribute("http.response.header.x-request-id", vec!["rid-1"])
        .lacks_attribute("http.request.header.authorization");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapped_address_and_path_name_the_peer_service() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let services = otel_kit_http::PeerServices::new()
        .map(&format!("127.0.0.1:{}/status", addr.port()), "status-api")
        .expect("entry");
    let client = client_with(ClientMiddleware::default().providers(t.providers().peer_services(services)));
    for path in ["/status/204", "/echo"] {
        client
            .get(format!("http://{addr}{path}"))
            .send()
            .await
            .expect("send");
    }

    let spans = t.spans();
    let [mapped, other] = <[_; 2]>::try_from(spans.named("GET")).expect("two spans");
    mapped.has_attribute("server.service.name", "status-api");
    // The entry covers paths under `/status` only.
    other.lacks_attribute("server.service.name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_full_is_cut_to_the_request_value_cap() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let client = client_with(ClientMiddleware::default().providers(t.providers()));
    // The server may refuse a request line this long; the span is recorded either way.
    let _ = client.get(oversized_url(&format!("http://{addr}"))).send().await;
    assert_url_full_cut(&t.spans());
}

/// `http.request.method_original` comes from the request like `url.full` does: an 8 KB
/// extension method is recorded cut to the request-value cap, the method itself as
/// `_OTHER`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_original_is_cut_to_the_request_value_cap() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let client = client_with(ClientMiddleware::default().providers(t.providers()));
    let method = "A".repeat(8 * 1024);
    let long = reqwest::Method::from_bytes(method.as_bytes()).expect("an extension method");
    // The server may refuse a method this long; the span is recorded either way.
    let _ = client.request(long, format!("http://{addr}/cache")).send().await;

    let spans = t.spans();
    let span = spans
        .span_where("of kind CLIENT", |s| s.kind == SpanKind::Client)
        .has_attribute("http.request.method", "_OTHER");
    let original = span
        .attribute("http.request.method_original")
        .and_then(|v| v.as_str())
        .expect("http.request.method_original");
    let cap = otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES;
    assert!(
        original.len() <= cap,
        "method_original of {} bytes",
        original.len()
    );
    assert!(method.starts_with(original), "a prefix of the method");
    assert_eq!(original.len(), cap, "cut at the cap, not before");
    // The span's name is the `HTTP` of an unknown method, not the method.
    assert_eq!(span.name, "HTTP");
}
