//! Costs of otel-kit-db, each against a baseline measured in the same run.
//!
//! - `sql/*`: `sql::analyze` plus `sql::sanitize` (two tokenizations), and
//!   `sql::analyze_and_sanitize` (one: what an operation without bind values pays the
//!   first time a thread sees its text; later it is a cache lookup), for a short
//!   statement and a 4 KB one.
//! - `sqlite_select_1/*`, `sqlite_report_4kb/*`: the same comparison on an in-memory
//!   SQLite database, with `SELECT 1` and with the 4 KB statement (over empty
//!   tables, so the statement's text is most of the work the wrapper sees).
//! - `postgres_select_1/*`: a `SELECT 1` round trip (`fetch_one`) on a one-connection
//!   pool, plain sqlx (`baseline`) against the instrumented pool (`instrumented`),
//!   with the SQL text parameterised (`$1`-free, so also sanitised) and an SDK tracer
//!   provider that samples every span (its only processor drops ended spans) and a
//!   meter provider aggregating in memory (`PeriodicReader` interval one day). Skipped
//!   without `TEST_POSTGRES_URL`.
//!
//! `cargo bench -p otel-kit-db --bench overhead`
//!
//! `DB_BENCH_PAIRED=<sqlite|postgres>:<n>` runs `SELECT 1` `n` times on each pool,
//! alternating plain and instrumented calls (which goes first alternates too), and
//! prints the median of each and the median of the paired differences: load that
//! drifts during a run weighs on both sides alike, which criterion's one-after-the-other
//! groups cannot promise on a shared machine.
//!
//! `DB_BENCH_ONLY=<case>:<n>` runs one case `n` times (after a warm-up of 1000) and
//! exits, for instruction counts under callgrind: the difference between two runs'
//! totals divided by the difference of their `n` is the cost of one call, free of
//! set-up and of the machine's noise. Cases: `sql/short`, `sql/4kb` (analyze plus
//! sanitize), `sql1/short`, `sql1/4kb` (analyze_and_sanitize),
//! `sqlite/baseline`, `sqlite/instrumented`, `sqlite4k/baseline`,
//! `sqlite4k/instrumented`, `postgres/baseline`, `postgres/instrumented`.
#![allow(missing_docs)]

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use otel_kit_db::sql::{SqlDialect, analyze, analyze_and_sanitize, sanitize};

const SHORT: &str = "SELECT id, email FROM users WHERE status = 'active' AND id IN (1, 2, 3) LIMIT 10";

/// A 4 KB report query: a CTE, joins, a subquery and many literals.
fn long_statement() -> String {
    let mut sql = String::from(
        "WITH recent AS (SELECT o.id, o.user_id, o.total FROM orders o WHERE o.created_at > '2024-01-01') \
         SELECT u.id, u.email, r.total, ",
    );
    let mut i = 0;
    while sql.len() < 3_700 {
        sql.push_str(&format!(
            "CASE WHEN r.total > {i} THEN 'tier_{i}' ELSE NULL END AS t{i}, "
        ));
        i += 1;
    }
    sql.push_str(
        "1 FROM recent r JOIN users u ON u.id = r.user_id LEFT JOIN addresses a ON a.user_id = u.id \
         WHERE u.country IN ('DE', 'FR', 'IT') AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = r.id) \
         ORDER BY r.total DESC LIMIT 100",
    );
    while sql.len() < 4_096 {
        sql.push(' ');
    }
    sql
}

fn bench_sql(c: &mut Criterion) {
    let long = long_statement();
    let mut group = c.benchmark_group("sql");
    for (name, sql) in [("short", SHORT), ("4kb", long.as_str())] {
        group.bench_function(format!("analyze+sanitize/{name}"), |b| {
            b.iter(|| {
                let info = analyze(black_box(sql), SqlDialect::PostgreSql);
                let text = sanitize(black_box(sql), SqlDialect::PostgreSql);
                black_box((info, text))
            })
        });
        group.bench_function(format!("analyze_and_sanitize/{name}"), |b| {
            b.iter(|| black_box(analyze_and_sanitize(black_box(sql), SqlDialect::PostgreSql)))
        });
    }
    group.finish();
}

fn bench_postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("skipping postgres_select_1: TEST_POSTGRES_URL is not set");
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    support::install_providers();

    let pool = rt.block_on(async {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("connect")
    });
    let traced = otel_kit_db::instrument(pool.clone());

    let mut group = c.benchmark_group("postgres_select_1");
    group.bench_function("baseline", |b| {
        b.to_async(&rt).iter(|| async {
            let row: (i32,) = sqlx::query_as("SELECT 1").fetch_one(&pool).await.expect("select");
            black_box(row)
        })
    });
    group.bench_function("instrumented", |b| {
        b.to_async(&rt).iter(|| async {
            let row: (i32,) = sqlx::query_as("SELECT 1")
                .fetch_one(&traced)
                .await
                .expect("select");
            black_box(row)
        })
    });
    group.finish();
}

/// The same comparison on an in-memory SQLite database: a round trip of a few
/// microseconds with little noise, so the wrapper's own cost shows clearly.
fn bench_sqlite(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    support::install_providers();
    let pool = rt.block_on(async {
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("open")
    });
    let traced = otel_kit_db::instrument(pool.clone());
    let long: &'static str = Box::leak(long_statement().into_boxed_str());
    let (pool4k, traced4k) = rt.block_on(async {
        let pool = sqlite_with_report_tables().await;
        let traced = otel_kit_db::instrument(pool.clone());
        (pool, traced)
    });
    let mut group = c.benchmark_group("sqlite_report_4kb");
    group.bench_function("baseline", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(sqlx::query(long).fetch_optional(&pool4k).await.expect("select")) })
    });
    group.bench_function("instrumented", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(sqlx::query(long).fetch_optional(&traced4k).await.expect("select")) })
    });
    group.finish();

    let mut group = c.benchmark_group("sqlite_select_1");
    group.bench_function("baseline", |b| {
        b.to_async(&rt).iter(|| async {
            let row: (i32,) = sqlx::query_as("SELECT 1").fetch_one(&pool).await.expect("select");
            black_box(row)
        })
    });
    group.bench_function("instrumented", |b| {
        b.to_async(&rt).iter(|| async {
            let row: (i32,) = sqlx::query_as("SELECT 1")
                .fetch_one(&traced)
                .await
                .expect("select");
            black_box(row)
        })
    });
    group.finish();
}

/// The tables [`long_statement`] reads, empty, in a one-connection in-memory SQLite
/// pool.
async fn sqlite_with_report_tables() -> sqlx::SqlitePool {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("open");
    for table in [
        "CREATE TABLE orders (id INTEGER, user_id INTEGER, total INTEGER, created_at TEXT)",
        "CREATE TABLE users (id INTEGER, email TEXT, country TEXT)",
        "CREATE TABLE addresses (user_id INTEGER)",
        "CREATE TABLE payments (order_id INTEGER)",
    ] {
        sqlx::query(table).execute(&pool).await.expect("create");
    }
    pool
}

/// `DB_BENCH_ONLY=<case>:<n>`: see the module documentation.
fn run_only(only: &str) {
    let (case, n) = only.rsplit_once(':').expect("DB_BENCH_ONLY=<case>:<n>");
    let n: usize = n.parse().expect("a call count");
    let runs = 1000 + n;
    let long = long_statement();
    match case {
        "sql/short" | "sql/4kb" | "sql1/short" | "sql1/4kb" => {
            let sql = if case.ends_with("short") {
                SHORT
            } else {
                long.as_str()
            };
            for _ in 0..runs {
                if case.starts_with("sql1") {
                    black_box(analyze_and_sanitize(black_box(sql), SqlDialect::PostgreSql));
                } else {
                    let info = analyze(black_box(sql), SqlDialect::PostgreSql);
                    let text = sanitize(black_box(sql), SqlDialect::PostgreSql);
                    black_box((info, text));
                }
            }
        }
        "sqlite/baseline" | "sqlite/instrumented" | "postgres/baseline" | "postgres/instrumented" => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            support::install_providers();
            rt.block_on(async {
                let instrumented = case.ends_with("instrumented");
                if case.starts_with("sqlite") {
                    let pool = sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(1)
                        .connect("sqlite::memory:")
                        .await
                        .expect("open");
                    let traced = otel_kit_db::instrument(pool.clone());
                    for _ in 0..runs {
                        let row: (i32,) = if instrumented {
                            sqlx::query_as("SELECT 1").fetch_one(&traced).await
                        } else {
                            sqlx::query_as("SELECT 1").fetch_one(&pool).await
                        }
                        .expect("select");
                        black_box(row);
                    }
                } else {
                    let url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
                    let pool = sqlx::postgres::PgPoolOptions::new()
                        .max_connections(1)
                        .connect(&url)
                        .await
                        .expect("connect");
                    let traced = otel_kit_db::instrument(pool.clone());
                    for _ in 0..runs {
                        let row: (i32,) = if instrumented {
                            sqlx::query_as("SELECT 1").fetch_one(&traced).await
                        } else {
                            sqlx::query_as("SELECT 1").fetch_one(&pool).await
                        }
                        .expect("select");
                        black_box(row);
                    }
                }
            });
        }
        "sqlite4k/baseline" | "sqlite4k/instrumented" => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            support::install_providers();
            let long: &'static str = Box::leak(long.into_boxed_str());
            rt.block_on(async {
                let pool = sqlite_with_report_tables().await;
                let traced = otel_kit_db::instrument(pool.clone());
                for _ in 0..runs {
                    let row = if case.ends_with("instrumented") {
                        sqlx::query(long).fetch_optional(&traced).await
                    } else {
                        sqlx::query(long).fetch_optional(&pool).await
                    };
                    black_box(row.expect("select"));
                }
            });
        }
        other => panic!("unknown case {other}"),
    }
    println!("ran {case} {n} times");
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(60);
    targets = bench_sql, bench_sqlite, bench_postgres
}

/// `DB_BENCH_PAIRED=<sqlite|postgres>:<n>`: see the module documentation.
fn run_paired(spec: &str) {
    let (db, n) = spec
        .rsplit_once(':')
        .expect("DB_BENCH_PAIRED=<sqlite|postgres>:<n>");
    let n: usize = n.parse().expect("a call count");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    support::install_providers();
    let (plain, traced) = rt.block_on(async {
        match db {
            "sqlite" => {
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect("sqlite::memory:")
                    .await
                    .expect("open");
                (
                    Either::Sqlite(pool.clone()),
                    Either::TracedSqlite(otel_kit_db::instrument(pool)),
                )
            }
            _ => {
                let url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&url)
                    .await
                    .expect("connect");
                (
                    Either::Postgres(pool.clone()),
                    Either::TracedPostgres(otel_kit_db::instrument(pool)),
                )
            }
        }
    });
    let paired = rt.block_on(support::paired(n, |wrapped| {
        let pool = if wrapped { &traced } else { &plain };
        pool.select_1()
    }));
    println!("{db} SELECT 1, {n} pairs: {paired}");
}

/// The pools of the paired run.
enum Either {
    Sqlite(sqlx::SqlitePool),
    TracedSqlite(otel_kit_db::InstrumentedPool<sqlx::Sqlite>),
    Postgres(sqlx::PgPool),
    TracedPostgres(otel_kit_db::InstrumentedPool<sqlx::Postgres>),
}

impl Either {
    /// One `SELECT 1` round trip.
    async fn select_1(&self) {
        let row = match self {
            Self::Sqlite(pool) => sqlx::query_as::<_, (i32,)>("SELECT 1").fetch_one(pool).await,
            Self::TracedSqlite(pool) => sqlx::query_as::<_, (i32,)>("SELECT 1").fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_as::<_, (i32,)>("SELECT 1").fetch_one(pool).await,
            Self::TracedPostgres(pool) => sqlx::query_as::<_, (i32,)>("SELECT 1").fetch_one(pool).await,
        };
        black_box(row.expect("select"));
    }
}

fn main() {
    if let Ok(spec) = std::env::var("DB_BENCH_PAIRED") {
        run_paired(&spec);
        return;
    }
    if let Ok(only) = std::env::var("DB_BENCH_ONLY") {
        run_only(&only);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
