//! Memory under a flood of hostile requests with the collector down: the process's
//! resident set (RSS) while an axum server behind `ServerLayer` serves requests whose
//! path and query are about 30 KB each and whose `User-Agent` is 200 KB, every one
//! different, and the OTLP traces exporter (otel-kit-init's `init()`, gRPC) points at a
//! black hole (`otel_kit_testing::BlackHole`: it accepts and never answers), so the span
//! queue stays full and every span it holds stays in memory.
//!
//! ```text
//! hostile_requests                     both modes, each in a child process, then the table
//! hostile_requests run <mode> <count>  one mode: `capped` (the default limit, 4 KiB) or
//!                                      `uncapped` (`max_request_value_bytes(usize::MAX)`:
//!                                      values whole, as before the limit existed)
//! ```
//!
//! Each child serves 100 ordinary requests (the baseline), then `count` hostile ones
//! from 8 concurrent clients in the same process, and prints its `VmRSS` before the
//! flood, its peak (`VmHWM`) and its `VmRSS` after. Build and run (the figures are in
//! docs/reliability.md, "Request-derived strings"):
//!
//! ```sh
//! cargo test -p otel-kit-http --bench hostile_requests --no-run   # prints the binary
//! target/debug/deps/hostile_requests-<hash>                      # or cargo bench
//! ```
#![allow(missing_docs)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::Instant;

use axum::Router;
use axum::routing::get;
use otel_kit_http::ServerLayer;

const CONCURRENCY: usize = 8;
const DEFAULT_COUNT: usize = 5_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("run") => {
            let mode = args.get(1).map_or("capped", String::as_str);
            let count = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(DEFAULT_COUNT);
            run(mode, count);
        }
        _ => compare(),
    }
}

fn compare() {
    let me = std::env::current_exe().expect("this binary");
    println!("| mode | hostile requests | RSS before | peak RSS (VmHWM) | RSS after | time |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for mode in ["capped", "uncapped"] {
        let out = Command::new(&me)
            .args(["run", mode, &DEFAULT_COUNT.to_string()])
            .output()
            .expect("child");
        assert!(
            out.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

/// `VmRSS` and `VmHWM` of this process, in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn run(mode: &str, count: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
        let telemetry = otel_kit_init::builder()
            .service_name("hostile-requests")
            .environment_variables([
                ("OTEL_EXPORTER_OTLP_ENDPOINT", hole.endpoint()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
                ("OTEL_METRICS_EXPORTER", "none".to_owned()),
                ("OTEL_LOGS_EXPORTER", "none".to_owned()),
            ])
            .without_tracing_subscriber()
            .init()
            .expect("init");
        let layer = match mode {
            "uncapped" => ServerLayer::new().max_request_value_bytes(usize::MAX),
            _ => ServerLayer::new(),
        };
        let app = Router::new()
            .route("/items/{id}", get(|| async { "item" }))
            .fallback(|| async { "fallback" })
            .layer(layer);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .expect("serve");
        });
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        for _ in 0..100 {
            client
                .get(format!("http://{addr}/items/1"))
                .send()
                .await
                .expect("ordinary request");
        }
        let (before, _) = memory();

        let started = Instant::now();
        let filler = "x".repeat(200_000);
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|task| {
                let (client, filler) = (client.clone(), filler.clone());
                tokio::spawn(async move {
                    for i in (task..count).step_by(CONCURRENCY) {
                        let path = format!("{i}-{}", &filler[..30_000]);
                        let query = format!("k={i}-{}", &filler[..30_000]);
                        let agent = format!("{i}-{filler}");
                        let response = client
                            .get(format!("http://{addr}/{path}?{query}"))
                            .header("user-agent", agent)
                            .send()
                            .await
                            .expect("hostile request");
                        assert!(response.status().is_success(), "{}", response.status());
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("client task");
        }
        let took = started.elapsed();
        let (after, peak) = memory();
        let queue = telemetry.span_queue_stats().expect("the OTLP span queue");
        println!(
            "| {mode} | {count} ({} queued, {} dropped) | {before:.1} MiB | {peak:.1} MiB | {after:.1} MiB | {:.1} s |",
            queue.queued(),
            queue.dropped(),
            took.as_secs_f64()
        );
        // The black hole never answers: shutting down would wait for the export timeout.
        std::process::exit(0);
    });
}
