//! The cost the tokio-postgres wrapper adds per query, against the bare client, on the
//! real PostgreSQL (`TEST_POSTGRES_URL`; every case is skipped without it).
//!
//! - `tokio_postgres_select_1/*`: `query_one("SELECT 1")` with the text (tokio-postgres
//!   prepares an unnamed statement each time: two round trips), on one connection,
//!   bare (`baseline`, the wrapped client's own `tokio_postgres::Client`) and wrapped
//!   (`instrumented`),
//!   with an SDK tracer provider that samples every span (its only processor drops
//!   ended spans) and a meter provider aggregating in memory.
//! - `tokio_postgres_prepared/*`: `query_one` of a statement prepared once (`SELECT
//!   $1::int8`, one round trip).
//!
//! `TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p otel-kit-db --bench tokio_postgres`
//!
//! `TP_BENCH_PAIRED=<text|prepared>:<n>` runs the case `n` times on each client,
//! alternating bare and wrapped calls (see `support::paired`), and prints the medians.
//!
//! `TP_BENCH_ONLY=<text|prepared>:<bare|instrumented>:<n>` runs one side `n` times
//! (after 1000 of warm-up) and exits, for instruction counts under callgrind: the
//! difference between two runs' totals divided by the difference of their `n` is the
//! cost of one call.
#![allow(missing_docs)]

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use otel_kit_db::tokio_postgres::{InstrumentedClient, Statement};

/// One connection, called bare (the wrapped client's own `tokio_postgres::Client`, as
/// sqlx's bench shares one pool) and wrapped, and what each case runs: two connections
/// would compare two server backends, whose round trips differ by more than the wrapper.
struct Clients {
    bare_prepared: tokio_postgres::Statement,
    wrapped: InstrumentedClient,
    wrapped_prepared: Statement,
}

impl Clients {
    /// One call of `case`, on the wrapped client or the bare one.
    async fn run(&self, case: &str, wrapped: bool) {
        let row = match (case, wrapped) {
            ("text", false) => self.wrapped.get_ref().query_one("SELECT 1", &[]).await,
            ("text", true) => self.wrapped.query_one("SELECT 1", &[]).await,
            ("prepared", false) => {
                self.wrapped
                    .get_ref()
                    .query_one(&self.bare_prepared, &[&7_i64])
                    .await
            }
            ("prepared", true) => self.wrapped.query_one(&self.wrapped_prepared, &[&7_i64]).await,
            (other, _) => panic!("unknown case {other}"),
        };
        black_box(row.expect("query"));
    }
}

/// A current-thread runtime (the connection's task runs on the bench's thread) and the
/// client; `None` without `TEST_POSTGRES_URL`.
fn connect() -> Option<(tokio::runtime::Runtime, Clients)> {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("skipping the tokio-postgres benches: TEST_POSTGRES_URL is not set");
        return None;
    };
    let config: tokio_postgres::Config = url.parse().expect("TEST_POSTGRES_URL");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    support::install_providers();
    let clients = rt.block_on(async {
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(connection);
        let wrapped = otel_kit_db::tokio_postgres::instrument(client, &config);
        let sql = "SELECT $1::int8";
        Clients {
            bare_prepared: wrapped.get_ref().prepare(sql).await.expect("prepare"),
            wrapped_prepared: wrapped.prepare(sql).await.expect("prepare"),
            wrapped,
        }
    });
    Some((rt, clients))
}

fn bench_tokio_postgres(c: &mut Criterion) {
    let Some((rt, clients)) = connect() else {
        return;
    };
    for (group, case) in [
        ("tokio_postgres_select_1", "text"),
        ("tokio_postgres_prepared", "prepared"),
    ] {
        let mut group = c.benchmark_group(group);
        group.bench_function("baseline", |b| b.to_async(&rt).iter(|| clients.run(case, false)));
        group.bench_function("instrumented", |b| {
            b.to_async(&rt).iter(|| clients.run(case, true))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(60);
    targets = bench_tokio_postgres
}

fn main() {
    if let Ok(spec) = std::env::var("TP_BENCH_ONLY") {
        let mut parts = spec.split(':');
        let (Some(case), Some(side), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("TP_BENCH_ONLY=<text|prepared>:<bare|instrumented>:<n>");
        };
        let n: usize = n.parse().expect("a call count");
        let Some((rt, clients)) = connect() else {
            return;
        };
        rt.block_on(async {
            for _ in 0..(n + 1000) {
                clients.run(case, side == "instrumented").await;
            }
        });
        println!("ran {case} {side} {n} times");
        return;
    }
    if let Ok(spec) = std::env::var("TP_BENCH_PAIRED") {
        let (case, n) = spec
            .rsplit_once(':')
            .expect("TP_BENCH_PAIRED=<text|prepared>:<n>");
        let n: usize = n.parse().expect("a call count");
        let Some((rt, clients)) = connect() else {
            return;
        };
        let paired = rt.block_on(support::paired(n, |wrapped| clients.run(case, wrapped)));
        println!("tokio-postgres {case}, {n} pairs: {paired}");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
