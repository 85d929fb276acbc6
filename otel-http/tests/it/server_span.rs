//! Reaching the request's SERVER span from handler code with
//! `otel_kit_http::ServerSpan`: from inside `#[tracing::instrument]`ed functions, from
//! code that uses the OpenTelemetry API, and from a task spawned with the current span.
//! Real axum apps over loopback, the harness installed globally (its `tracing` layer
//! turns `#[instrument]` spans into OpenTelemetry spans).

use crate::support::server::serve;
use axum::Router;
use axum::extract::Path;
use axum::routing::post;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue, global};
use otel_kit_http::{ServerLayer, ServerSpan};
use otel_kit_testing::TestTelemetry;
use std::time::Duration;
use tracing::Instrument as _;

const WAIT: Duration = Duration::from_secs(5);

#[tracing::instrument]
async fn place_order(id: i64) -> String {
    // Across an await point: the task may resume on another worker thread.
    tokio::task::yield_now().await;
    ServerSpan::current().set_attribute(KeyValue::new("order.id", id));
    // What `ServerSpan` is for: here the current span is `place_order`'s own.
    Context::current()
        .span()
        .set_attribute(KeyValue::new("app.current_span", "place_order"));
    // A task spawned with the current span reaches it too.
    tokio::spawn(
        async { ServerSpan::current().set_attribute(KeyValue::new("order.items", 3)) }.in_current_span(),
    )
    .await
    .expect("task");
    format!("order {id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_id_recorded_in_an_instrumented_handler_is_on_the_server_span() {
    let t = TestTelemetry::new().install_global();
    let app = Router::new()
        .route("/orders/{id}", post(|Path(id): Path<i64>| place_order(id)))
        .layer(ServerLayer::new());
    let base = serve(app).await;
    let body = reqwest::Client::new()
        .post(format!("{base}/orders/42"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(body, "order 42");

    let spans = t.wait_for_spans(2, WAIT).await;
    spans.assert_tree("POST /orders/{id}\n  place_order");
    let server = spans
        .span("POST /orders/{id}")
        .has_attribute("order.id", 42)
        .has_attribute("order.items", 3)
        .lacks_attribute("app.current_span");
    spans
        .span("place_order")
        .has_parent(&server)
        .has_attribute("app.current_span", "place_order")
        .lacks_attribute("order.id");
}

/// A handler without `tracing`: it makes a child span with the OpenTelemetry API and
/// records on the server span from inside it.
async fn reserve(Path(id): Path<i64>) -> &'static str {
    let tracer = global::tracer("app");
    let child = Context::current().with_span(tracer.start("reserve_stock"));
    async {
        tokio::task::yield_now().await;
        ServerSpan::current().set_attribute(KeyValue::new("order.id", id));
        ServerSpan::from_context(&Context::current()).add_event("stock reserved", vec![]);
        Context::current().span().end();
    }
    .with_context(child)
    .await;
    "reserved"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_id_recorded_with_the_opentelemetry_api_is_on_the_server_span() {
    let t = TestTelemetry::new().install_global();
    let app = Router::new()
        .route("/orders/{id}/reserve", post(reserve))
        .layer(ServerLayer::new());
    let base = serve(app).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/orders/7/reserve"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);

    let spans = t.wait_for_spans(2, WAIT).await;
    let server = spans
        .span("POST /orders/{id}/reserve")
        .has_attribute("order.id", 7);
    assert_eq!(server.record().events.len(), 1, "the event is on the server span");
    spans
        .span("reserve_stock")
        .has_parent(&server)
        .lacks_attribute("order.id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_a_recorded_request_the_server_span_records_nothing() {
    let t = TestTelemetry::builder()
        .sampler(opentelemetry_sdk::trace::Sampler::AlwaysOff)
        .build()
        .install_global();
    assert!(!ServerSpan::current().is_recording(), "no request");
    let app = Router::new()
        .route(
            "/orders/{id}",
            post(|| async {
                let span = ServerSpan::current();
                span.set_attribute(KeyValue::new("order.id", 1));
                format!("{}", span.is_recording())
            }),
        )
        .layer(ServerLayer::new());
    let base = serve(app).await;
    let recording = reqwest::Client::new()
        .post(format!("{base}/orders/1"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(recording, "false", "a sampled-out request stores no server span");
    assert!(t.spans().is_empty());
}
