//! The server layer over a service that returns errors, through a real HTTP round trip:
//! a returned error is one `http.server.request.exception` (ERROR) in the request's span;
//! an error response (5xx) is none (docs/errors.md).

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use opentelemetry::logs::Severity;
use otel_kit_http::ServerLayer;
use otel_kit_testing::{Conformance, TestTelemetry};
use tower::{ServiceBuilder, ServiceExt as _};

use crate::support::exception_events;
use crate::support::server::serve;

const WAIT: Duration = Duration::from_secs(5);

/// The error of the service below the layer.
#[derive(Debug)]
struct LedgerDown(String);

impl std::fmt::Display for LedgerDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LedgerDown {}

/// An app whose routes run below a layer that fails `/refused` with [`LedgerDown`]:
/// ours sees that error, and axum's `HandleErrorLayer` outside ours answers 502.
fn app(layer: ServerLayer) -> Router {
    let refusing = tower::layer::layer_fn(|inner: axum::routing::Route| {
        tower::service_fn(move |request: Request<Body>| {
            let inner = inner.clone();
            async move {
                if request.uri().path() == "/refused" {
                    return Err(LedgerDown("ledger unreachable: connection refused".into()));
                }
                inner
                    .oneshot(request)
                    .await
                    .map_err(|never: Infallible| match never {})
            }
        })
    });
    Router::new()
        .route("/refused", get(|| async { "never reached" }))
        .route("/boom", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|error: LedgerDown| async move {
                    (StatusCode::BAD_GATEWAY, error.to_string())
                }))
                .layer(layer)
                .layer(refusing),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_error_is_one_exception_event_and_a_5xx_response_none() {
    let t = TestTelemetry::new();
    let base = serve(app(ServerLayer::new().providers(t.providers()))).await;
    let client = reqwest::Client::new();

    let refused = client
        .get(format!("{base}/refused"))
        .send()
        .await
        .expect("a response");
    assert_eq!(refused.status(), 502, "axum's error handler answered");
    let spans = t.wait_for_spans(1, WAIT).await;
    let span = spans
        .span("GET /refused")
        .is_error()
        .has_error_description("ledger unreachable: connection refused")
        .has_attribute("error.type", concat!(module_path!(), "::LedgerDown"))
        .lacks_attribute("http.response.status_code");
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1, "{}", logs.listing());
    logs.event("http.server.request.exception")
        .has_severity(Severity::Error)
        .has_attribute("exception.type", concat!(module_path!(), "::LedgerDown"))
        .has_attribute("exception.message", "ledger unreachable: connection refused")
        .is_in_span(&span);

    let boom = client
        .get(format!("{base}/boom"))
        .send()
        .await
        .expect("a response");
    assert_eq!(boom.status(), 500);
    let spans = t.wait_for_spans(2, WAIT).await;
    spans
        .span("GET /boom")
        .is_error()
        .has_attribute("error.type", "500");
    let logs = t.logs();
    assert_eq!(
        exception_events(&logs),
        1,
        "a 5xx response is no exception: {}",
        logs.listing()
    );

    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .report();
    report.assert_conforms();
}
