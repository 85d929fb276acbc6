//! `http.server.*` metrics through a real axum app: name, unit, buckets, typed
//! attributes, and the opt-in instruments.

use std::time::Duration;

use crate::support::server::serve;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use otel_kit_http::ServerLayer;
use otel_kit_http::conventions::HTTP_RPC_DURATION_BUCKETS;
use otel_kit_http::server::INSTRUMENTATION_SCOPE;
use otel_kit_testing::TestTelemetry;

fn app(layer: ServerLayer) -> Router {
    Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/boom", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route(
            "/upload",
            post(|body: String| async move { format!("got {}", body.len()) }),
        )
        .layer(layer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_histogram_follows_semconv() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new())).await;
    let client = reqwest::Client::new();
    for path in ["/users/1", "/users/2", "/boom"] {
        client.get(format!("{base}{path}")).send().await.expect("request");
    }
    t.wait_for_spans(3, Duration::from_secs(5)).await;

    let metrics = t.metrics();
    let duration = metrics
        .metric("http.server.request.duration")
        .has_unit("s")
        .has_scope_name(INSTRUMENTATION_SCOPE)
        .is_histogram()
        .has_point_count(2);
    let ok = duration
        .histogram_point(&[
            ("http.request.method", "GET".into()),
            ("url.scheme", "http".into()),
            ("http.route", "/users/{id}".into()),
            ("http.response.status_code", 200.into()),
            ("network.protocol.version", "1.1".into()),
        ])
        .has_count(2)
        .has_bucket_boundaries(&HTTP_RPC_DURATION_BUCKETS)
        .has_sum_in(0.0..=1.0);
    assert!(
        !ok.record()
            .attributes
            .iter()
            .any(|(k, _)| k == "error.type" || k == "url.path"),
        "no error.type on success, no high-cardinality path"
    );
    metrics
        .metric("http.server.request.duration")
        .histogram_point(&[
            ("http.route", "/boom".into()),
            ("http.response.status_code", 500.into()),
            ("error.type", "500".into()),
        ])
        .has_count(1);
    // Opt-in instruments stay off by default.
    metrics.assert_absent("http.server.active_requests");
    metrics.assert_absent("http.server.request.body.size");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opt_in_active_requests_and_body_sizes() {
    let t = TestTelemetry::new().install_global();
    let base = serve(app(ServerLayer::new().active_requests(true).body_sizes(true))).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/upload"))
        .body("0123456789")
        .send()
        .await
        .expect("request");
    assert_eq!(response.text().await.expect("body"), "got 10");
    t.wait_for_spans(1, Duration::from_secs(5)).await;

    let metrics = t.metrics();
    metrics
        .metric("http.server.active_requests")
        .has_unit("{request}")
        .is_up_down_counter()
        .point(&[
            ("http.request.method", "POST".into()),
            ("url.scheme", "http".into()),
        ])
        .has_value(0);
    let route = [("http.route", "/upload".into())];
    metrics
        .metric("http.server.request.body.size")
        .has_unit("By")
        .histogram_point(&route)
        .has_count(1)
        .has_sum(10.0);
    metrics
        .metric("http.server.response.body.size")
        .has_unit("By")
        .histogram_point(&route)
        .has_count(1)
        .has_sum(6.0);
}

/// The layer is built before the provider is installed, as an app that builds its
/// router first would: it still reports to the provider installed later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn globals_are_resolved_per_request() {
    let layer = ServerLayer::new();
    let router = app(layer);
    let t = TestTelemetry::new().install_global();
    let base = serve(router).await;
    reqwest::Client::new()
        .get(format!("{base}/users/1"))
        .send()
        .await
        .expect("request");
    t.wait_for_spans(1, Duration::from_secs(5))
        .await
        .span("GET /users/{id}");
    t.metrics()
        .metric("http.server.request.duration")
        .histogram_point(&[])
        .has_count(1);
}
