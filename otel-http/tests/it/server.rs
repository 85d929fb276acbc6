//! Server spans through a real axum app: names, attributes with their types, status
//! rules, panics, cancellation, unknown methods, header capture.

use std::time::Duration;

use crate::support::server::{PARENT, TRACE, serve, traceparent};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{any, get};
use opentelemetry::trace::SpanKind;
use otel_kit_http::ServerLayer;
use otel_kit_http::conventions::HeaderCapture;
use otel_kit_http::server::{ERROR_TYPE_CANCELLED, ERROR_TYPE_PANIC, INSTRUMENTATION_SCOPE};
use otel_kit_testing::TestTelemetry;

const WAIT: Duration = Duration::from_secs(5);

async fn explode() -> &'static str {
    panic!("handler exploded")
}

fn app(layer: ServerLayer) -> Router {
    let api = Router::new().route("/items/{item}", get(|| async { "item" }));
    Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/boom", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/bad", get(|| async { StatusCode::BAD_REQUEST }))
        .route("/cache/{key}", any(|| async { "purged" }))
        .route("/panic", get(explode))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        )
        .route(
            "/headers",
            get(|| async { ([("x-served-by", "node-1"), ("set-cookie", "s=1")], "ok") }),
        )
        .nest("/api", api)
        .layer(layer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attributes_have_semconv_names_and_types() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new())).await;
    let port = i64::from(
        base.rsplit(':')
            .next()
            .and_then(|p| p.parse::<u16>().ok())
            .expect("port"),
    );

    let response = reqwest::Client::new()
        .get(format!("{base}/users/42?page=2&sig=secret"))
        .header("user-agent", "otel-test/1.0")
        .header("traceparent", traceparent(TRACE, PARENT))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("traceparent").is_none(),
        "echo is off by default"
    );

    let spans = t.wait_for_spans(1, WAIT).await;
    spans
        .span("GET /users/{id}")
        .has_kind(SpanKind::Server)
        .has_trace_id(TRACE)
        .has_parent_span_id(PARENT)
        .has_scope_name(INSTRUMENTATION_SCOPE)
        .has_attribute("http.request.method", "GET")
        .lacks_attribute("http.request.method_original")
        .has_attribute("url.path", "/users/42")
        .has_attribute("url.query", "page=2&sig=REDACTED")
        .has_attribute("url.scheme", "http")
        .has_attribute("http.route", "/users/{id}")
        .has_attribute("http.response.status_code", 200)
        .has_attribute("network.protocol.version", "1.1")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", port)
        .has_attribute("client.address", "127.0.0.1")
        .has_attribute("user_agent.original", "otel-test/1.0")
        .lacks_attribute("error.type")
        .has_status_unset();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_routes_unmatched_and_status_rules() {
    let t = TestTelemetry::new().install_global();
    // The layer on the inner router, nested afterwards: the route is still the full one.
    let inner = Router::new()
        .route("/v/{n}", get(|| async { "v" }))
        .layer(ServerLayer::new());
    let base = serve(app(ServerLayer::new()).nest("/inner", inner)).await;
    let client = reqwest::Client::new();
    for (path, status) in [
        ("/api/items/7", 200),
        ("/nope/123", 404),
        ("/boom", 500),
        ("/bad", 400),
        ("/inner/v/1", 200),
    ] {
        let response = client.get(format!("{base}{path}")).send().await.expect("request");
        assert_eq!(response.status(), status, "{path}");
    }

    let spans = t.wait_for_spans(5, WAIT).await;
    spans.assert_count(5);
    spans
        .span("GET /api/items/{item}")
        .has_attribute("http.route", "/api/items/{item}");
    spans
        .span("GET /inner/v/{n}")
        .has_attribute("http.route", "/inner/v/{n}");
    spans
        .span("GET")
        .has_attribute("http.response.status_code", 404)
        .has_attribute("url.path", "/nope/123")
        .lacks_attribute("http.route")
        .lacks_attribute("error.type")
        .has_status_unset();
    spans
        .span("GET /boom")
        .is_error()
        .has_attribute("error.type", "500")
        .has_attribute("http.response.status_code", 500);
    spans
        .span("GET /bad")
        .has_status_unset()
        .lacks_attribute("error.type")
        .has_attribute("http.response.status_code", 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_method_is_other_with_original() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new())).await;
    let purge = reqwest::Method::from_bytes(b"PURGE").expect("method");
    let response = reqwest::Client::new()
        .request(purge, format!("{base}/cache/k1"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);

    let spans = t.wait_for_spans(1, WAIT).await;
    spans
        .span("HTTP /cache/{key}")
        .has_attribute("http.request.method", "_OTHER")
        .has_attribute("http.request.method_original", "PURGE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_is_recorded_and_hyper_handles_it_as_before() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new())).await;
    let client = reqwest::Client::new();
    // The panic still unwinds into the connection task, which drops the connection.
    let result = client.get(format!("{base}/panic")).send().await;
    assert!(
        result.is_err(),
        "the connection is closed without a response: {result:?}"
    );
    // And the server keeps serving.
    let ok = client
        .get(format!("{base}/users/1"))
        .send()
        .await
        .expect("next request");
    assert_eq!(ok.status(), 200);

    let spans = t.wait_for_spans(2, WAIT).await;
    let span = spans
        .span("GET /panic")
        .is_error()
        .has_error_description("handler exploded")
        .has_attribute("error.type", ERROR_TYPE_PANIC)
        .lacks_attribute("http.response.status_code");
    // Recorded once as the exception event, in the span (docs/errors.md).
    t.logs()
        .event("http.server.request.exception")
        .has_severity(opentelemetry::logs::Severity::Error)
        .has_attribute("exception.type", "panic")
        .has_attribute("exception.message", "handler exploded")
        .is_in_span(&span);
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[
            ("http.route", "/panic".into()),
            ("error.type", ERROR_TYPE_PANIC.into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_request_ends_the_span() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new())).await;
    let result = reqwest::Client::new()
        .get(format!("{base}/slow"))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(result.is_err(), "the client gives up first");

    // Well before the handler's 3 s sleep would end: the span ended because the server
    // dropped the request when the client went away.
    let spans = t.wait_for_spans(1, Duration::from_secs(2)).await;
    spans
        .span("GET /slow")
        .is_error()
        .has_attribute("error.type", ERROR_TYPE_CANCELLED)
        .lacks_attribute("http.response.status_code")
        .has_duration_at_most(Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_capture_never_takes_credentials() {
    let t = TestTelemetry::new().install_global();
    let layer = ServerLayer::new().capture_headers(
        HeaderCapture::default()
            .request(["X-Request-Id", "authorization", "cookie"])
            .response(["x-served-by", "set-cookie"]),
    );
    let base = serve(app(layer)).await;
    reqwest::Client::new()
        .get(format!("{base}/headers"))
        .header("x-request-id", "req-1")
        .header("authorization", "Bearer secret")
        .header("cookie", "session=secret")
        .send()
        .await
        .expect("request");

    let spans = t.wait_for_spans(1, WAIT).await;
    spans
        .span("GET /headers")
        .has_attribute("http.request.header.x-request-id", vec!["req-1"])
        .has_attribute("http.response.header.x-served-by", vec!["node-1"])
        .lacks_attribute("http.request.header.authorization")
        .lacks_attribute("http.request.header.cookie")
        .lacks_attribute("http.response.header.set-cookie");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_traceparent_names_the_server_span() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new().echo_traceparent(true))).await;
    let response = reqwest::Client::new()
        .get(format!("{base}/users/1"))
        .header("traceparent", traceparent(TRACE, PARENT))
        .send()
        .await
        .expect("request");
    let echoed = response
        .headers()
        .get("traceparent")
        .expect("echoed")
        .to_str()
        .expect("ascii")
        .to_owned();

    let spans = t.wait_for_spans(1, WAIT).await;
    let span = spans.span("GET /users/{id}");
    assert_eq!(echoed, format!("00-{TRACE}-{}-01", span.record().span_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_endpoint_starts_a_new_trace_linked_to_the_caller() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new().public_endpoint(true))).await;
    reqwest::Client::new()
        .get(format!("{base}/users/1"))
        .header("traceparent", traceparent(TRACE, PARENT))
        .send()
        .await
        .expect("request");

    let spans = t.wait_for_spans(1, WAIT).await;
    let span = spans
        .span("GET /users/{id}")
        .is_root()
        .has_link_to_ids(TRACE, PARENT);
    assert_ne!(span.record().trace_id, TRACE);
}

/// No axum in the way: a bare `tower::Service<http::Request<_>>`, as hyper would call it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_on_a_plain_tower_service() {
    use tower::{Layer as _, ServiceExt as _};
    let t = TestTelemetry::new().install_global();
    let service = ServerLayer::new().layer(tower::service_fn(|_: http::Request<String>| async {
        Ok::<_, std::convert::Infallible>(
            http::Response::builder()
                .status(503)
                .body(String::new())
                .expect("response"),
        )
    }));
    let request = http::Request::post("/jobs")
        .header("host", "jobs.internal")
        .body(String::new())
        .expect("request");
    let response = service.oneshot(request).await.expect("response");
    assert_eq!(response.status(), 503);

    let spans = t.wait_for_spans(1, WAIT).await;
    spans
        .span("POST")
        .has_attribute("server.address", "jobs.internal")
        .lacks_attribute("server.port")
        .lacks_attribute("client.address")
        .has_attribute("error.type", "503")
        .is_error();
}

/// A service error of a typed error, generic over its detail.
#[derive(Debug)]
struct JobError<T>(T);

impl<T: std::fmt::Debug> std::fmt::Display for JobError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "job {:?} failed", self.0)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_error_has_a_low_cardinality_error_type() {
    use tower::{Layer as _, ServiceExt as _};
    let t = TestTelemetry::new();
    let request = || http::Request::post("/jobs").body(String::new()).expect("request");
    let typed = ServerLayer::new()
        .providers(t.providers())
        .layer(tower::service_fn(|_: http::Request<String>| async {
            Err::<http::Response<String>, _>(JobError(vec![1_u8]))
        }));
    typed.oneshot(request()).await.expect_err("a service error");
    let boxed = ServerLayer::new()
        .providers(t.providers())
        .layer(tower::service_fn(|_: http::Request<String>| async {
            Err::<http::Response<String>, tower::BoxError>("no worker".into())
        }));
    boxed.oneshot(request()).await.expect_err("a service error");

    // The type's path without its generic arguments (`JobError<Vec<u8>>` would make a
    // value per detail type), and `_OTHER` for a boxed error, whose type is unknown.
    let spans = t.spans();
    let [typed, boxed] = <[_; 2]>::try_from(spans.named("POST")).expect("two spans");
    // The status description is the error's message.
    typed
        .is_error()
        .has_error_description("job [1] failed")
        .has_attribute("error.type", concat!(module_path!(), "::JobError"));
    boxed
        .is_error()
        .has_error_description("no worker")
        .has_attribute("error.type", "_OTHER");
    let metrics = t.metrics();
    let duration = metrics.metric("http.server.request.duration");
    duration
        .histogram_point(&[("error.type", concat!(module_path!(), "::JobError").into())])
        .has_count(1);
    duration
        .histogram_point(&[("error.type", "_OTHER".into())])
        .has_count(1);
}
