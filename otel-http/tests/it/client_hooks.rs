//! The client middleware's hooks, with reqwest against a local server: attributes from
//! the request (seen by the sampler) and from the result, the span name, bounded
//! metric attributes, and the per-request filter. Each test has its own harness, handed
//! to the middleware with `.providers(..)`, so they run in parallel.

use std::borrow::Cow;

use crate::support::client::{client_with, closed_port, parse_traceparent, start_server};
use crate::support::sampler::DropTenant;
use opentelemetry::trace::{Span as _, TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue, context::FutureExt as _};
use otel_kit_http::{ClientMiddleware, MAX_METRIC_ATTRIBUTES};
use otel_kit_testing::{AttributeValue, TestTelemetry};

/// Which tenant a request is sent for: a request extension.
#[derive(Clone)]
struct Tenant(&'static str);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_attributes_are_there_when_the_sampler_decides() {
    let t = TestTelemetry::builder().sampler(DropTenant("noisy")).build();
    let addr = start_server().await;
    let client = client_with(
        ClientMiddleware::default()
            .providers(t.providers())
            .span_attributes_from_request(|(request, extensions), span| {
                if let Some(Tenant(tenant)) = extensions.get::<Tenant>() {
                    span.push(KeyValue::new("tenant.id", *tenant));
                }
                span.push(KeyValue::new(
                    "app.path.depth",
                    request.url().path().matches('/').count() as i64,
                ));
            }),
    );
    for tenant in ["noisy", "acme"] {
        client
            .get(format!("http://{addr}/orders/1"))
            .with_extension(Tenant(tenant))
            .send()
            .await
            .expect("send");
    }

    let spans = t.spans();
    spans.assert_count(1);
    spans
        .span("GET")
        .has_attribute("tenant.id", "acme")
        .has_attribute("app.path.depth", 2);
    t.metrics()
        .metric("http.client.request.duration")
        .histogram_point(&[])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_attributes_see_responses_and_transport_errors() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let client = client_with(
        ClientMiddleware::default()
            .providers(t.providers())
            .span_attributes_from_response(|result, span| match result {
                Ok(response) => {
                    if let Some(id) = response
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                    {
                        span.push(KeyValue::new("app.request_id", id.to_owned()));
                    }
                }
                Err(error) => span.push(KeyValue::new("app.connect_failed", error.is_connect())),
            }),
    );
    client
        .get(format!("http://{addr}/orders/1"))
        .send()
        .await
        .expect("send");
    let port = closed_port().await;
    client
        .get(format!("http://127.0.0.1:{port}/orders/1"))
        .send()
        .await
        .expect_err("nothing listens");

    let spans = t.spans();
    spans
        .span_where("the answered request", |s| {
            s.attributes.iter().any(|(k, _)| k == "http.response.status_code")
        })
        .has_attribute("app.request_id", "rid-1")
        .lacks_attribute("app.connect_failed");
    spans
        .span_where("the failed request", |s| {
            s.attributes
                .iter()
                .any(|(k, v)| k == "error.type" && *v == AttributeValue::from("connect"))
        })
        .has_attribute("app.connect_failed", true)
        .lacks_attribute("app.request_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_span_name_hook_names_the_span_and_none_keeps_the_default() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let client = client_with(ClientMiddleware::default().providers(t.providers()).span_name(
        |(request, _)| {
            request
                .url()
                .path()
                .starts_with("/payments/")
                .then_some(Cow::Borrowed("payments"))
        },
    ));
    client
        .post(format!("http://{addr}/payments/42"))
        .send()
        .await
        .expect("send");
    client
        .get(format!("http://{addr}/orders/1"))
        .send()
        .await
        .expect("send");

    let spans = t.spans();
    spans.assert_count(2);
    spans
        .span("payments")
        .has_attribute("http.request.method", "POST")
        .has_attribute("url.full", format!("http://{addr}/payments/42"));
    spans.span("GET");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_attributes_are_bounded_opt_in_and_capped() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let middleware = ClientMiddleware::default()
        .providers(t.providers())
        .metric_attributes_from_request(|(request, extensions), metric| {
            let tenant = extensions.get::<Tenant>().map_or("none", |Tenant(t)| *t);
            metric.push(KeyValue::new("app.tenant", tenant));
            // Refused: the metric's own key.
            metric.push(KeyValue::new("server.address", request.url().as_str().to_owned()));
            for i in 0..MAX_METRIC_ATTRIBUTES {
                metric.push(KeyValue::new(format!("app.extra.{i}"), "x"));
            }
        });
    let client = client_with(middleware.clone());
    for tenant in ["acme", "acme", "globex"] {
        client
            .get(format!("http://{addr}/orders/1"))
            .with_extension(Tenant(tenant))
            .send()
            .await
            .expect("send");
    }

    let metrics = t.metrics();
    let duration = metrics.metric("http.client.request.duration").has_point_count(2);
    let acme = duration
        .histogram_point(&[
            ("app.tenant", "acme".into()),
            ("server.address", "127.0.0.1".into()),
            ("app.extra.2", "x".into()),
        ])
        .has_count(2);
    assert!(!acme.record().attributes.iter().any(|(k, _)| k == "app.extra.3"));
    assert_eq!(middleware.dropped_metric_attributes(), 2 * 3);
    // The metric hook adds nothing to the spans.
    for span in t.spans().named("GET") {
        span.lacks_attribute("app.tenant");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclude_when_records_nothing_but_still_propagates_the_current_context() {
    let t = TestTelemetry::new();
    let addr = start_server().await;
    let client = client_with(
        ClientMiddleware::default()
            .providers(t.providers())
            .exclude_when(|(request, _)| request.url().path() == "/poll"),
    );
    let parent = t.tracer_provider().tracer("test").start("parent");
    let parent_id = parent.span_context().span_id().to_string();
    let trace_id = parent.span_context().trace_id().to_string();
    let cx = Context::current_with_span(parent);
    // The echo server answers with the `traceparent` it received.
    let received = client
        .get(format!("http://{addr}/poll"))
        .send()
        .with_context(cx.clone())
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    assert_eq!(
        parse_traceparent(&received),
        (trace_id, parent_id),
        "the server is a child of the current span"
    );
    cx.span().end();
    t.spans().assert_count(1).span("parent");
    t.metrics().assert_absent("http.client.request.duration");

    // Other paths are traced.
    client
        .get(format!("http://{addr}/orders"))
        .send()
        .await
        .expect("send");
    t.spans().span("GET");
}
