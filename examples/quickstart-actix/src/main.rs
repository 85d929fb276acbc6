//! The quickstart on actix-web: the same service as `examples/quickstart` (axum), with
//! traces, metrics and trace-correlated logs from one `otel_kit::init` call and the server
//! spans from `otel_kit::http::actix::ServerMiddleware`.
//!
//! `GET /hello/{name}` calls this same service's `GET /greeting/{name}` over HTTP, so one
//! trace holds two server spans and a client span between them. `GET /health` answers
//! 200 and is not traced. Ctrl-C or SIGTERM drains requests (actix's own signal
//! handling), then flushes telemetry. See README.md for how to run it.

use actix_web::{App, HttpResponse, HttpServer, web};
use otel_kit::opentelemetry::KeyValue;
use otel_kit::opentelemetry::metrics::Counter;

/// What the handlers share.
struct Shared {
    /// A reqwest client with the tracing middleware: one CLIENT span per call, its
    /// context sent in the `traceparent` header.
    client: reqwest_middleware::ClientWithMiddleware,
    /// This service's own address, for the call from `/hello` to `/greeting`.
    base_url: String,
    greetings: Counter<u64>,
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Traces, metrics and logs: providers, the W3C propagator and the `tracing`
    // subscriber are installed; `telemetry` flushes everything when shut down.
    let telemetry = telemetry_builder().init()?;

    let port: u16 = std::env::var("PORT").map_or(Ok(3000), |p| p.parse())?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    let shared = web::Data::new(Shared {
        // The call goes to ourselves on loopback: never through a proxy.
        client: reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
            .with(otel_kit::http::ClientMiddleware::default())
            .build(),
        base_url: format!("http://{addr}"),
        // A counter from the global meter provider otel_kit::init installed.
        greetings: otel_kit::opentelemetry::global::meter("quickstart-actix")
            .u64_counter("greetings")
            .with_description("Greetings composed")
            .build(),
    });
    // One middleware for every worker: its configuration is shared.
    let middleware = otel_kit::http::actix::ServerMiddleware::default();
    let server = HttpServer::new(move || {
        App::new()
            // One SERVER span per request, named from actix's match pattern, parented
            // from the caller's `traceparent`; /health is excluded by default.
            .wrap(middleware.clone())
            .app_data(shared.clone())
            // Resources rather than `App::route`: another method on a known path is
            // then 405 Method Not Allowed (as axum answers), not 404.
            .service(web::resource("/hello/{name}").route(web::get().to(hello)))
            .service(web::resource("/greeting/{name}").route(web::get().to(greeting)))
            .service(web::resource("/health").route(web::get().to(health)))
    })
    .listen(listener)?
    .run();

    tracing::info!("listening on http://{addr}");
    server.await?;
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
        .service_name("quickstart-actix") // OTEL_SERVICE_NAME still wins
        // Console output unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_*_EXPORTER says otherwise.
        .fallback_exporter(otel_kit::Exporter::Console)
}

/// `GET /hello/{name}`: asks `/greeting/{name}` for the text, inside a client span.
async fn hello(shared: web::Data<Shared>, name: web::Path<String>) -> HttpResponse {
    let bad_gateway = |error: &dyn std::fmt::Display| {
        tracing::warn!(%error, "the greeting call failed");
        HttpResponse::BadGateway().finish()
    };
    let response = match shared
        .client
        .get(format!("{}/greeting/{name}", shared.base_url))
        .send()
        .await
        .and_then(|r| r.error_for_status().map_err(Into::into))
    {
        Ok(response) => response,
        Err(error) => return bad_gateway(&error),
    };
    match response.text().await {
        Ok(text) => HttpResponse::Ok().body(text),
        Err(error) => bad_gateway(&error),
    }
}

/// `GET /greeting/{name}`: counts the greeting and composes it.
async fn greeting(shared: web::Data<Shared>, name: web::Path<String>) -> String {
    // Metric attributes must stay few: the route, never the name.
    shared
        .greetings
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

/// `GET /health`: 200, and no trace (`ServerMiddleware` excludes health paths by default).
async fn health() -> &'static str {
    "ok\n"
}
