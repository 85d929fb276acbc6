//! `wire-bytes`: prints the bytes on the wire per span, metric point and log record
//! (uncompressed, gzip, zstd). `wire-bytes child <scenario> <n>` is the child process a
//! run starts; `--spans N` sets the operations per span scenario (default 2,112: four
//! full batches of 512 and the start of a fifth).

use std::error::Error;

use wire_bytes::figures::{DEFAULT_BATCH, PerItem, full_batches, marginal, metrics_export};
use wire_bytes::receiver::{Receiver, Signal};
use wire_bytes::run::{COMPRESSIONS, in_child};
use wire_bytes::scenario::Scenario;

/// The two series counts whose difference gives bytes per metric point.
const SERIES: (usize, usize) = (100, 400);

const SPAN_ROWS: [(Scenario, &str); 6] = [
    (
        Scenario::HttpServer,
        "HTTP server span (otel-kit-http `ServerLayer`, axum)",
    ),
    (
        Scenario::HttpClient,
        "HTTP client span (otel-kit-http `ClientMiddleware`, reqwest)",
    ),
    (
        Scenario::GrpcServer,
        "gRPC server span (otel-kit-grpc `ServerLayer`, tonic)",
    ),
    (
        Scenario::GrpcClient,
        "gRPC client span (otel-kit-grpc `ClientLayer`, tonic)",
    ),
    (Scenario::Db, "database span (otel-kit-db, sqlx on SQLite)"),
    (Scenario::GenAi, "GenAI chat span (otel-kit-genai `chat`)"),
];

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        let (Some(name), Some(n)) = (args.get(1), args.get(2)) else {
            return Err("usage: wire-bytes child <scenario> <n>".into());
        };
        let scenario = Scenario::from_name(name).ok_or_else(|| format!("no scenario {name:?}"))?;
        return scenario.run(n.parse()?);
    }
    let spans = match args.as_slice() {
        [] => 4 * DEFAULT_BATCH + 64,
        [flag, n] if flag == "--spans" => n.parse()?,
        _ => return Err("usage: wire-bytes [--spans N]".into()),
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(parent(spans))
}

fn cells(values: &[f64]) -> String {
    let raw = values[0];
    let mut out = String::new();
    for v in values {
        out.push_str(&format!(" {v:.1} |"));
    }
    for v in &values[1..] {
        out.push_str(&format!(" {:.3} |", v / raw));
    }
    out
}

async fn parent(spans: usize) -> Result<(), Box<dyn Error>> {
    let exe = std::env::current_exe()?;
    let receiver = Receiver::start().await?;
    println!("| per | raw (none) | gzip | zstd | gzip / raw | zstd / raw |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut logs = Vec::new();
    let mut default_metrics = Vec::new();
    for (scenario, label) in SPAN_ROWS {
        let mut values = Vec::new();
        for compression in COMPRESSIONS {
            let exports = in_child(&exe, &receiver, scenario, spans, compression).await?;
            if let Some(first) = exports.iter().find(|e| e.signal == Signal::Traces) {
                eprintln!(
                    "{}: the resource is {} bytes of an export",
                    scenario.name(),
                    first.resource_bytes
                );
            }
            let per: PerItem = full_batches(&exports, Signal::Traces, DEFAULT_BATCH)
                .ok_or_else(|| format!("{}: no full batch of spans", scenario.name()))?;
            eprintln!(
                "{} {compression}: {} full batches, {} bytes ({} decompressed), spans: {:?}",
                scenario.name(),
                per.batches,
                per.wire_bytes,
                per.message_bytes,
                per.kinds
            );
            values.push(per.wire_per_item());
            if scenario == Scenario::HttpServer {
                let records = full_batches(&exports, Signal::Logs, DEFAULT_BATCH)
                    .ok_or("http-server: no full batch of log records")?;
                eprintln!(
                    "  logs: {} full batches, scopes {:?}",
                    records.batches, records.kinds
                );
                logs.push(records.wire_per_item());
                let metrics = metrics_export(&exports, "http.server.request.duration");
                eprintln!("  metrics at shutdown: {metrics:?}");
                default_metrics.push(metrics);
            }
        }
        println!("| {label} |{}", cells(&values));
    }
    println!(
        "| log record (a `tracing::info!` line with one field, in the server span) |{}",
        cells(&logs)
    );
    for (scenario, metric, label) in [
        (
            Scenario::Histogram,
            "http.server.request.duration",
            "histogram point (`http.server.request.duration`, one more route)",
        ),
        (
            Scenario::Counter,
            "checkout.orders",
            "counter point (an application `u64` counter, one more attribute set)",
        ),
    ] {
        let mut values = Vec::new();
        for compression in COMPRESSIONS {
            let small = metrics_export(
                &in_child(&exe, &receiver, scenario, SERIES.0, compression).await?,
                metric,
            );
            let large = metrics_export(
                &in_child(&exe, &receiver, scenario, SERIES.1, compression).await?,
                metric,
            );
            eprintln!("{} {compression}: {small:?} -> {large:?}", scenario.name());
            values
                .push(marginal(small, large).ok_or_else(|| format!("{}: no more points", scenario.name()))?);
        }
        println!("| {label} |{}", cells(&values));
    }
    let bytes: Vec<f64> = default_metrics.iter().map(|m| m.wire_bytes as f64).collect();
    println!(
        "| the default set-up's metrics export at shutdown ({} points: one route's duration, runtime and process metrics) |{}",
        default_metrics.first().map_or(0, |m| m.points),
        cells(&bytes)
    );
    Ok(())
}
