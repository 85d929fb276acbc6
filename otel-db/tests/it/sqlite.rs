//! otel-kit-db against an SQLite file: always runs.

use sqlx::Pool;
use sqlx::pool::PoolOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::support::Expect;

type Db = sqlx::Sqlite;
const SYSTEM: &str = "sqlite";
const P: [&str; 3] = ["?1", "?2", "?3"];
/// SQLITE_ERROR: SQLite has no finer code for a syntax error.
const SYNTAX_ERROR: &str = "1";
/// SQLITE_CONSTRAINT_UNIQUE.
const UNIQUE_VIOLATION: &str = "2067";

async fn connect(test: &str, options: PoolOptions<Db>) -> Option<(Pool<Db>, Expect)> {
    let path = std::env::temp_dir().join(format!("otel-kit-db-{}-{test}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let connect = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = options.connect_with(connect).await.expect("open the SQLite file");
    let expect = Expect {
        namespace: path.to_string_lossy().into_owned(),
        address: None,
        port: None,
    };
    Some((pool, expect))
}

include!("support/scenarios.rs");
include!("support/operation_scenarios.rs");
