//! The cost of diesel's instrumentation (`otel_kit_db::diesel`), against bare diesel on
//! the same connection in the same run: the hook is installed behind a switch (`Toggle`:
//! off, diesel's events go nowhere, one relaxed load), and both sides run the same query,
//! a DSL `SELECT` with a bind value (`SELECT "id" FROM "bench_items" WHERE "id" = $1
//! LIMIT $2`, a one-row table). One connection, because two would be two server
//! processes, and on this VM a loopback round trip has two regimes (about 25 and 60 µs)
//! that a process keeps for a whole run: two connections measured the regimes, not the
//! hook. Spans go to an SDK tracer provider sampling every span whose only
//! processor drops them; metrics to a meter provider aggregating in memory.
//!
//! - `cargo bench -p otel-kit-db --features __diesel-native-backends --bench diesel`
//!   (diesel's `PgConnection` links libpq): criterion groups `diesel_sqlite`
//!   (in memory, always) and `diesel_postgres` (`TEST_POSTGRES_URL`), `bare` and
//!   `instrumented`, one after the other.
//! - `DIESEL_BENCH_PAIRED=<sqlite|postgres>:<n>`: `n` pairs, bare and instrumented
//!   calls alternating (which goes first alternates too), after 1,000 of warm-up
//!   (`support::paired`); prints the medians and the median of the paired differences,
//!   which load drifting during the run weighs on alike.
//! - `DIESEL_BENCH_ONLY=<sqlite|postgres>/<bare|instrumented>:<n>`: one side `n` times
//!   after 1,000 of warm-up, for instruction counts under callgrind (two runs' totals
//!   apart, divided by the difference of their `n`).
#![allow(missing_docs)]

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

diesel::table! {
    bench_items (id) {
        id -> BigInt,
    }
}

/// diesel's hook behind a switch: the bare side turns it off.
struct Toggle {
    on: Arc<AtomicBool>,
    inner: otel_kit_db::diesel::DieselInstrumentation,
}

impl Instrumentation for Toggle {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if self.on.load(Ordering::Relaxed) {
            self.inner.on_connection_event(event);
        }
    }
}

/// One connection, its hook's switch.
struct Pair {
    connection: Conn,
    on: Arc<AtomicBool>,
}

enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Pair {
    fn open(db: &str) -> Option<Self> {
        support::install_providers();
        let on = Arc::new(AtomicBool::new(false));
        let toggle = |url: &str| Toggle {
            on: Arc::clone(&on),
            inner: otel_kit_db::diesel::instrumentation(url),
        };
        let connection = match db {
            "sqlite" => {
                let mut conn = SqliteConnection::establish(":memory:").expect("SQLite");
                create(&mut conn);
                conn.set_instrumentation(toggle(":memory:"));
                Conn::Sqlite(conn)
            }
            _ => {
                let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
                    eprintln!("skipping diesel_postgres: TEST_POSTGRES_URL is not set");
                    return None;
                };
                let mut conn = PgConnection::establish(&url).expect("TEST_POSTGRES_URL");
                diesel::sql_query("CREATE TEMPORARY TABLE bench_items (id BIGINT PRIMARY KEY)")
                    .execute(&mut conn)
                    .expect("create");
                diesel::sql_query("INSERT INTO bench_items VALUES (1)")
                    .execute(&mut conn)
                    .expect("insert");
                conn.set_instrumentation(toggle(&url));
                Conn::Postgres(conn)
            }
        };
        Some(Self { connection, on })
    }

    /// One query, bare (`false`) or instrumented.
    fn query(&mut self, instrumented: bool) {
        use self::bench_items::dsl::{bench_items, id};
        self.on.store(instrumented, Ordering::Relaxed);
        let row: i64 = match &mut self.connection {
            Conn::Sqlite(conn) => bench_items.filter(id.eq(1_i64)).select(id).first(conn),
            Conn::Postgres(conn) => bench_items.filter(id.eq(1_i64)).select(id).first(conn),
        }
        .expect("select");
        black_box(row);
    }
}

fn create(conn: &mut SqliteConnection) {
    diesel::sql_query("CREATE TABLE bench_items (id BIGINT PRIMARY KEY)")
        .execute(conn)
        .expect("create");
    diesel::sql_query("INSERT INTO bench_items VALUES (1)")
        .execute(conn)
        .expect("insert");
}

fn bench(c: &mut Criterion) {
    for db in ["sqlite", "postgres"] {
        let Some(mut pair) = Pair::open(db) else {
            continue;
        };
        let mut group = c.benchmark_group(format!("diesel_{db}"));
        group.bench_function("bare", |b| b.iter(|| pair.query(false)));
        group.bench_function("instrumented", |b| b.iter(|| pair.query(true)));
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(60);
    targets = bench
}

/// `DIESEL_BENCH_PAIRED=<sqlite|postgres>:<n>`: see the module documentation.
fn run_paired(spec: &str) {
    let (db, n) = spec
        .rsplit_once(':')
        .expect("DIESEL_BENCH_PAIRED=<sqlite|postgres>:<n>");
    let n: usize = n.parse().expect("a pair count");
    let mut pair = Pair::open(db).expect("the database");
    // The shared paired run (benches/support); diesel's calls are synchronous, each
    // future is ready when made.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let paired = runtime.block_on(support::paired(n, |instrumented| {
        pair.query(instrumented);
        std::future::ready(())
    }));
    println!("diesel {db}, {n} pairs: {paired}");
}

/// `DIESEL_BENCH_ONLY=<db>/<bare|instrumented>:<n>`: see the module documentation.
fn run_only(spec: &str) {
    let (case, n) = spec.rsplit_once(':').expect("DIESEL_BENCH_ONLY=<db>/<side>:<n>");
    let n: usize = n.parse().expect("a call count");
    let (db, side) = case.split_once('/').expect("<db>/<side>");
    let mut pair = Pair::open(db).expect("the database");
    for _ in 0..(1000 + n) {
        pair.query(side == "instrumented");
    }
    println!("ran {case} {n} times");
}

fn main() {
    if let Ok(spec) = std::env::var("DIESEL_BENCH_PAIRED") {
        run_paired(&spec);
        return;
    }
    if let Ok(spec) = std::env::var("DIESEL_BENCH_ONLY") {
        run_only(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
