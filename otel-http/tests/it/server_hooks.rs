//! The server layer's hooks through a real axum app over loopback: attributes from the
//! request (seen by the sampler) and from the response, the span name, bounded metric
//! attributes, and the per-request filter. Each test has its own harness, handed to
//! the layer with `.providers(..)`, so they run in parallel.

use std::borrow::Cow;

use crate::support::sampler::DropTenant;
use crate::support::server::{PARENT, TRACE, current_trace_id, serve, traceparent};
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use opentelemetry::KeyValue;
use otel_kit_http::{MAX_METRIC_ATTRIBUTES, ServerLayer};
use otel_kit_testing::TestTelemetry;

fn app(layer: ServerLayer) -> Router {
    Router::new()
        .route("/orders/{id}", get(|| async { "order" }))
        .route(
            "/cached",
            get(|| async {
                let mut response = ([("x-cache", "hit")], "cached").into_response();
                // A value the handler leaves for the response hook.
                response.extensions_mut().insert(CacheTier("l1"));
                response
            }),
        )
        .route("/trace-id", get(|| async { current_trace_id() }))
        .route("/teapot", get(|| async { StatusCode::IM_A_TEAPOT }))
        .layer(layer)
}

#[derive(Clone)]
struct CacheTier(&'static str);

/// The `x-tenant` header as `tenant.id`.
fn tenant(parts: &http::request::Parts) -> Option<KeyValue> {
    let tenant = parts.headers.get("x-tenant")?.to_str().ok()?;
    Some(KeyValue::new("tenant.id", tenant.to_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_attributes_are_there_when_the_sampler_decides() {
    // The sampler drops the spans of tenant `noisy`: it can only do so if the hook's
    // attribute is on the span when it starts.
    let t = TestTelemetry::builder().sampler(DropTenant("noisy")).build();
    let layer = ServerLayer::new()
        .providers(t.providers())
        .span_attributes_from_request(|parts, span| span.extend(tenant(parts)));
    let base = serve(app(layer)).await;
    let client = reqwest::Client::new();
    for tenant in ["noisy", "acme"] {
        let response = client
            .get(format!("{base}/orders/1"))
            .header("x-tenant", tenant)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
    }

    let spans = t.spans();
    spans.assert_count(1);
    spans
        .span("GET /orders/{id}")
        .has_attribute("tenant.id", "acme")
        .has_attribute("http.route", "/orders/{id}");
    // Sampled out, still measured.
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[("http.route", "/orders/{id}".into())])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_attributes_come_from_the_response_head() {
    let t = TestTelemetry::new();
    let layer = ServerLayer::new()
        .providers(t.providers())
        .span_attributes_from_response(|parts, span| {
            span.push(KeyValue::new("app.cache", parts.headers.contains_key("x-cache")));
            if let Some(CacheTier(tier)) = parts.extensions.get::<CacheTier>() {
                span.push(KeyValue::new("app.cache.tier", *tier));
            }
            span.push(KeyValue::new(
                "app.status.class",
                i64::from(parts.status.as_u16() / 100),
            ));
        });
    let base = serve(app(layer)).await;
    let client = reqwest::Client::new();
    client
        .get(format!("{base}/cached"))
        .send()
        .await
        .expect("request");
    client
        .get(format!("{base}/teapot"))
        .send()
        .await
        .expect("request");

    let spans = t.spans();
    spans
        .span("GET /cached")
        .has_attribute("app.cache", true)
        .has_attribute("app.cache.tier", "l1")
        .has_attribute("app.status.class", 2)
        .has_attribute("http.response.status_code", 200);
    spans
        .span("GET /teapot")
        .has_attribute("app.cache", false)
        .lacks_attribute("app.cache.tier")
        .has_attribute("app.status.class", 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_span_name_hook_names_the_span_and_none_keeps_the_default() {
    let t = TestTelemetry::new();
    let layer = ServerLayer::new().providers(t.providers()).span_name(|parts| {
        let operation = parts.headers.get("x-operation")?.to_str().ok()?;
        (operation == "GetOrder").then_some(Cow::Borrowed("GetOrder"))
    });
    let base = serve(app(layer)).await;
    let client = reqwest::Client::new();
    client
        .get(format!("{base}/orders/7"))
        .header("x-operation", "GetOrder")
        .send()
        .await
        .expect("request");
    client
        .get(format!("{base}/orders/8"))
        .send()
        .await
        .expect("request");

    let spans = t.spans();
    spans.assert_count(2);
    // Renamed, with its attributes unchanged.
    spans
        .span("GetOrder")
        .has_attribute("http.route", "/orders/{id}")
        .has_attribute("url.path", "/orders/7");
    spans
        .span("GET /orders/{id}")
        .has_attribute("url.path", "/orders/8");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_attributes_are_bounded_opt_in_and_capped() {
    let t = TestTelemetry::new();
    let layer = ServerLayer::new()
        .providers(t.providers())
        .metric_attributes_from_request(|parts, metric| {
            let plan = match parts.headers.get("x-plan").map(|v| v.as_bytes()) {
                Some(b"pro") => "pro",
                _ => "free",
            };
            metric.push(KeyValue::new("app.plan", plan));
            // Refused: the metric's own key, with an unbounded value.
            metric.push(KeyValue::new("http.route", parts.uri.path().to_owned()));
            // One over the cap.
            for i in 0..MAX_METRIC_ATTRIBUTES {
                metric.push(KeyValue::new(format!("app.extra.{i}"), "x"));
            }
        });
    let base = serve(app(layer.clone())).await;
    let client = reqwest::Client::new();
    for plan in ["pro", "pro", "enterprise"] {
        client
            .get(format!("{base}/orders/1"))
            .header("x-plan", plan)
            .send()
            .await
            .expect("request");
    }

    let metrics = t.metrics();
    let duration = metrics.metric("http.server.request.duration").has_point_count(2);
    let pro = duration
        .histogram_point(&[
            ("app.plan", "pro".into()),
            ("http.route", "/orders/{id}".into()),
            ("app.extra.0", "x".into()),
            ("app.extra.2", "x".into()),
        ])
        .has_count(2);
    assert!(
        !pro.record().attributes.iter().any(|(k, _)| k == "app.extra.3"),
        "at most {MAX_METRIC_ATTRIBUTES} added"
    );
    metrics
        .metric("http.server.request.duration")
        .histogram_point(&[("app.plan", "free".into())])
        .has_count(1);
    // Per request: the reserved key and the one over the cap.
    assert_eq!(layer.dropped_metric_attributes(), 2 * 3);
    // The metric hook adds nothing to the span.
    for span in t.spans().named("GET /orders/{id}") {
        span.lacks_attribute("app.plan");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclude_when_decides_per_request_and_keeps_the_callers_context() {
    let t = TestTelemetry::new();
    let layer = ServerLayer::new()
        .providers(t.providers())
        .exclude_when(|parts| parts.headers.contains_key("x-synthetic-probe"));
    let base = serve(app(layer)).await;
    let client = reqwest::Client::new();
    let seen = client
        .get(format!("{base}/trace-id"))
        .header("x-synthetic-probe", "1")
        .header("traceparent", traceparent(TRACE, PARENT))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(seen, TRACE, "the excluded handler runs in the caller's context");
    assert!(t.spans().is_empty(), "no span for an excluded request");
    t.metrics().assert_absent("http.server.request.duration");

    // The same route without the header is traced.
    client
        .get(format!("{base}/trace-id"))
        .send()
        .await
        .expect("request");
    t.spans().assert_count(1).span("GET /trace-id");
}
