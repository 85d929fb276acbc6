//! Providers passed in: 50 tests of instrumented handlers, run in parallel, each with
//! its own harness handed to the layer and the client middleware with
//! `.providers(..)`. No `install_global`, no lock: each test must see exactly its own
//! spans, measurements and exemplars (which name its own spans), and none of its
//! neighbours'.

use crate::support::server::serve;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use opentelemetry::trace::SpanKind;
use otel_kit_http::{ClientMiddleware, ServerLayer};
use otel_kit_testing::TestTelemetry;

/// One test: a client call to `/items/{id}` with the test's own id, a server span and
/// a client span in one trace, both measured, all in the test's own harness.
async fn isolated(id: u32) {
    let t = TestTelemetry::new();
    let app = Router::new()
        .route(
            "/items/{id}",
            get(|Path(id): Path<u32>| async move { format!("item {id}") }),
        )
        .layer(ServerLayer::new().providers(t.providers()));
    let base = serve(app).await;
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(ClientMiddleware::default().providers(t.providers()))
        .build();
    let body = client
        .get(format!("{base}/items/{id}"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(body, format!("item {id}"));

    let spans = t.spans();
    assert_eq!(spans.len(), 2, "only this test's spans: {:?}", spans.names());
    let client_span = spans.span("GET").has_kind(SpanKind::Client);
    let server = spans
        .span("GET /items/{id}")
        .has_kind(SpanKind::Server)
        .has_attribute("url.path", format!("/items/{id}"))
        .has_parent(&client_span);

    let metrics = t.metrics();
    metrics
        .metric("http.server.request.duration")
        .has_point_count(1)
        .histogram_point(&[("http.route", "/items/{id}".into())])
        .has_count(1)
        .has_exemplar_in(&server);
    metrics
        .metric("http.client.request.duration")
        .has_point_count(1)
        .histogram_point(&[("http.request.method", "GET".into())])
        .has_count(1)
        .has_exemplar_in(&client_span);
}

macro_rules! isolated_tests {
    ($($name:ident = $id:literal),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                isolated($id).await;
            }
        )*
    };
}

isolated_tests! {
    t01 = 1, t02 = 2, t03 = 3, t04 = 4, t05 = 5, t06 = 6, t07 = 7, t08 = 8, t09 = 9, t10 = 10,
    t11 = 11, t12 = 12, t13 = 13, t14 = 14, t15 = 15, t16 = 16, t17 = 17, t18 = 18, t19 = 19, t20 = 20,
    t21 = 21, t22 = 22, t23 = 23, t24 = 24, t25 = 25, t26 = 26, t27 = 27, t28 = 28, t29 = 29, t30 = 30,
    t31 = 31, t32 = 32, t33 = 33, t34 = 34, t35 = 35, t36 = 36, t37 = 37, t38 = 38, t39 = 39, t40 = 40,
    t41 = 41, t42 = 42, t43 = 43, t44 = 44, t45 = 45, t46 = 46, t47 = 47, t48 = 48, t49 = 49, t50 = 50,
}
