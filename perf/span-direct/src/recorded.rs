//! A recorded span end to end, through the kit's own instrumentation: the HTTP server
//! span (otel-kit-http's `ServerLayer` on an axum route), the HTTP client span
//! (`ClientMiddleware` on reqwest-middleware) and the database span (otel-kit-db's sqlx
//! pool on SQLite), each made by `init()`'s pipeline and exported as OTLP/HTTP protobuf,
//! against the same operation without the kit.
//!
//! [`Operations`] performs one [`Case`] `n` times on a current-thread runtime;
//! [`telemetry`] is `init()` as the measurement sets it up: traces only, every span (or,
//! for [`Variant::Unsampled`], none) recorded, batches that leave when full, a queue with
//! room for the whole run.
//!
//! ```no_run
//! use span_direct::recorded::{Case, Operations, Variant, telemetry};
//!
//! let telemetry = telemetry(Variant::Recorded, "http://127.0.0.1:4318")?;
//! let operations = Operations::new(Case::Server, Variant::Recorded)?;
//! operations.run(1_000)?;
//! telemetry.shutdown()?;
//! assert_eq!(telemetry.dropped_spans(), 0);
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! ```

use std::error::Error;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use sqlx::{Pool, Sqlite};
use tokio::runtime::Runtime;
use tower::ServiceExt as _;

type BoxError = Box<dyn Error + Send + Sync>;

/// The span measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `GET /users/4711` through an axum router, driven in process (no socket): the
    /// SERVER span with its route, method, path, scheme, protocol, status.
    Server,
    /// `GET http://127.0.0.1:<port>/quote` with reqwest to a hello server on loopback:
    /// the CLIENT span with its URL, address, port, status, and `traceparent` injected.
    Client,
    /// `SELECT id, name, email FROM users WHERE id = ?1` on an in-memory SQLite pool:
    /// the database CLIENT span with its system, query text and summary.
    Database,
}

/// How the operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Without the kit: the baseline.
    Plain,
    /// Through the kit, every span recorded and exported.
    Recorded,
    /// Through the kit, every span dropped by the sampler.
    Unsampled,
}

impl Case {
    /// Every case, in the order tables list them.
    pub const ALL: [Case; 3] = [Case::Server, Case::Client, Case::Database];

    /// The case's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Case::Server => "server",
            Case::Client => "client",
            Case::Database => "database",
        }
    }

    /// The case named `name`.
    pub fn named(name: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|case| case.name() == name)
    }
}

impl Variant {
    /// The variant's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Plain => "plain",
            Variant::Recorded => "recorded",
            Variant::Unsampled => "unsampled",
        }
    }

    /// The variant named `name`.
    pub fn named(name: &str) -> Option<Variant> {
        [Variant::Plain, Variant::Recorded, Variant::Unsampled]
            .into_iter()
            .find(|variant| variant.name() == name)
    }
}

/// `init()` for a measured run: traces only (no metrics, no logs: the span alone), the
/// sampler `always_on` ([`Variant::Recorded`]) or `always_off`, OTLP/HTTP protobuf to
/// `endpoint`, batches of 512 that leave only when full or at shutdown (no timed
/// export: under callgrind a run lasts minutes), and a queue with room for 100,000 spans
/// so that none is dropped while valgrind runs the threads in turn.
pub fn telemetry(
    variant: Variant,
    endpoint: &str,
) -> Result<otel_kit_init::Telemetry, otel_kit_init::InitError> {
    let sampler = if variant == Variant::Recorded {
        "always_on"
    } else {
        "always_off"
    };
    otel_kit_init::builder()
        .service_name("recorded-spans")
        .without_runtime_metrics()
        .environment_variables([
            ("OTEL_TRACES_SAMPLER", sampler),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "100000"),
            ("OTEL_BSP_SCHEDULE_DELAY", "3600000"),
        ])
        .init()
}

/// One case's operation, plain or through the kit, ready to run.
pub struct Operations {
    case: Case,
    runtime: Runtime,
    router: Router,
    client: Client,
    quote_url: String,
    pool: Database,
}

enum Client {
    Plain(reqwest::Client),
    Kit(reqwest_middleware::ClientWithMiddleware),
}

enum Database {
    Plain(Pool<Sqlite>),
    Kit(otel_kit_db::InstrumentedPool<Sqlite>),
}

const QUERY: &str = "SELECT id, name, email FROM users WHERE id = ?1";

impl Operations {
    /// Builds the router, the client (and its loopback server, on a thread of its own)
    /// and the pool, each through the kit unless `variant` is [`Variant::Plain`]. Call
    /// after [`telemetry`]: the kit's layers resolve the global providers.
    pub fn new(case: Case, variant: Variant) -> Result<Operations, BoxError> {
        let kit = variant != Variant::Plain;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let mut router = Router::new().route("/users/{id}", get(|| async { "ok" }));
        if kit {
            router = router.layer(otel_kit_http::ServerLayer::new());
        }
        let quote_url = format!("http://{}/quote", serve_quotes()?);
        let reqwest = reqwest::Client::builder().tcp_nodelay(true).build()?;
        let client = if kit {
            Client::Kit(
                reqwest_middleware::ClientBuilder::new(reqwest)
                    .with(otel_kit_http::ClientMiddleware::default())
                    .build(),
            )
        } else {
            Client::Plain(reqwest)
        };
        let pool = runtime.block_on(async {
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect("sqlite::memory:")
                .await?;
            sqlx::raw_sql(
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
                 INSERT INTO users VALUES (4711, 'Ada', 'ada@example.com');",
            )
            .execute(&pool)
            .await?;
            Ok::<_, sqlx::Error>(pool)
        })?;
        let pool = if kit {
            Database::Kit(otel_kit_db::instrument(pool))
        } else {
            Database::Plain(pool)
        };
        Ok(Operations {
            case,
            runtime,
            router,
            client,
            quote_url,
            pool,
        })
    }

    /// Performs the case's operation `n` times, one after the other.
    pub fn run(&self, n: usize) -> Result<(), BoxError> {
        self.runtime.block_on(async {
            for _ in 0..n {
                match self.case {
                    Case::Server => self.serve().await?,
                    Case::Client => self.send().await?,
                    Case::Database => self.query().await?,
                }
            }
            Ok(())
        })
    }

    async fn serve(&self) -> Result<(), BoxError> {
        let request = http::Request::get("/users/4711")
            .header(http::header::HOST, "127.0.0.1:8080")
            .body(Body::empty())?;
        let response = self.router.clone().oneshot(request).await?;
        assert_eq!(response.status(), http::StatusCode::OK);
        Ok(())
    }

    async fn send(&self) -> Result<(), BoxError> {
        let response = match &self.client {
            Client::Plain(client) => client.get(&self.quote_url).send().await?,
            Client::Kit(client) => client.get(&self.quote_url).send().await?,
        };
        response.error_for_status()?.bytes().await?;
        Ok(())
    }

    async fn query(&self) -> Result<(), BoxError> {
        let row: (i64, String, String) = match &self.pool {
            Database::Plain(pool) => sqlx::query_as(QUERY).bind(4711_i64).fetch_one(pool).await?,
            Database::Kit(pool) => sqlx::query_as(QUERY).bind(4711_i64).fetch_one(pool).await?,
        };
        assert_eq!(row.0, 4711);
        Ok(())
    }
}

/// Serves `GET /quote` (a short JSON answer) on loopback, on a thread and runtime of its
/// own; returns its address.
fn serve_quotes() -> Result<SocketAddr, BoxError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new().name("quotes".into()).spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            let app = Router::new().route("/quote", get(|| async { r#"{"quote":"ok"}"# }));
            axum::serve(listener, app).await.expect("the quote server runs");
        });
    })?;
    Ok(addr)
}
