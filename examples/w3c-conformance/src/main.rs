//! The test service for the W3C trace-context test suite
//! (<https://github.com/w3c/trace-context/tree/main/test>).
//!
//! `POST /test` takes a JSON array of `{"url": ..., "arguments": [...]}`; for each entry
//! it POSTs `arguments` as JSON to `url`. The server span continues the trace from the
//! request's `traceparent` / `tracestate`, and each onward call carries the client span's
//! context: what the suite checks is the headers of those onward calls.
//! See README.md for how to run the suite.
//!
//! By default the service is axum with `ServerLayer`; with `--actix` it is actix-web
//! with `actix::ServerMiddleware`, the same route and the same onward calls.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use otel_kit::propagators::{PropagatorName, Propagators};
use serde::Deserialize;

/// One instruction from the harness.
#[derive(Deserialize)]
struct Call {
    url: String,
    arguments: serde_json::Value,
}

type Client = reqwest_middleware::ClientWithMiddleware;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT").map_or(Ok(5000), |p| p.parse())?;
    if std::env::args().skip(1).any(|arg| arg == "--actix") {
        // actix runs its own (tokio-based) system; reqwest runs on it.
        return actix_web::rt::System::new().block_on(serve_actix(port));
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve_axum(port))
}

/// Tracer provider and the global propagator, and the client of the onward calls.
fn set_up() -> Result<(otel_kit::Telemetry, Client), Box<dyn std::error::Error>> {
    // Tracer provider and the global propagator; nothing is exported, and W3C trace
    // context is the only propagator, since the suite tests only that.
    let telemetry = otel_kit::builder()
        .service_name("w3c-conformance")
        .exporter(otel_kit::Exporter::None)
        .propagators(Propagators::new([PropagatorName::TraceContext]))
        .init()?;

    // The onward calls: one CLIENT span each, its context injected by the middleware.
    // The harness is on loopback, so never go through a proxy.
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
        .with(otel_kit::http::ClientMiddleware::default())
        .build();
    Ok((telemetry, client))
}

async fn serve_axum(port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let (telemetry, client) = set_up()?;
    let router = Router::new()
        .route("/test", post(test))
        // One SERVER span per request, parented from the harness's headers.
        .layer(otel_kit::http::ServerLayer::new())
        .with_state(client);

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!("listening on http://{}/test", listener.local_addr()?);
    axum::serve(listener, router).await?;
    telemetry.shutdown()?;
    Ok(())
}

async fn serve_actix(port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let (telemetry, client) = set_up()?;
    tracing::info!("listening on http://127.0.0.1:{port}/test (actix-web)");
    actix_web::HttpServer::new(move || {
        actix_web::App::new()
            // One SERVER span per request, parented from the harness's headers.
            .wrap(otel_kit::http::actix::ServerMiddleware::default())
            .app_data(actix_web::web::Data::new(client.clone()))
            .route("/test", actix_web::web::post().to(test_actix))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    telemetry.shutdown()?;
    Ok(())
}

/// `POST /test` on actix-web.
async fn test_actix(
    client: actix_web::web::Data<Client>,
    body: actix_web::web::Bytes,
) -> actix_web::HttpResponse {
    let Ok(calls) = serde_json::from_slice::<Vec<Call>>(&body) else {
        return actix_web::HttpResponse::BadRequest().finish();
    };
    let status = call_each(&client, calls).await;
    actix_web::HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status.as_u16()).unwrap_or(actix_web::http::StatusCode::OK),
    )
    .finish()
}

/// `POST /test` on axum.
async fn test(State(client): State<Client>, Json(calls): Json<Vec<Call>>) -> StatusCode {
    call_each(&client, calls).await
}

/// Makes each call in order, inside this request's server span.
async fn call_each(client: &Client, calls: Vec<Call>) -> StatusCode {
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
