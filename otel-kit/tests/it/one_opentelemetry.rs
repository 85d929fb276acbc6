//! A span made by hand through `otel_kit::opentelemetry` inside a request traced by
//! `otel_kit::http` is the request span's child, and both reach the harness of
//! `otel_kit::testing`. With a second copy of `opentelemetry` behind any of the three,
//! the hand-made span would go to a provider nobody installed, or start a trace of its
//! own, and the tree below would not match.

use axum::Router;
use axum::routing::get;
use otel_kit::opentelemetry::global;
use otel_kit::opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit::testing::TestTelemetry;
use tower::ServiceExt as _;

async fn checkout() -> &'static str {
    let tracer = global::tracer_provider().tracer("shop");
    tracer.in_span("reserve stock", |_| "reserved\n")
}

#[tokio::test]
async fn a_span_made_with_the_reexported_api_is_a_child_of_the_request_span() {
    let t = TestTelemetry::new().install_global();
    let router = Router::new()
        .route("/checkout", get(checkout))
        .layer(otel_kit::http::ServerLayer::new());
    let request = axum::http::Request::get("/checkout")
        .body(axum::body::Body::empty())
        .expect("a request");
    let response = router.oneshot(request).await.expect("a response");
    assert_eq!(response.status(), 200);

    let spans = t.spans();
    spans.assert_tree("GET /checkout\n  reserve stock");
    spans
        .span("reserve stock")
        .has_parent(&spans.span("GET /checkout"));
}
