//! The realistic service: one handler doing what services do, written once and shared by
//! every `service-*` [`Variant`]; only what it is given ([`App`]) and the layers around
//! the router differ.
//!
//! `GET /users/{id}`:
//!
//! 1. reads the user's row (`SELECT id, name, email FROM http_peers_users WHERE id = ?`)
//!    through a sqlx pool: SQLite (a file the server seeds at start) or PostgreSQL
//!    (`HTTP_PEERS_DB_URL`);
//! 2. makes one `GET` with reqwest to the stub on loopback (`HTTP_PEERS_STUB_URL`) and
//!    parses its JSON answer;
//! 3. answers the user and the stub's quote as JSON (serde_json through `axum::Json`);
//! 4. logs one line (`tracing::info!`).
//!
//! The kit's variants read through `otel_kit_db::instrument(pool)` and call through
//! `otel_kit_http::ClientMiddleware`; the others through the plain pool and client, except
//! tower-otel's, whose client goes through its own client layers.

use std::error::Error;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use axum_tracing_opentelemetry::middleware::{OtelAxumLayer, OtelInResponseLayer};
use serde::{Deserialize, Serialize};
use sqlx::{Pool, Postgres, Sqlite};
use tower::{Service as _, ServiceExt as _};

use crate::Variant;

/// The environment variable naming the database: `sqlite` (the default: a file in the
/// temporary directory, one per server) or a `postgres://` URL.
pub const DB_ENV: &str = "HTTP_PEERS_DB_URL";

/// The environment variable with the stub's URL, the outgoing call's target.
pub const STUB_ENV: &str = "HTTP_PEERS_STUB_URL";

/// Rows in the users table; the load asks for ids 1..=`USERS`.
pub const USERS: usize = 1000;

/// What the stub answers, and what the handler parses.
#[derive(Debug, Serialize, Deserialize)]
pub struct Quote {
    /// A short text.
    pub quote: String,
}

/// The handler's answer.
#[derive(Debug, Serialize)]
struct UserView {
    id: i64,
    name: String,
    email: String,
    quote: String,
}

/// The row read, by whichever pool the variant has.
enum Db {
    Sqlite(Pool<Sqlite>),
    SqliteKit(otel_kit_db::InstrumentedPool<Sqlite>),
    Postgres(Pool<Postgres>),
    PostgresKit(otel_kit_db::InstrumentedPool<Postgres>),
}

type Row = (i64, String, String);

impl Db {
    async fn user(&self, id: i64) -> Result<Row, sqlx::Error> {
        const SQLITE: &str = "SELECT id, name, email FROM http_peers_users WHERE id = ?1";
        const POSTGRES: &str = "SELECT id, name, email FROM http_peers_users WHERE id = $1";
        match self {
            Db::Sqlite(p) => sqlx::query_as(SQLITE).bind(id).fetch_one(p).await,
            Db::SqliteKit(p) => sqlx::query_as(SQLITE).bind(id).fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_as(POSTGRES).bind(id).fetch_one(p).await,
            Db::PostgresKit(p) => sqlx::query_as(POSTGRES).bind(id).fetch_one(p).await,
        }
    }
}

/// tower-otel's client: its trace and metrics layers around `reqwest::Client`.
type TowerOtelClient = tower_otel::trace::Http<tower_otel::metrics::Http<reqwest::Client>>;

/// The outgoing call, by whichever client the variant has.
enum Outgoing {
    Plain(reqwest::Client),
    Kit(reqwest_middleware::ClientWithMiddleware),
    TowerOtel(TowerOtelClient),
}

type BoxError = Box<dyn Error + Send + Sync>;

impl Outgoing {
    async fn get(&self, url: &str) -> Result<bytes::Bytes, BoxError> {
        let response = match self {
            Outgoing::Plain(c) => c.get(url).send().await?,
            Outgoing::Kit(c) => c.get(url).send().await?,
            Outgoing::TowerOtel(c) => {
                let request = reqwest::Request::new(reqwest::Method::GET, url.parse()?);
                let mut c = c.clone();
                c.ready().await?;
                c.call(request).await?
            }
        };
        Ok(response.error_for_status()?.bytes().await?)
    }
}

/// What the handler is given.
pub struct App {
    db: Db,
    client: Outgoing,
    stub_url: String,
}

/// `GET /users/{id}`: the row, the outgoing call, JSON, a log line.
async fn user(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Result<Json<UserView>, StatusCode> {
    let (id, name, email) = app.db.user(id).await.map_err(|e| {
        tracing::error!(error = %e, "database");
        StatusCode::INTERNAL_SERVER_ERROR
    })?;
    let body = app.client.get(&app.stub_url).await.map_err(|e| {
        tracing::error!(error = %e, "stub");
        StatusCode::BAD_GATEWAY
    })?;
    let Quote { quote } = serde_json::from_slice(&body).map_err(|_| StatusCode::BAD_GATEWAY)?;
    tracing::info!(user.id = id, "served user");
    Ok(Json(UserView {
        id,
        name,
        email,
        quote,
    }))
}

/// Connects to the database (seeding the table when empty) and builds the client, each
/// instrumented by the kit or plain as `variant` says. Call after telemetry is set up:
/// the peers' layers read the global providers when built.
pub async fn app(variant: Variant) -> Result<Arc<App>, BoxError> {
    let db = std::env::var(DB_ENV).unwrap_or_else(|_| "sqlite".to_owned());
    let stub_url = std::env::var(STUB_ENV).map_err(|_| format!("{STUB_ENV} is not set"))?;
    app_with(variant, &db, stub_url).await
}

/// [`app`] with the database (`sqlite` or a `postgres://` URL) and the stub's URL given.
pub async fn app_with(variant: Variant, url: &str, stub_url: String) -> Result<Arc<App>, BoxError> {
    let kit = variant.is_kit_service();
    let db = if url.starts_with("postgres") {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(url)
            .await?;
        for statement in SEED {
            sqlx::raw_sql(statement).execute(&pool).await?;
        }
        if kit {
            Db::PostgresKit(otel_kit_db::instrument(pool))
        } else {
            Db::Postgres(pool)
        }
    } else {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(sqlite_file())
            .create_if_missing(true);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        for statement in SEED {
            sqlx::raw_sql(statement).execute(&pool).await?;
        }
        if kit {
            Db::SqliteKit(otel_kit_db::instrument(pool))
        } else {
            Db::Sqlite(pool)
        }
    };
    let reqwest = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let client = match variant {
        v if v.is_kit_service() => Outgoing::Kit(
            reqwest_middleware::ClientBuilder::new(reqwest)
                .with(otel_kit_http::ClientMiddleware::default())
                .build(),
        ),
        Variant::ServiceTowerOtel => {
            let meter = opentelemetry::global::meter("tower-otel");
            Outgoing::TowerOtel(
                tower::ServiceBuilder::new()
                    .layer(tower_otel::trace::HttpLayer::client(tracing::Level::INFO))
                    .layer(tower_otel::metrics::HttpLayer::client(&meter))
                    .service(reqwest),
            )
        }
        _ => Outgoing::Plain(reqwest),
    };
    Ok(Arc::new(App { db, client, stub_url }))
}

/// The SQLite database of this server process.
fn sqlite_file() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("http-peers-{}.sqlite", std::process::id()))
}

/// Removes this server's SQLite file, if it made one.
pub fn remove_database_file() {
    let _ = std::fs::remove_file(sqlite_file());
}

/// The log line's destination without telemetry: `tracing`'s formatter on stdout, at
/// `RUST_LOG` (default `info`), as a service logs without OpenTelemetry.
pub fn log_to_stdout() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .init();
}

/// Creates and fills the users table (ids 1..=[`USERS`]) unless already there: one
/// statement each, valid in SQLite and PostgreSQL.
const SEED: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS http_peers_users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)",
    // `WHERE true`: SQLite reads `ON` after a bare `FROM n` as a join constraint.
    "INSERT INTO http_peers_users (id, name, email) \
     WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < 1000) \
     SELECT id, 'user ' || id, 'user' || id || '@example.com' FROM n WHERE true \
     ON CONFLICT (id) DO NOTHING",
];

/// The service's router for `variant`, with the variant's server layers.
pub fn router(variant: Variant, app: Arc<App>) -> Router {
    let routes = Router::new()
        .route(crate::server::ROUTE, get(user))
        .with_state(app);
    match variant {
        v if v.is_kit_service() => routes.layer(otel_kit_http::ServerLayer::new()),
        Variant::ServiceAxumTracing => routes.layer(OtelInResponseLayer).layer(OtelAxumLayer::default()),
        // Metrics inside the span, as tower-otel's examples stack them.
        Variant::ServiceTowerOtel => {
            let meter = opentelemetry::global::meter("tower-otel");
            routes
                .layer(tower_otel::metrics::HttpLayer::server(&meter))
                .layer(tower_otel::trace::HttpLayer::server(tracing::Level::INFO))
        }
        Variant::ServiceContribTower => {
            routes.layer(opentelemetry_instrumentation_tower::http::server::Layer::new())
        }
        _ => routes,
    }
}

/// The stub the handler calls: a router answering every `GET /quote` with a small JSON
/// [`Quote`], to serve on loopback in the driver.
pub fn stub_router() -> Router {
    Router::new().route(
        "/quote",
        get(|| async {
            Json(Quote {
                quote: "simple is better than complex".to_owned(),
            })
        }),
    )
}

/// Serves [`stub_router`] on `127.0.0.1` (an ephemeral port, `TCP_NODELAY` on) on the
/// current tokio runtime until it shuts down; the URL the handler is to call.
pub async fn serve_stub() -> std::io::Result<String> {
    use axum::serve::ListenerExt as _;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, stub_router()).await {
            eprintln!("http-peers stub: {e}");
        }
    });
    Ok(format!("http://{addr}/quote"))
}

/// Serves [`stub_router`] on `addr` in a process of its own (`http-peers-server stub`,
/// for `profile/callgrind.sh`, which measures the server alone), printing
/// `<LISTENING_MARKER> <url>` once listening, until stdin closes, SIGTERM or Ctrl-C.
pub fn run_stub(addr: std::net::SocketAddr) -> Result<(), Box<dyn Error>> {
    use axum::serve::ListenerExt as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        crate::server::announce(&format!(
            "{} http://{local}/quote",
            crate::server::LISTENING_MARKER
        ))?;
        axum::serve(listener, stub_router())
            .with_graceful_shutdown(crate::server::stop_requested())
            .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;

    /// The handler really reads the seeded row and really calls the stub: the answer
    /// carries both.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_handler_answers_the_row_and_the_stubs_quote() {
        let stub = serve_stub().await.unwrap();
        let app = app_with(Variant::ServicePlain, "sqlite", stub).await.unwrap();
        let request = axum::http::Request::get("/users/7")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router(Variant::ServicePlain, app).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        remove_database_file();
        assert_eq!(json["id"], 7);
        assert_eq!(json["name"], "user 7");
        assert_eq!(json["email"], "user7@example.com");
        assert_eq!(json["quote"], "simple is better than complex");
    }
}
