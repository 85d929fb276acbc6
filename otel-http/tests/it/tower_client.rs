//! ClientLayer (the `tower-client` feature) around hyper-util's legacy client, against a
//! real axum server on loopback (traced by ServerLayer where the trace matters): the
//! CLIENT span, propagation, redaction, error statuses, transport failures, cancellation,
//! `server.service.name`, the duration metric, tower's real `Retry` and the registry check.

use std::future::{Ready, ready};
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use opentelemetry::logs::Severity;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, context::FutureExt as _};
use otel_kit_http::tower_client::{ClientService, mark_resend};
use otel_kit_http::{ClientLayer, ServerLayer, UrlTemplate};
use otel_kit_semconv::metric::HTTP_CLIENT_REQUEST_DURATION;
use otel_kit_testing::{Conformance, TestTelemetry};
use tower::retry::Policy;
use tower::{Layer as _, ServiceExt as _};

use crate::support::client::{
    assert_cancelled, assert_url_full_cut, closed_port, oversized_url, parse_traceparent, start_server,
};
use crate::support::exception_events;

type Hyper = Client<HttpConnector, Empty<Bytes>>;

/// hyper-util's legacy client, HTTP/1 over plain TCP.
fn hyper() -> Hyper {
    Client::builder(TokioExecutor::new()).build_http()
}

/// hyper's client under a `ClientLayer` reporting to `t`.
fn traced(t: &TestTelemetry) -> ClientService<Hyper> {
    ClientLayer::new().providers(t.providers()).layer(hyper())
}

fn get(url: &str) -> Request<Empty<Bytes>> {
    Request::get(url).body(Empty::new()).expect("request")
}

async fn text(response: Response<Incoming>) -> String {
    let body = response.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8(body.to_vec()).expect("utf-8")
}

/// An axum service with a route, traced by `ServerLayer` into `t`: answers with the
/// `traceparent` it received.
async fn traced_server(t: &TestTelemetry) -> SocketAddr {
    let app = Router::new()
        .route(
            "/users/{id}",
            routing::get(|headers: http::HeaderMap| async move {
                headers
                    .get("traceparent")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            }),
        )
        .layer(ServerLayer::new().providers(t.providers()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_span_is_a_child_of_the_hyper_client_span() {
    let t = TestTelemetry::new();
    let addr = traced_server(&t).await;

    let parent = Context::current_with_span(t.tracer_provider().tracer("test").start("parent"));
    let request = Request::get(format!("http://{addr}/users/7"))
        .extension(UrlTemplate::new("/users/{id}"))
        .body(Empty::new())
        .expect("request");
    let response = traced(&t)
        .oneshot(request)
        .with_context(parent.clone())
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    let body = text(response).await;
    parent.span().end();

    let spans = t.spans();
    spans
        .assert_single_trace()
        .assert_tree("parent\n  GET /users/{id}\n    GET /users/{id}");
    let client = spans.span_where("the CLIENT span", |s| s.kind == SpanKind::Client);
    client
        .has_parent(&spans.span("parent"))
        .has_status_unset()
        .has_scope_name("otel-kit-http")
        .has_attribute("http.request.method", "GET")
        .has_attribute("url.full", format!("http://{addr}/users/7"))
        .has_attribute("url.template", "/users/{id}")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(addr.port()))
        .has_attribute("http.response.status_code", 200)
        .has_attribute("network.protocol.version", "1.1")
        .lacks_attribute("error.type")
        .lacks_attribute("http.request.resend_count");
    let server = spans.span_where("the SERVER span", |s| s.kind == SpanKind::Server);
    server.has_parent(&client);
    let (trace_id, parent_id) = parse_traceparent(&body);
    assert_eq!(trace_id, client.record().trace_id);
    assert_eq!(
        parent_id,
        client.record().span_id,
        "the server was told of the CLIENT span"
    );

    let metrics = t.metrics();
    metrics
        .metric(HTTP_CLIENT_REQUEST_DURATION)
        .has_unit("s")
        .has_point_count(1)
        .histogram_point(&[
            ("http.request.method", "GET".into()),
            ("server.address", "127.0.0.1".into()),
            ("server.port", i64::from(addr.port()).into()),
            ("http.response.status_code", 200.into()),
            ("network.protocol.version", "1.1".into()),
        ])
        .has_count(1);
    Conformance::semconv()
        .check_spans(&spans)
        .check_metrics(&metrics)
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_credentials_and_signed_query_values_are_redacted() {
    let t = TestTelemetry::new();
    let addr = start_server().await;

    let url = format!("http://alice:s3cr3t@{addr}/files?sig=abc123&page=2");
    let _ = traced(&t).oneshot(get(&url)).await;

    let spans = t.spans();
    spans.span("GET").has_attribute(
        "url.full",
        format!("http://REDACTED:REDACTED@{addr}/files?sig=REDACTED&page=2"),
    );
    let everything = format!("{:?}", spans.span("GET").record().attributes);
    assert!(
        !everything.contains("s3cr3t") && !everything.contains("abc123"),
        "{everything}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_of_400_and_above_are_errors_and_no_exceptions() {
    let t = TestTelemetry::new();
    let addr = start_server().await;

    for code in [204_u16, 404, 500] {
        let response = traced(&t)
            .oneshot(get(&format!("http://{addr}/status/{code}")))
            .await
            .expect("an error status is still a response");
        assert_eq!(response.status().as_u16(), code);
    }

    assert_eq!(exception_events(&t.logs()), 0, "a response is no exception");
    let spans = t.spans();
    let [no_content, not_found, failed] = spans.named("GET").try_into().expect("three spans");
    no_content
        .has_status_unset()
        .has_attribute("http.response.status_code", 204)
        .lacks_attribute("error.type");
    not_found.is_error().has_attribute("error.type", "404");
    failed.is_error().has_attribute("error.type", "500");
    t.metrics()
        .metric(HTTP_CLIENT_REQUEST_DURATION)
        .histogram_point(&[("error.type", "500".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_a_connect_error_and_one_exception_event() {
    let t = TestTelemetry::new();
    let port = closed_port().await;

    let error = traced(&t)
        .oneshot(get(&format!("http://127.0.0.1:{port}/x?token=t0k")))
        .await
        .expect_err("nothing listens");
    assert!(error.is_connect(), "{error}");

    let spans = t.spans();
    let span = spans
        .span("GET")
        .has_kind(SpanKind::Client)
        .is_error()
        .has_attribute("error.type", "connect")
        .has_attribute("url.full", format!("http://127.0.0.1:{port}/x?token=REDACTED"))
        .lacks_attribute("http.response.status_code");
    let description = match &span.record().status {
        opentelemetry::trace::Status::Error { description } => description.to_string(),
        other => panic!("status {other:?}"),
    };
    assert!(
        description.starts_with("connect: client error (Connect)") && description.contains("refused"),
        "{description}"
    );
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1);
    logs.event("http.client.request.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "hyper_util::client::legacy::client::Error")
        .has_attribute("exception.message", description.as_str())
        .is_in_span(&span);
    let metrics = t.metrics();
    metrics
        .metric(HTTP_CLIENT_REQUEST_DURATION)
        .histogram_point(&[("error.type", "connect".into())])
        .has_count(1);
    Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .check_metrics(&metrics)
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_caller_gives_up_on_is_cancelled_not_failed() {
    let t = TestTelemetry::new();
    let addr = start_server().await;

    let gave_up = tokio::time::timeout(
        Duration::from_millis(100),
        traced(&t).oneshot(get(&format!("http://{addr}/slow"))),
    )
    .await;
    assert!(gave_up.is_err(), "the server answers after 2s");

    assert_cancelled(&t);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapped_address_names_the_peer_service() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let services = otel_kit_http::PeerServices::new()
        .map(&format!("127.0.0.1:{}/status", addr.port()), "status-api")
        .expect("entry");
    let client = ClientLayer::new()
        .providers(t.providers().peer_services(services))
        .layer(hyper());
    for path in ["/status/204", "/echo"] {
        client
            .clone()
            .oneshot(get(&format!("http://{addr}{path}")))
            .await
            .expect("response");
    }

    let spans = t.spans();
    let [mapped, other] = <[_; 2]>::try_from(spans.named("GET")).expect("two spans");
    mapped.has_attribute("server.service.name", "status-api");
    other.lacks_attribute("server.service.name");
}

/// Retries a 503 once, and marks the copy it keeps as a resend.
#[derive(Clone)]
struct RetryUnavailable {
    left: u8,
}

impl<E> Policy<Request<Empty<Bytes>>, Response<Incoming>, E> for RetryUnavailable {
    type Future = Ready<()>;

    fn retry(
        &mut self,
        _: &mut Request<Empty<Bytes>>,
        result: &mut Result<Response<Incoming>, E>,
    ) -> Option<Ready<()>> {
        let unavailable = result.as_ref().is_ok_and(|r| r.status() == 503);
        (unavailable && self.left > 0).then(|| {
            self.left -= 1;
            ready(())
        })
    }

    fn clone_request(&mut self, request: &Request<Empty<Bytes>>) -> Option<Request<Empty<Bytes>>> {
        let mut copy = Request::builder()
            .method(request.method().clone())
            .uri(request.uri().clone())
            .body(Empty::new())
            .ok()?;
        *copy.headers_mut() = request.headers().clone();
        mark_resend(request, &mut copy);
        Some(copy)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_towers_retry_each_attempt_is_a_span_with_its_resend_count() {
    let t = TestTelemetry::new();
    let addr = start_server().await;

    let client = tower::ServiceBuilder::new()
        .retry(RetryUnavailable { left: 2 })
        .layer(ClientLayer::new().providers(t.providers()))
        .service(hyper());
    let response = client
        .oneshot(get(&format!("http://{addr}/status/503")))
        .await
        .expect("response");
    assert_eq!(response.status(), 503);

    let spans = t.spans();
    let [first, second, third] = spans.named("GET").try_into().expect("one span per attempt");
    first.lacks_attribute("http.request.resend_count");
    second.has_attribute("http.request.resend_count", 1);
    third.has_attribute("http.request.resend_count", 2);
    Conformance::semconv()
        .check_spans(&spans)
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_layers_around_one_client_record_one_span() {
    let t = TestTelemetry::new();
    let addr = start_server().await;

    let client = tower::ServiceBuilder::new()
        .layer(ClientLayer::new().providers(t.providers()))
        .layer(ClientLayer::new().providers(t.providers()))
        .service(hyper());
    let body = text(
        client
            .oneshot(get(&format!("http://{addr}/")))
            .await
            .expect("response"),
    )
    .await;

    let spans = t.spans();
    spans.assert_count(1);
    assert_eq!(parse_traceparent(&body).1, spans.span("GET").record().span_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_below_the_layer_is_one_exception_event_and_unwinds_on() {
    let t = TestTelemetry::new();
    let panics = tower::service_fn(|_: Request<Empty<Bytes>>| async {
        if true {
            panic!("client bug");
        }
        Ok::<Response<Empty<Bytes>>, std::io::Error>(Response::new(Empty::new()))
    });
    let client = ClientLayer::new().providers(t.providers()).layer(panics);
    let joined = tokio::spawn(client.oneshot(get("http://127.0.0.1:9/x"))).await;
    assert!(
        joined.is_err_and(|e| e.is_panic()),
        "the panic reaches the caller"
    );

    let spans = t.spans();
    let span = spans
        .span("GET")
        .is_error()
        .has_error_description("client bug")
        .has_attribute("error.type", "panic");
    t.logs()
        .event("http.client.request.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "panic")
        .is_in_span(&span);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_see_the_head_and_an_excluded_request_still_propagates() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let layer = ClientLayer::new()
        .providers(t.providers())
        .exclude_when(|parts| parts.uri.path() == "/poll")
        .span_attributes_from_response(|ended, span| {
            if let Ok(head) = ended
                && let Some(id) = head.headers.get("x-request-id").and_then(|v| v.to_str().ok())
            {
                span.push(opentelemetry::KeyValue::new("app.request_id", id.to_owned()));
            }
        });
    let client = layer.layer(hyper());

    let parent = Context::current_with_span(t.tracer_provider().tracer("test").start("parent"));
    let polled = client
        .clone()
        .oneshot(get(&format!("http://{addr}/poll")))
        .with_context(parent.clone())
        .await
        .expect("response");
    let (trace_id, parent_id) = parse_traceparent(&text(polled).await);
    client
        .oneshot(get(&format!("http://{addr}/orders")))
        .with_context(parent.clone())
        .await
        .expect("response");
    parent.span().end();

    let spans = t.spans();
    spans.assert_tree("parent\n  GET");
    let parent_span = spans.span("parent");
    assert_eq!(
        (trace_id, parent_id),
        (
            parent_span.record().trace_id.clone(),
            parent_span.record().span_id.clone()
        ),
        "the excluded request carries the caller's context"
    );
    spans.span("GET").has_attribute("app.request_id", "rid-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_java_agents_header_capture_applies_to_the_layer() {
    use crate::java_switches::{attribute, init, strings};

    if otel_kit_testing::ran_alone("tower_client::the_java_agents_header_capture_applies_to_the_layer") {
        return;
    }
    let (telemetry, spans) = init(&[
        (
            "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS",
            "x-request-id",
        ),
        (
            "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS",
            "authorization",
        ),
    ]);
    let addr = start_server().await;
    let request = Request::get(format!("http://{addr}/a"))
        .header("authorization", "Bearer s3cret")
        .body(Empty::new())
        .expect("request");
    ClientLayer::new()
        .layer(hyper())
        .oneshot(request)
        .await
        .expect("response");
    telemetry.force_flush().expect("flush");
    let finished = spans.get_finished_spans().expect("spans");
    let [client] = finished.as_slice() else {
        panic!("one span: {finished:#?}")
    };
    assert_eq!(
        attribute(client, "http.response.header.x-request-id"),
        Some(strings("rid-1"))
    );
    assert_eq!(
        attribute(client, "http.request.header.authorization"),
        None,
        "never captured"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tower_client_switch_turns_the_layer_off_and_the_trace_flows() {
    use crate::java_switches::init;

    if otel_kit_testing::ran_alone(
        "tower_client::the_tower_client_switch_turns_the_layer_off_and_the_trace_flows",
    ) {
        return;
    }
    let (telemetry, spans) = init(&[("OTEL_INSTRUMENTATION_TOWER_CLIENT_ENABLED", "false")]);
    let addr = start_server().await;
    let outer = Context::current_with_span(telemetry.tracer_provider().tracer("test").start("outer"));
    let response = ClientLayer::new()
        .layer(hyper())
        .oneshot(get(&format!("http://{addr}/a")))
        .with_context(outer.clone())
        .await
        .expect("response");
    let (trace_id, parent_id) = parse_traceparent(&text(response).await);
    outer.span().end();
    telemetry.force_flush().expect("flush");
    let finished = spans.get_finished_spans().expect("spans");
    assert!(
        finished.iter().all(|s| s.span_kind != SpanKind::Client),
        "the disabled layer made spans: {finished:#?}"
    );
    let outer_context = outer.span().span_context().clone();
    assert_eq!(trace_id, outer_context.trace_id().to_string(), "the trace flowed");
    assert_eq!(parent_id, outer_context.span_id().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_full_is_cut_to_the_request_value_cap() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let _ = traced(&t)
        .oneshot(get(&oversized_url(&format!("http://{addr}"))))
        .await;
    assert_url_full_cut(&t.spans());
}
