//! The quickstart: an axum service with traces, metrics and trace-correlated logs from
//! one `otel_kit::init` call.
//!
//! `GET /hello/{name}` calls this same service's `GET /greeting/{name}` over HTTP, so one
//! trace holds two server spans and a client span between them. `GET /health` answers
//! 200 and is not traced. Ctrl-C or SIGTERM drains requests, then flushes telemetry.
//! See README.md for how to run it and what to look at.

use std::future::Future;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use otel_kit::opentelemetry::KeyValue;
use otel_kit::opentelemetry::metrics::Counter;

/// What the handlers share.
#[derive(Clone)]
struct App {
    /// A reqwest client with the tracing middleware: one CLIENT span per call, its
    /// context sent in the `traceparent` header.
    client: reqwest_middleware::ClientWithMiddleware,
    /// This service's own address, for the call from `/hello` to `/greeting`.
    base_url: String,
    greetings: Counter<u64>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Traces, metrics and logs: providers, the W3C propagator and the `tracing`
    // subscriber are installed; `telemetry` flushes everything when shut down.
    let telemetry = telemetry_builder().init()?;

    let port: u16 = std::env::var("PORT").map_or(Ok(3000), |p| p.parse())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let app = App {
        // The call goes to ourselves on loopback: never through a proxy.
        client: reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
            .with(otel_kit::http::ClientMiddleware::default())
            .build(),
        base_url: format!("http://{addr}"),
        // A counter from the global meter provider otel_kit::init installed.
        greetings: otel_kit::opentelemetry::global::meter("quickstart")
            .u64_counter("greetings")
            .with_description("Greetings composed")
            .build(),
    };
    let router = Router::new()
        .route("/hello/{name}", get(hello))
        .route("/greeting/{name}", get(greeting))
        .route("/health", get(health))
        // One SERVER span per request, named from the route, parented from the caller's
        // `traceparent`; /health is excluded by default.
        .layer(otel_kit::http::ServerLayer::new())
        .with_state(app);

    tracing::info!("listening on http://{addr}");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal()?)
        .await?;
    // Every request has finished: export what is still queued, then stop. Telemetry
    // that cannot be delivered (collector down) does not make the stop a failure.
    if let Err(error) = telemetry.shutdown() {
        tracing::warn!(%error, "telemetry was not fully flushed");
    }
    Ok(())
}

/// otel-kit-init follows the spec (OTLP to localhost) unless told otherwise. When nothing
/// says where telemetry goes, the quickstart prints it on the console instead, so a
/// first run shows something.
fn telemetry_builder() -> otel_kit::Builder {
    // `builder!()`: `service.version` is this crate's Cargo version unless
    // OTEL_RESOURCE_ATTRIBUTES=service.version=... says otherwise.
    otel_kit::builder!()
        .service_name("quickstart") // OTEL_SERVICE_NAME still wins
        // Console output unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_*_EXPORTER says otherwise.
        .fallback_exporter(otel_kit::Exporter::Console)
}

/// `GET /hello/{name}`: asks `/greeting/{name}` for the text, inside a client span.
async fn hello(State(app): State<App>, Path(name): Path<String>) -> Result<String, StatusCode> {
    let bad_gateway = |error: &dyn std::fmt::Display| {
        tracing::warn!(%error, "the greeting call failed");
        StatusCode::BAD_GATEWAY
    };
    let response = app
        .client
        .get(format!("{}/greeting/{name}", app.base_url))
        .send()
        .await
        .map_err(|e| bad_gateway(&e))?
        .error_for_status()
        .map_err(|e| bad_gateway(&e))?;
    response.text().await.map_err(|e| bad_gateway(&e))
}

/// `GET /greeting/{name}`: counts the greeting and composes it.
async fn greeting(State(app): State<App>, Path(name): Path<String>) -> String {
    // Metric attributes must stay few: the route, never the name.
    app.greetings
        .add(1, &[KeyValue::new("route", "/greeting/{name}")]);
    compose_greeting(&name)
}

/// A span of its own, child of the request's span, with `name` as an attribute.
#[tracing::instrument]
fn compose_greeting(name: &str) -> String {
    // A log record carrying this span's trace and span ids.
    tracing::info!("composing a greeting for {name}");
    format!("Hello, {name}!\n")
}

/// `GET /health`: 200, and no trace (`ServerLayer` excludes health paths by default).
async fn health() -> &'static str {
    "ok\n"
}

/// Resolves on Ctrl-C or SIGTERM. The SIGTERM handler is installed before this returns,
/// so a signal sent as soon as the service listens is not lost.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
    })
}
