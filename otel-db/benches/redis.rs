//! The cost the Redis wrapper adds per command, against the bare connection, on the
//! real Redis (`TEST_REDIS_URL`; every case is skipped without it).
//!
//! - `redis_get/*`: `GET` of a short key that exists, on one multiplexed connection,
//!   bare (`baseline`) and wrapped (`instrumented`), with an SDK tracer provider that
//!   samples every span (its only processor drops ended spans) and a meter provider
//!   aggregating in memory (`PeriodicReader` interval one day).
//! - `redis_set/*`: `SET` of the key to a 32-byte value, the same way.
//! - `redis_pipeline_10/*`: a pipeline of ten `GET`s (one span for the batch).
//!
//! `TEST_REDIS_URL=redis://127.0.0.1:6379 cargo bench -p otel-kit-db --bench redis`
//!
//! `REDIS_BENCH_PAIRED=<get|set|pipeline>:<n>` runs the case `n` times on each
//! connection, alternating bare and wrapped calls (which goes first alternates too),
//! and prints the median of each and the median of the paired differences: load that
//! drifts during a run weighs on both sides alike, which criterion's one-after-the-other
//! groups cannot promise on a shared machine.
#![allow(missing_docs)]

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use otel_kit_db::redis::InstrumentedRedis;
use redis::aio::{ConnectionLike, MultiplexedConnection};

const KEY: &str = "otel-kit-db:bench:key";
const VALUE: &str = "0123456789abcdef0123456789abcdef";

/// A current-thread runtime (the connection's driver runs on the bench's thread), the
/// bare connection and the wrapped one (a clone of it), the key set; `None` without
/// `TEST_REDIS_URL`.
fn connect() -> Option<(
    tokio::runtime::Runtime,
    MultiplexedConnection,
    InstrumentedRedis<MultiplexedConnection>,
)> {
    let Ok(url) = std::env::var("TEST_REDIS_URL") else {
        eprintln!("skipping the Redis benches: TEST_REDIS_URL is not set");
        return None;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    support::install_providers();
    let client = redis::Client::open(url).expect("TEST_REDIS_URL");
    let (bare, traced) = rt.block_on(async {
        let mut bare = client.get_multiplexed_async_connection().await.expect("connect");
        redis::cmd("SET")
            .arg(KEY)
            .arg(VALUE)
            .exec_async(&mut bare)
            .await
            .expect("SET");
        let traced = otel_kit_db::redis::instrument(bare.clone(), client.get_connection_info());
        (bare, traced)
    });
    Some((rt, bare, traced))
}

/// One call of `case` on `conn`.
async fn run(case: &str, conn: &mut (impl ConnectionLike + Send)) {
    match case {
        "get" => {
            let value: String = redis::cmd("GET").arg(KEY).query_async(conn).await.expect("GET");
            black_box(value);
        }
        "set" => redis::cmd("SET")
            .arg(KEY)
            .arg(VALUE)
            .exec_async(conn)
            .await
            .expect("SET"),
        "pipeline" => {
            let mut pipe = redis::pipe();
            for _ in 0..10 {
                pipe.get(KEY);
            }
            let values: Vec<String> = pipe.query_async(conn).await.expect("pipeline");
            black_box(values);
        }
        other => panic!("unknown case {other}"),
    }
}

fn bench_redis(c: &mut Criterion) {
    let Some((rt, bare, traced)) = connect() else {
        return;
    };
    for (group, case) in [
        ("redis_get", "get"),
        ("redis_set", "set"),
        ("redis_pipeline_10", "pipeline"),
    ] {
        let mut group = c.benchmark_group(group);
        group.bench_function("baseline", |b| {
            b.to_async(&rt).iter(|| {
                let mut conn = bare.clone();
                async move { run(case, &mut conn).await }
            })
        });
        group.bench_function("instrumented", |b| {
            b.to_async(&rt).iter(|| {
                let mut conn = traced.clone();
                async move { run(case, &mut conn).await }
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(60);
    targets = bench_redis
}

/// `REDIS_BENCH_PAIRED=<case>:<n>`: see the module documentation.
fn run_paired(spec: &str) {
    let (case, n) = spec
        .rsplit_once(':')
        .expect("REDIS_BENCH_PAIRED=<get|set|pipeline>:<n>");
    let n: usize = n.parse().expect("a call count");
    let Some((rt, bare, traced)) = connect() else {
        return;
    };
    // Each call runs on a clone of its connection (a few reference counts, on both sides).
    let paired = rt.block_on(support::paired(n, |wrapped| {
        let (mut bare, mut traced) = (bare.clone(), traced.clone());
        async move {
            if wrapped {
                run(case, &mut traced).await;
            } else {
                run(case, &mut bare).await;
            }
        }
    }));
    println!("redis {case}, {n} pairs: {paired}");
}

fn main() {
    if let Ok(spec) = std::env::var("REDIS_BENCH_PAIRED") {
        run_paired(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
