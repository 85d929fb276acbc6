//! Costs of otel-db, each against a baseline measured in the same run.
//!
//! - `sql/*`: `sql::analyze` plus `sql::sanitize` (what an operation without bind
//!   values pays) for a short statement and a 4 KB one.
//! - `postgres_select_1/*`: a `SELECT 1` round trip (`fetch_one`) on a one-connection
//!   pool, plain sqlx (`baseline`) against the instrumented pool (`instrumented`),
//!   with the SQL text parameterised (`$1`-free, so also sanitised) and an SDK tracer
//!   provider that samples every span (its only processor drops ended spans) and a
//!   meter provider aggregating in memory (`PeriodicReader` interval one day). Skipped
//!   without `TEST_POSTGRES_URL`.
//!
//! `cargo bench -p otel-db --bench overhead`
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::{Context, global};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider, Span, SpanData, SpanProcessor};
use otel_db::sql::{SqlDialect, analyze, sanitize};

#[derive(Debug)]
struct Drop;

impl SpanProcessor for Drop {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}
    fn on_end(&self, _span: SpanData) {}
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

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
    install_providers();

    let pool = rt.block_on(async {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("connect")
    });
    let traced = otel_db::instrument(pool.clone());

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
    install_providers();
    let pool = rt.block_on(async {
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("open")
    });
    let traced = otel_db::instrument(pool.clone());
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

/// An SDK tracer provider sampling every span (its processor drops ended spans) and a
/// meter provider aggregating in memory, installed as the globals once.
fn install_providers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let tracer_provider = SdkTracerProvider::builder()
            .with_span_processor(Drop)
            .with_sampler(Sampler::AlwaysOn)
            .build();
        global::set_tracer_provider(tracer_provider);
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(InMemoryMetricExporter::default())
                    .with_interval(Duration::from_secs(86_400))
                    .build(),
            )
            .build();
        global::set_meter_provider(meter_provider);
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(60);
    targets = bench_sql, bench_sqlite, bench_postgres
}
criterion_main!(benches);
