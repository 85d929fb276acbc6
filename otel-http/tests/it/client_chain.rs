//! ClientMiddleware in a middleware chain: stacked instances, retries, and other
//! requests made while a request is in flight.

use http::Extensions;
use opentelemetry::trace::SpanKind;
use otel_kit_http::ClientMiddleware;
use otel_kit_testing::TestTelemetry;
use reqwest::{Request, Response};
use reqwest_middleware::{ClientBuilder, Middleware, Next};

use crate::support::client::{client, parse_traceparent, start_server};

/// Sends every request twice, like a retry middleware whose first attempt failed:
/// calls the rest of the chain again with the same extensions.
struct SendTwice;

#[async_trait::async_trait]
impl Middleware for SendTwice {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let copy = req.try_clone().expect("a body-less request clones");
        drop(next.clone().run(copy, extensions).await?);
        next.run(req, extensions).await
    }
}

/// Fetches a "token" from `token_url` with its own instrumented client before passing
/// the request on: a different request, made while the first is in flight.
struct FetchesToken {
    token_url: String,
}

#[async_trait::async_trait]
impl Middleware for FetchesToken {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        client().get(&self.token_url).send().await?;
        next.run(req, extensions).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stacked_middlewares_record_one_span() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let client = ClientBuilder::new(reqwest::Client::new())
        .with(ClientMiddleware::default())
        .with(ClientMiddleware::default())
        .build();
    let body = client
        .get(format!("http://{addr}/"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");

    let spans = t.spans();
    spans.assert_count(1);
    let span = spans.span("GET");
    span.has_kind(SpanKind::Client)
        .lacks_attribute("http.request.resend_count");
    // The one span is the one the server was told about.
    assert_eq!(parse_traceparent(&body).1, span.record().span_id);
}

/// Under a no-op tracer a call's span is its parent's: the mark that tells the inner
/// middleware it is nested cannot be the span id, and the duration is still recorded
/// once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stacked_middlewares_under_a_no_op_tracer_record_one_duration() {
    let t = TestTelemetry::new();
    let providers = t
        .providers()
        .tracer_provider(opentelemetry::trace::noop::NoopTracerProvider::new());
    let addr = start_server().await;

    let client = ClientBuilder::new(reqwest::Client::new())
        .with(ClientMiddleware::default().providers(providers.clone()))
        .with(ClientMiddleware::default().providers(providers))
        .build();
    for _ in 0..2 {
        client.get(format!("http://{addr}/")).send().await.expect("send");
    }

    t.spans().assert_count(0);
    t.metrics()
        .metric("http.client.request.duration")
        .histogram_point(&[])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_retry_attempt_gets_a_span_with_resend_count() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let client = ClientBuilder::new(reqwest::Client::new())
        .with(SendTwice)
        .with(ClientMiddleware::default())
        .build();
    client.get(format!("http://{addr}/")).send().await.expect("send");

    let spans = t.spans();
    let [first, second] = spans.named("GET").try_into().expect("one span per attempt");
    first.lacks_attribute("http.request.resend_count").is_root();
    second.has_attribute("http.request.resend_count", 1).is_root();
    assert_ne!(first.record().trace_id, second.record().trace_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_inside_the_middleware_share_its_span() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    // Outer middleware, retry, inner middleware: the inner one is nested in the
    // outer one's request on both attempts, so there is only the outer span.
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(ClientMiddleware::default())
        .with(SendTwice)
        .with(ClientMiddleware::default())
        .build();
    client.get(format!("http://{addr}/")).send().await.expect("send");

    t.spans()
        .assert_count(1)
        .span("GET")
        .lacks_attribute("http.request.resend_count");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_request_in_flight_gets_its_own_child_span() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;

    let client = ClientBuilder::new(reqwest::Client::new())
        .with(ClientMiddleware::default())
        .with(FetchesToken {
            token_url: format!("http://{addr}/token"),
        })
        .build();
    client
        .post(format!("http://{addr}/orders"))
        .with_extension(otel_kit_http::UrlTemplate::new("/orders"))
        .send()
        .await
        .expect("send");

    let spans = t.spans();
    spans.assert_single_trace().assert_tree("POST /orders\n  GET");
    spans.span("GET").has_parent(&spans.span("POST /orders"));
}
