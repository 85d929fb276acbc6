//! The actix-web variants' server: the same route (`GET /users/{id}`, answering
//! `user {id}`) on actix-web 4's own `HttpServer`, with the same telemetry set-up and the
//! same protocol with the driver as [`server`](crate::server): `actix-plain` with no
//! middleware, `actix-ours` wrapped in `otel_kit_http::actix::ServerMiddleware`,
//! `actix-contrib` in opentelemetry-instrumentation-actix-web 0.25's `RequestTracing`
//! and `RequestMetrics` (its README's set-up; both read the globals otel-kit-init
//! installs).

use std::error::Error;
use std::net::SocketAddr;

use actix_web::{App, HttpServer, web};
use opentelemetry_instrumentation_actix_web::{RequestMetrics, RequestTracing};

use crate::Variant;
use crate::server::{LISTENING_MARKER, ROUTE, announce, finish, start_telemetry, stop_requested};

/// `GET /users/{id}`: a short string.
async fn user(id: web::Path<u32>) -> String {
    format!("user {id}")
}

/// Serves an actix variant on `addr` with `workers` actix workers (default: one per
/// core) until stdin closes, SIGTERM or Ctrl-C.
pub fn run(variant: Variant, addr: SocketAddr, workers: Option<usize>) -> Result<(), Box<dyn Error>> {
    actix_web::rt::System::new().block_on(serve(variant, addr, workers))
}

async fn serve(variant: Variant, addr: SocketAddr, workers: Option<usize>) -> Result<(), Box<dyn Error>> {
    let telemetry = start_telemetry(variant)?;
    let listener = std::net::TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    // Each arm builds its own app type; `Server` is one type.
    macro_rules! server {
        ($($wrap:expr),*) => {{
            let server = HttpServer::new(move || App::new()$(.wrap($wrap))*.route(ROUTE, web::get().to(user)))
                // The same setting as the axum variants'.
                .tcp_nodelay(true)
                .disable_signals();
            let server = match workers {
                Some(workers) => server.workers(workers),
                None => server,
            };
            server.listen(listener)?.run()
        }};
    }
    let server = match variant {
        Variant::ActixOurs => {
            let middleware = otel_kit_http::actix::ServerMiddleware::default();
            server!(middleware.clone())
        }
        Variant::ActixContrib => server!(RequestTracing::new(), RequestMetrics::default()),
        _ => server!(),
    };
    announce(&format!("{LISTENING_MARKER} {local}"))?;
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        stop_requested().await;
        handle.stop(true).await;
    });
    server.await?;
    finish(telemetry)
}
