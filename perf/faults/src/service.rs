//! The service under test: `GET /orders/{id}` reads a row through otel-kit-db (SQLite in
//! memory), asks an upstream over otel-kit-http's client, records a GenAI tool call and logs
//! a line, all under otel-kit-http's server span: four spans, a log record and the metrics
//! of four instruments per request. `GET /stats` answers the span queue's counters.
//!
//! Protocol with the driver (the http-peers one): once listening it prints
//! [`LISTENING_MARKER`], a space and the address; on SIGTERM, Ctrl-C or stdin closing
//! it stops accepting, finishes the requests in flight, shuts telemetry down (flushing
//! within its timeout) and prints [`STATS_MARKER`] followed by
//! `ended=.. exported=.. dropped=.. failed=.. ended_at_signal=..`.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use http_peers::server::{LISTENING_MARKER, STATS_MARKER, announce, stop_requested};
use otel_kit_db::InstrumentedPool;
use reqwest_middleware::ClientWithMiddleware;
use sqlx::Sqlite;

/// The traced route.
pub const ROUTE: &str = "/orders/{id}";

/// The counters route (not traced).
pub const STATS_PATH: &str = "/stats";

#[derive(Clone)]
struct App {
    pool: InstrumentedPool<Sqlite>,
    client: ClientWithMiddleware,
    upstream: String,
    telemetry: Arc<otel_kit_init::Telemetry>,
}

/// Runs the service on `addr` until SIGTERM, Ctrl-C or stdin closing.
pub fn run(addr: SocketAddr) -> Result<(), Box<dyn Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(serve(addr))
}

async fn serve(addr: SocketAddr) -> Result<(), Box<dyn Error>> {
    let telemetry = Arc::new(otel_kit_init::builder().service_name("faults-service").init()?);
    let upstream = start_upstream().await?;
    let options: sqlx::sqlite::SqliteConnectOptions = "sqlite::memory:".parse()?;
    // One connection: an in-memory database exists once per connection.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let pool = otel_kit_db::instrument(pool);
    sqlx::query("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    for id in 0..100_i64 {
        sqlx::query("INSERT INTO items (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(format!("item {id}"))
            .execute(&pool)
            .await?;
    }
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
        .with(otel_kit_http::ClientMiddleware::default())
        .build();
    let app = App {
        pool,
        client,
        upstream: format!("http://{upstream}"),
        telemetry: Arc::clone(&telemetry),
    };
    let router = Router::new()
        .route(ROUTE, get(order))
        .layer(otel_kit_http::ServerLayer::new().exclude_path(STATS_PATH))
        .route(STATS_PATH, get(stats))
        .with_state(app);

    let listener = tokio::net::TcpListener::bind(addr).await?;
    announce(&format!("{LISTENING_MARKER} {}", listener.local_addr()?))?;
    let ended_at_signal = Arc::new(AtomicU64::new(0));
    let at_signal = Arc::clone(&ended_at_signal);
    let queue = Arc::clone(&telemetry);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            stop_requested().await;
            let ended = queue.span_queue_stats().map_or(0, |s| s.ended());
            at_signal.store(ended, Ordering::Release);
        })
        .await?;
    // The counters are printed even when the flush timed out (a collector that never
    // answers): they say what was lost.
    let shutdown = telemetry.shutdown();
    let (ended, exported, dropped, failed) = telemetry.span_queue_stats().map_or((0, 0, 0, 0), |s| {
        (s.ended(), s.exported(), s.dropped(), s.failed())
    });
    announce(&format!(
        "{STATS_MARKER} ended={ended} exported={exported} dropped={dropped} failed={failed} ended_at_signal={}",
        ended_at_signal.load(Ordering::Acquire)
    ))?;
    shutdown?;
    Ok(())
}

async fn order(State(app): State<App>, Path(id): Path<i64>) -> Result<String, http::StatusCode> {
    let error = |_| http::StatusCode::INTERNAL_SERVER_ERROR;
    let name: String = sqlx::query_scalar("SELECT name FROM items WHERE id = $1")
        .bind(id % 100)
        .fetch_one(&app.pool)
        .await
        .map_err(error)?;
    let tool = otel_kit_genai::execute_tool("price_lookup")
        .tool_call_id(format!("call-{id}"))
        .start();
    let price = app
        .client
        .get(format!("{}/prices/{}", app.upstream, id % 100))
        .send()
        .await
        .map_err(|_| http::StatusCode::BAD_GATEWAY)?
        .text()
        .await
        .map_err(|_| http::StatusCode::BAD_GATEWAY)?;
    tool.end();
    tracing::info!(order_id = id, "order shown");
    Ok(format!("{name}: {price}"))
}

async fn stats(State(app): State<App>) -> String {
    let Some(s) = app.telemetry.span_queue_stats() else {
        return "{}".to_owned();
    };
    serde_json::json!({
        "ended": s.ended(), "exported": s.exported(), "dropped": s.dropped(), "failed": s.failed(),
        "queued": s.queued(), "capacity": s.capacity(),
    })
    .to_string()
}

/// The upstream the service calls: untraced, on a free loopback port.
async fn start_upstream() -> std::io::Result<SocketAddr> {
    let app = Router::new().route(
        "/prices/{id}",
        get(|Path(id): Path<u32>| async move { format!("{}.99", id + 1) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}
