//! The actix-web middleware (`otel_kit_http::actix::ServerMiddleware`) through a real
//! actix `HttpServer` over loopback: the span's name and attributes from actix's match
//! pattern (from the path when the request panics or is dropped), the status, error
//! and panic rules, exclusion, header capture, trusted-proxy
//! `client.address`, the duration metric with its exemplar, the hooks,
//! `ServerSpan::current()` in handlers, and the registry check. Each test hands its own
//! harness to the middleware (`.providers(..)`), so they run in parallel.

use std::time::Duration;

use actix_web::{HttpResponse, error, web};
use opentelemetry::KeyValue;
use opentelemetry::logs::Severity;
use opentelemetry::trace::SpanKind;
use otel_kit_http::actix::ServerMiddleware;
use otel_kit_http::conventions::HTTP_RPC_DURATION_BUCKETS;
use otel_kit_http::conventions::HeaderCapture;
use otel_kit_http::server::{ERROR_TYPE_CANCELLED, ERROR_TYPE_PANIC, INSTRUMENTATION_SCOPE};
use otel_kit_http::{ServerSpan, opentelemetry};
use otel_kit_testing::{Conformance, TestTelemetry};

use crate::support::actix::serve_actix;
use crate::support::exception_events;
use crate::support::server::{PARENT, TRACE, current_trace_id, traceparent};

const WAIT: Duration = Duration::from_secs(5);

async fn explode() -> &'static str {
    panic!("handler exploded")
}

/// The app every test serves: plain, scoped and unmatched routes, 4xx and 5xx
/// responses and errors, a panic, and handlers that read the context.
fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/users/{id}", web::get().to(|| async { "user" }))
        .service(web::scope("/api").route("/items/{item}", web::get().to(|| async { "item" })))
        .route(
            "/boom",
            web::get().to(|| async { HttpResponse::InternalServerError().finish() }),
        )
        .route(
            "/bad",
            web::get().to(|| async { HttpResponse::BadRequest().finish() }),
        )
        .route(
            "/fail",
            web::get().to(|| async { Err::<&str, _>(error::ErrorServiceUnavailable("ledger unreachable")) }),
        )
        .route(
            "/refuse",
            web::get().to(|| async { Err::<&str, _>(error::ErrorForbidden("not yours")) }),
        )
        .route("/panic", web::get().to(explode))
        .route(
            "/headers",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .insert_header(("x-served-by", "node-1"))
                    .insert_header(("set-cookie", "s=1"))
                    .body("ok")
            }),
        )
        .route("/trace", web::get().to(|| async { current_trace_id() }))
        .route("/health", web::get().to(|| async { current_trace_id() }))
        .route(
            "/orders/{id}",
            web::post().to(|id: web::Path<i64>| async move {
                ServerSpan::current().set_attribute(KeyValue::new("order.id", id.into_inner()));
                "ordered"
            }),
        );
}

fn port_of(base: &str) -> i64 {
    base.rsplit(':')
        .next()
        .and_then(|p| p.parse::<i64>().ok())
        .expect("port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn span_from_the_match_pattern_with_semconv_attributes() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    let client = reqwest::Client::new();
    let response = client
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
    client
        .get(format!("{base}/api/items/7"))
        .send()
        .await
        .expect("request");
    let missing = client
        .get(format!("{base}/nope/1"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), 404);

    let spans = t.wait_for_spans(3, WAIT).await;
    spans
        .span("GET /users/{id}")
        .has_kind(SpanKind::Server)
        .has_trace_id(TRACE)
        .has_parent_span_id(PARENT)
        .has_scope_name(INSTRUMENTATION_SCOPE)
        .has_status_unset()
        .has_attribute("http.request.method", "GET")
        .has_attribute("url.path", "/users/42")
        .has_attribute("url.query", "page=2&sig=REDACTED")
        .has_attribute("url.scheme", "http")
        .has_attribute("http.route", "/users/{id}")
        .has_attribute("network.protocol.version", "1.1")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", port_of(&base))
        .has_attribute("client.address", "127.0.0.1")
        .has_attribute("network.peer.address", "127.0.0.1")
        .has_attribute_key("network.peer.port")
        .has_attribute("user_agent.original", "otel-test/1.0")
        .has_attribute("http.response.status_code", 200)
        .lacks_attribute("error.type");
    spans
        .span("GET /api/items/{item}")
        .has_attribute("http.route", "/api/items/{item}")
        .is_root();
    // No route matched: the name is the method alone, and a 404 is the client's error.
    spans
        .span("GET")
        .lacks_attribute("http.route")
        .has_attribute("http.response.status_code", 404)
        .has_status_unset()
        .lacks_attribute("error.type");

    let report = Conformance::semconv().check_spans(&spans).report();
    report.assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_error_and_panic_rules() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    let client = reqwest::Client::new();
    for (path, status) in [("/boom", 500), ("/bad", 400), ("/fail", 503), ("/refuse", 403)] {
        let response = client.get(format!("{base}{path}")).send().await.expect("request");
        assert_eq!(response.status(), status, "{path}");
    }
    // actix drops the connection of a handler that panicked.
    assert!(client.get(format!("{base}/panic")).send().await.is_err());

    let spans = t.wait_for_spans(5, WAIT).await;
    // A 5xx response says it all: no description, as the conventions ask.
    spans
        .span("GET /boom")
        .has_error_description("")
        .has_attribute("error.type", "500")
        .has_attribute("http.response.status_code", 500);
    spans
        .span("GET /bad")
        .has_status_unset()
        .lacks_attribute("error.type")
        .has_attribute("http.response.status_code", 400);
    // A 5xx rendered from an error: the error's message describes it.
    let failed = spans
        .span("GET /fail")
        .has_error_description("ledger unreachable")
        .has_attribute("error.type", "503")
        .has_attribute("http.response.status_code", 503);
    spans
        .span("GET /refuse")
        .has_status_unset()
        .lacks_attribute("error.type")
        .has_attribute("http.response.status_code", 403);
    // A panic ends the span before actix could report the route: found from the path.
    let panicked = spans
        .span("GET /panic")
        .has_attribute("url.path", "/panic")
        .has_attribute("http.route", "/panic")
        .is_error()
        .has_error_description("handler exploded")
        .has_attribute("error.type", ERROR_TYPE_PANIC)
        .lacks_attribute("http.response.status_code");

    // One exception each for the 5xx rendered from an error and for the panic; a 5xx
    // response and a 4xx error are none.
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 2, "{}", logs.listing());
    for (span, message) in [
        (failed.record(), "ledger unreachable"),
        (panicked.record(), "handler exploded"),
    ] {
        logs.record_where(&format!("in {}", span.name), |r| {
            r.span_id.as_deref() == Some(span.span_id.as_str())
        })
        .has_severity(Severity::Error)
        .has_attribute("exception.message", message)
        .is_in_span(span);
    }

    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .report();
    report.assert_conforms();
}

/// A request dropped before its response (the client went away, a timeout layer gave
/// up) keeps the route actix would have reported, found from its path, scopes
/// included: on the span, its name and the duration point.
#[tokio::test]
async fn a_cancelled_request_keeps_its_route() {
    use actix_web::dev::Service as _;

    let t = TestTelemetry::new();
    let app = actix_web::test::init_service(
        actix_web::App::new()
            .wrap(ServerMiddleware::default().providers(t.providers()))
            .service(
                web::scope("/api").route("/slow/{id}", web::get().to(std::future::pending::<&'static str>)),
            ),
    )
    .await;
    let mut response = Box::pin(
        app.call(
            actix_web::test::TestRequest::get()
                .uri("/api/slow/7")
                .to_request(),
        ),
    );
    // The handler never answers: the request is in flight when it is dropped.
    let waited = tokio::time::timeout(Duration::from_millis(50), &mut response).await;
    assert!(waited.is_err(), "the handler answered");
    drop(response);

    let spans = t.wait_for_spans(1, WAIT).await;
    let cancelled = spans
        .span("GET /api/slow/{id}")
        .has_attribute("http.route", "/api/slow/{id}")
        .has_attribute("url.path", "/api/slow/7")
        .has_attribute("error.type", ERROR_TYPE_CANCELLED)
        .is_error()
        .lacks_attribute("http.response.status_code");
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[
            ("http.route", "/api/slow/{id}".into()),
            ("error.type", ERROR_TYPE_CANCELLED.into()),
        ])
        .has_count(1)
        .has_exemplar_in(&cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluded_requests_have_no_span_and_keep_the_callers_context() {
    let t = TestTelemetry::new();
    let middleware = ServerMiddleware::default()
        .providers(t.providers())
        .exclude_path("/trace")
        .exclude_when(|request| request.headers().contains_key("x-synthetic-probe"));
    let base = serve_actix(middleware, routes);
    let client = reqwest::Client::new();
    for (path, probe) in [("/health", false), ("/trace", false), ("/users/1", true)] {
        let mut request = client
            .get(format!("{base}{path}"))
            .header("traceparent", traceparent(TRACE, PARENT));
        if probe {
            request = request.header("x-synthetic-probe", "1");
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        if path != "/users/1" {
            assert_eq!(
                response.text().await.expect("body"),
                TRACE,
                "{path} runs in the caller's trace"
            );
        }
    }
    // A traced request after them: the only span.
    client
        .get(format!("{base}/users/2"))
        .send()
        .await
        .expect("request");
    let spans = t.wait_for_spans(1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(t.spans().len(), 1, "{:?}", t.spans().names());
    spans
        .span("GET /users/{id}")
        .has_attribute("url.path", "/users/2");
    t.metrics()
        .metric("http.server.request.duration")
        .has_point_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_capture_never_takes_credentials() {
    let t = TestTelemetry::new();
    let middleware = ServerMiddleware::default()
        .providers(t.providers())
        .capture_headers(
            HeaderCapture::default()
                .request(["x-request-id", "authorization", "cookie"])
                .response(["x-served-by", "set-cookie"]),
        );
    let base = serve_actix(middleware, routes);
    reqwest::Client::new()
        .get(format!("{base}/headers"))
        .header("x-request-id", "req-1")
        .header("authorization", "Bearer secret")
        .header("cookie", "s=1")
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
async fn client_address_from_a_trusted_proxy_only() {
    let forwarded = |t: &TestTelemetry, trust: bool| {
        serve_actix(
            ServerMiddleware::default()
                .providers(t.providers())
                .trust_forwarded_headers(trust),
            routes,
        )
    };
    for trust in [false, true] {
        let t = TestTelemetry::new();
        let base = forwarded(&t, trust);
        reqwest::Client::new()
            .get(format!("{base}/users/1"))
            .header("x-forwarded-for", "203.0.113.9, 10.0.0.2")
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-host", "shop.example")
            .send()
            .await
            .expect("request");
        let spans = t.wait_for_spans(1, WAIT).await;
        let span = spans
            .span("GET /users/{id}")
            .has_attribute("network.peer.address", "127.0.0.1");
        if trust {
            span.has_attribute("client.address", "203.0.113.9")
                .has_attribute("url.scheme", "https")
                .has_attribute("server.address", "shop.example");
        } else {
            span.has_attribute("client.address", "127.0.0.1")
                .has_attribute("url.scheme", "http")
                .has_attribute("server.address", "127.0.0.1");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_metric_with_the_spans_exemplar() {
    let t = TestTelemetry::new();
    let base = serve_actix(
        ServerMiddleware::default()
            .providers(t.providers())
            .active_requests(true)
            .body_sizes(true),
        routes,
    );
    let client = reqwest::Client::new();
    client
        .get(format!("{base}/users/1"))
        .send()
        .await
        .expect("request");
    client.get(format!("{base}/boom")).send().await.expect("request");
    let spans = t.wait_for_spans(2, WAIT).await;

    let metrics = t.metrics();
    let duration = metrics
        .metric("http.server.request.duration")
        .has_unit("s")
        .has_scope_name(INSTRUMENTATION_SCOPE)
        .is_histogram()
        .has_point_count(2);
    duration
        .histogram_point(&[
            ("http.request.method", "GET".into()),
            ("url.scheme", "http".into()),
            ("http.route", "/users/{id}".into()),
            ("http.response.status_code", 200.into()),
            ("network.protocol.version", "1.1".into()),
        ])
        .has_count(1)
        .has_bucket_boundaries(&HTTP_RPC_DURATION_BUCKETS)
        .has_exemplar_in(&spans.span("GET /users/{id}"));
    duration
        .histogram_point(&[
            ("http.route", "/boom".into()),
            ("http.response.status_code", 500.into()),
            ("error.type", "500".into()),
        ])
        .has_count(1)
        .has_exemplar_in(&spans.span("GET /boom"));
    metrics.metric("http.server.active_requests").is_up_down_counter();
    metrics
        .metric("http.server.response.body.size")
        .histogram_point(&[("http.route", "/users/{id}".into())])
        .has_sum(4.0);

    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_metrics(&metrics)
        .report();
    report.assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_see_actix_types() {
    let t = TestTelemetry::new();
    let middleware = ServerMiddleware::default()
        .providers(t.providers())
        // The request is seen before routing: its path, not yet its match info.
        .span_name(|request| (request.path() == "/users/7").then_some("lucky user".into()))
        .span_attributes_from_request(|request, span| {
            if let Some(tenant) = request.headers().get("x-tenant").and_then(|v| v.to_str().ok()) {
                span.push(KeyValue::new("tenant.id", tenant.to_owned()));
            }
        })
        .span_attributes_from_response(|head, span| {
            span.push(KeyValue::new("app.answered", i64::from(head.status.as_u16())));
        })
        .metric_attributes_from_request(|request, metric| {
            let plan = if request.headers().contains_key("x-pro") {
                "pro"
            } else {
                "free"
            };
            metric.push(KeyValue::new("app.plan", plan));
        });
    let base = serve_actix(middleware, routes);
    reqwest::Client::new()
        .get(format!("{base}/users/7"))
        .header("x-tenant", "acme")
        .header("x-pro", "1")
        .send()
        .await
        .expect("request");
    let spans = t.wait_for_spans(1, WAIT).await;
    spans
        .span("lucky user")
        .has_attribute("tenant.id", "acme")
        .has_attribute("app.answered", 200)
        .has_attribute("http.route", "/users/{id}");
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[("app.plan", "pro".into()), ("http.route", "/users/{id}".into())])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_span_current_from_a_handler_and_echoed_traceparent() {
    let t = TestTelemetry::new();
    let base = serve_actix(
        ServerMiddleware::default()
            .providers(t.providers())
            .echo_traceparent(true),
        routes,
    );
    let response = reqwest::Client::new()
        .post(format!("{base}/orders/42"))
        .send()
        .await
        .expect("request");
    let echoed = response
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("echoed traceparent");
    let spans = t.wait_for_spans(1, WAIT).await;
    let span = spans.span("POST /orders/{id}").has_attribute("order.id", 42);
    let record = span.record();
    assert_eq!(
        echoed,
        format!("00-{}-{}-01", record.trace_id, record.span_id),
        "the response names the server span"
    );
}

/// `OTEL_INSTRUMENTATION_ACTIX_WEB_ENABLED=false` (through `init()`) turns the middleware
/// off and the caller's trace still reaches the handler; `..._AXUM_ENABLED=false` does
/// not touch it. The middleware reads the globals here, so the test runs alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_actix_web_switch_turns_the_middleware_off_and_axums_does_not() {
    use crate::java_switches::init;
    use opentelemetry_sdk::trace::SpanData;

    if otel_kit_testing::ran_alone("actix::the_actix_web_switch_turns_the_middleware_off_and_axums_does_not")
    {
        return;
    }
    let client = reqwest::Client::new();
    let server_spans = |finished: Vec<SpanData>| {
        finished
            .into_iter()
            .filter(|s| s.span_kind == SpanKind::Server)
            .count()
    };

    let (telemetry, spans) = init(&[("OTEL_INSTRUMENTATION_AXUM_ENABLED", "false")]);
    let base = serve_actix(ServerMiddleware::default(), routes);
    client
        .get(format!("{base}/users/1"))
        .send()
        .await
        .expect("request");
    telemetry.force_flush().expect("flush");
    assert_eq!(
        server_spans(spans.get_finished_spans().expect("spans")),
        1,
        "axum's switch is not actix's"
    );
    telemetry.shutdown().expect("shutdown");

    let (telemetry, spans) = init(&[("OTEL_INSTRUMENTATION_ACTIX_WEB_ENABLED", "false")]);
    let base = serve_actix(ServerMiddleware::default(), routes);
    let body = client
        .get(format!("{base}/trace"))
        .header("traceparent", traceparent(TRACE, PARENT))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(body, TRACE, "the caller's trace reached the handler");
    telemetry.force_flush().expect("flush");
    assert_eq!(
        server_spans(spans.get_finished_spans().expect("spans")),
        0,
        "switched off"
    );
}
