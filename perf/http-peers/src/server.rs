//! The server under load: one hello-world route, wrapped as a [`Variant`] says.
//!
//! Protocol with the driver: once listening, the server prints
//! `<LISTENING_MARKER> <address>` on stdout. It stops when its stdin closes (or on
//! Ctrl-C): it stops accepting, lets open connections finish, flushes and shuts
//! telemetry down, and prints `<STATS_MARKER> ended=.. exported=.. dropped=.. failed=..`
//! (the OTLP span queue's counters; all 0 for `plain`).

use std::error::Error;
use std::io::Write as _;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use axum::serve::ListenerExt as _;
use axum_tracing_opentelemetry::middleware::{OtelAxumLayer, OtelInResponseLayer};
use tower_http::trace::{DefaultMakeSpan, TraceLayer};

use crate::Variant;
use crate::peer_setup::Telemetry;

/// The line prefix the server prints on stdout once it accepts connections, followed by
/// a space and the bound address.
pub const LISTENING_MARKER: &str = "HTTP_PEERS_LISTENING";

/// The line prefix of the span-queue counters printed on stdout after shutdown.
pub const STATS_MARKER: &str = "HTTP_PEERS_STATS";

/// The one route, as axum declares it.
pub const ROUTE: &str = "/users/{id}";

/// The hello-world router for `variant`.
pub fn router(variant: Variant) -> Router {
    let routes = Router::new().route(ROUTE, get(user));
    match variant {
        Variant::OursFull
        | Variant::OursFullRuntime
        | Variant::OursSampledOut
        | Variant::OursFullHeapKept => routes.layer(otel_kit_http::ServerLayer::new()),
        // The README's order: `OtelInResponseLayer` added first (inner), `OtelAxumLayer`
        // last (outer), so the response injector runs inside the request span.
        Variant::AxumTracingOpentelemetry => {
            routes.layer(OtelInResponseLayer).layer(OtelAxumLayer::default())
        }
        // tower-http's span is at DEBUG by default; INFO makes it a span the otel-kit-init
        // subscriber always records. Its request/response events stay at DEBUG and are
        // filtered by `RUST_LOG` (default `info`), as in a default deployment.
        Variant::TowerHttp => routes.layer(
            TraceLayer::new_for_http().make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO)),
        ),
        // `plain`; the actix and realistic variants are served elsewhere.
        _ => routes,
    }
}

/// `GET /users/{id}`: a short string, after the [`Work`](crate::work::Work) of
/// `HTTP_PEERS_WORK` when set.
async fn user(Path(id): Path<u32>) -> String {
    match crate::work::Work::from_env() {
        Some(work) => format!("user {}", work.run(id)),
        None => format!("user {id}"),
    }
}

/// Serves `variant` on `addr` (an actix one through [`actix_server`](crate::actix_server)) on a multi-thread tokio runtime (with `workers` worker
/// threads, or tokio's default of one per core) until stdin closes or Ctrl-C; see the
/// module documentation for what it prints.
///
/// Traced variants call `otel_kit_init::builder().service_name("http-peers-<variant>").init()`,
/// so `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL` and every other
/// `OTEL_*` variable apply; `plain` sets up no telemetry.
pub fn run(variant: Variant, addr: SocketAddr, workers: Option<usize>) -> Result<(), Box<dyn Error>> {
    if variant.is_actix() {
        return crate::actix_server::run(variant, addr, workers);
    }
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = workers {
        builder.worker_threads(workers);
    }
    let runtime = builder.enable_all().build()?;
    runtime.block_on(serve(variant, addr))
}

async fn serve(variant: Variant, addr: SocketAddr) -> Result<(), Box<dyn Error>> {
    let telemetry = start_telemetry(variant)?;
    let router = if variant.is_service() {
        if !variant.traced() {
            crate::realistic::log_to_stdout();
        }
        let app = crate::realistic::app(variant).await.map_err(|e| e.to_string())?;
        crate::realistic::router(variant, app)
    } else {
        router(variant)
    };

    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    // axum::serve leaves Nagle on; a small response then waits for the client's delayed
    // ACK. Same setting for every variant.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            eprintln!("http-peers-server: cannot set TCP_NODELAY: {e}");
        }
    });
    announce(&format!("{LISTENING_MARKER} {local}"))?;

    axum::serve(listener, router)
        .with_graceful_shutdown(stop_requested())
        .await?;
    if variant.is_service() {
        crate::realistic::remove_database_file();
    }
    finish(telemetry)
}

/// The telemetry of a traced variant, set up as its users set it up
/// ([`Telemetry::start`]); none for a plain one.
pub fn start_telemetry(variant: Variant) -> Result<Option<Telemetry>, Box<dyn Error>> {
    Telemetry::start(variant)
}

/// After the server stopped: flushes and shuts `telemetry` down, then prints the span
/// queue's counters (the kit's; zeros for a peer or a plain variant).
pub fn finish(telemetry: Option<Telemetry>) -> Result<(), Box<dyn Error>> {
    let (ended, exported, dropped, failed) = telemetry.map_or((0, 0, 0, 0), Telemetry::shutdown);
    announce(&format!(
        "{STATS_MARKER} ended={ended} exported={exported} dropped={dropped} failed={failed}"
    ))?;
    Ok(())
}

/// One line on stdout, flushed at once (stdout is a pipe under the driver).
pub fn announce(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// Resolves when stdin reaches its end (the driver closed it), on SIGTERM or on Ctrl-C.
pub async fn stop_requested() {
    let (closed, stdin_closed) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = closed.send(());
    });
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = stdin_closed => {}
        _ = terminate => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
