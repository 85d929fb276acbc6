//! ClientMiddleware: error statuses and transport failures.

use std::time::Duration;

use opentelemetry::logs::Severity;
use opentelemetry::trace::SpanKind;
use otel_kit_testing::{Conformance, TestTelemetry};

use crate::support::client::{assert_cancelled, client, closed_port, start_server};
use crate::support::exception_events;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_404_and_500_are_errors() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    for code in [404_u16, 500] {
        // A response is a response: the caller still gets it, not an error.
        let response = client()
            .get(format!("http://{addr}/status/{code}"))
            .send()
            .await
            .expect("an error status is still a response");
        assert_eq!(response.status().as_u16(), code);
    }

    // A response is no exception, whatever its status (the conventions: no "artificial
    // exceptions" for an unsuccessful status code).
    assert_eq!(exception_events(&t.logs()), 0);
    let spans = t.spans();
    let [not_found, failed] = spans.named("GET").try_into().expect("two spans");
    not_found
        .is_error()
        .has_attribute("http.response.status_code", 404)
        .has_attribute("error.type", "404");
    failed
        .is_error()
        .has_attribute("http.response.status_code", 500)
        .has_attribute("error.type", "500");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_below_400_is_not_an_error() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    client()
        .get(format!("http://{addr}/status/204"))
        .send()
        .await
        .expect("send");

    t.spans()
        .span("GET")
        .has_status_unset()
        .has_attribute("http.response.status_code", 204)
        .lacks_attribute("error.type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_a_connect_error() {
    let t = TestTelemetry::new().install_global();
    let port = closed_port().await;

    let url = format!("http://user:pw@127.0.0.1:{port}/x?token=t0k");
    let request = reqwest::Request::new(reqwest::Method::GET, url.parse().expect("url"));
    let error = client().execute(request).await.expect_err("nothing listens");
    assert!(error.is_connect(), "{error}");

    let spans = t.spans();
    let span = spans.span("GET");
    span.has_kind(SpanKind::Client)
        .is_error()
        .has_attribute("error.type", "connect")
        .has_attribute("server.port", i64::from(port))
        .lacks_attribute("http.response.status_code");
    // The description explains the failure without repeating the URL's secrets.
    let description = match &span.record().status {
        opentelemetry::trace::Status::Error { description } => description.to_string(),
        other => panic!("status {other:?}"),
    };
    assert!(description.starts_with("connect: "), "{description}");
    assert!(
        !description.contains("pw") && !description.contains("t0k"),
        "{description}"
    );
    // The request raised: one exception event, in the span, at WARN, whose message is
    // the description (no URL secrets either) (docs/errors.md).
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1);
    logs.event("http.client.request.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "reqwest::error::Error")
        .has_attribute("exception.message", description.as_str())
        .is_in_span(&span);
    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .report();
    report.assert_conforms();
}

/// A middleware below ours that panics: the one way a client call raises.
struct Panics;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Panics {
    async fn handle(
        &self,
        _: reqwest::Request,
        _: &mut http::Extensions,
        _: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        panic!("middleware bug")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_below_the_middleware_is_one_exception_event_in_the_span() {
    let t = TestTelemetry::new();
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default().providers(t.providers()))
        .with(Panics)
        .build();
    let joined = tokio::spawn(async move { client.get("http://127.0.0.1:9/x").send().await }).await;
    assert!(
        joined.is_err_and(|e| e.is_panic()),
        "the panic unwinds on to the caller"
    );

    let spans = t.spans();
    let span = spans
        .span("GET")
        .is_error()
        .has_error_description("middleware bug")
        .has_attribute("error.type", "panic");
    t.logs()
        .assert_count(1)
        .event("http.client.request.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "panic")
        .has_attribute("exception.message", "middleware bug")
        .is_in_span(&span);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_is_a_timeout_error() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let error = client()
        .get(format!("http://{addr}/slow"))
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .expect_err("the server answers after 2s");
    assert!(error.is_timeout(), "{error}");

    let spans = t.spans();
    let span = spans
        .span("GET")
        .is_error()
        .has_attribute("error.type", "timeout")
        .has_duration_at_most(Duration::from_secs(1))
        .lacks_attribute("http.response.status_code");
    // reqwest's own timeout fired: the request raised, once.
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1);
    logs.event("http.client.request.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "reqwest::error::Error")
        .is_in_span(&span);
}

/// A middleware below ours that fails the request with its own error.
struct Refuses;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Refuses {
    async fn handle(
        &self,
        _: reqwest::Request,
        _: &mut http::Extensions,
        _: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        Err(reqwest_middleware::Error::middleware(std::io::Error::other(
            "circuit open",
        )))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_middleware_error_is_one_exception_event_without_its_text() {
    let t = TestTelemetry::new();
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default().providers(t.providers()))
        .with(Refuses)
        .build();
    client
        .get("http://127.0.0.1:9/x")
        .send()
        .await
        .expect_err("the middleware refuses");

    let spans = t.spans();
    let span = spans
        .span("GET")
        .is_error()
        .has_error_description("middleware error")
        .has_attribute("error.type", "middleware");
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1);
    logs.event("http.client.request.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "anyhow::Error")
        .has_attribute("exception.message", "middleware error")
        .is_in_span(&span);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_caller_cancels_is_not_an_error() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    // The caller gives up (a timeout around the call, not reqwest's own): the request's
    // future is dropped while the server is still working.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(100),
        client().get(format!("http://{addr}/slow")).send(),
    )
    .await;
    assert!(gave_up.is_err(), "the server answers after 2s");

    assert_cancelled(&t);
}
