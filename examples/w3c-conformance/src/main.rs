//! The test service for the W3C trace-context test suite
//! (<https://github.com/w3c/trace-context/tree/main/test>).
//!
//! `POST /test` takes a JSON array of `{"url": ..., "arguments": [...]}`; for each entry
//! it POSTs `arguments` as JSON to `url`. The server span continues the trace from the
//! request's `traceparent` / `tracestate`, and each onward call carries the client span's
//! context: what the suite checks is the headers of those onward calls.
//! See README.md for how to run the suite.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use otel_kit_init::propagation::{PropagatorName, Propagators};
use serde::Deserialize;

/// One instruction from the harness.
#[derive(Deserialize)]
struct Call {
    url: String,
    arguments: serde_json::Value,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Tracer provider and the global propagator; nothing is exported, and W3C trace
    // context is the only propagator, since the suite tests only that.
    let telemetry = otel_kit_init::builder()
        .service_name("w3c-conformance")
        .exporter(otel_kit_init::Exporter::None)
        .propagators(Propagators::new([PropagatorName::TraceContext]))
        .init()?;

    // The onward calls: one CLIENT span each, its context injected by the middleware.
    // The harness is on loopback, so never go through a proxy.
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
        .with(otel_kit_http::ClientMiddleware::new())
        .build();
    let router = Router::new()
        .route("/test", post(test))
        // One SERVER span per request, parented from the harness's headers.
        .layer(otel_kit_http::ServerLayer::new())
        .with_state(client);

    let port: u16 = std::env::var("PORT").map_or(Ok(5000), |p| p.parse())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!("listening on http://{}/test", listener.local_addr()?);
    axum::serve(listener, router).await?;
    telemetry.shutdown()?;
    Ok(())
}

/// `POST /test`: makes each call in order, inside this request's server span.
async fn test(
    State(client): State<reqwest_middleware::ClientWithMiddleware>,
    Json(calls): Json<Vec<Call>>,
) -> StatusCode {
    for call in calls {
        let result = client
            .post(&call.url)
            .header("content-type", "application/json")
            .body(call.arguments.to_string())
            .send()
            .await;
        if let Err(error) = result {
            tracing::warn!(%error, url = call.url, "the onward call failed");
            return StatusCode::BAD_GATEWAY;
        }
    }
    StatusCode::OK
}
