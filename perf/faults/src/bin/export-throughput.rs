//! Export throughput: spans the collector accepted per CPU-second of the exporting
//! process, for otel-kit-init's pipeline and the upstream SDK's defaults, in one run.
//!
//! ```text
//! export-throughput compare [--spans N] [--rate R] [--rounds K]
//! export-throughput emit <ours|sdk|sdk-tracing> <endpoint> <spans> <rate>   (the child)
//! ```
//!
//! Each child makes `spans` server spans (six attributes, like an HTTP server span) at
//! `rate` per second, exports them over OTLP/gRPC (protobuf) to a counting sink in the
//! driver, shuts down (flushing), and prints the CPU time it used. The driver alternates
//! the modes for `rounds` rounds and prints the medians.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use http_peers::sink::CountingSink;
use http_peers::stats::median;
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig as _;

const MODES: [&str; 3] = ["ours", "sdk", "sdk-tracing"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("emit") if args.len() == 5 => emit(&args[1], &args[2], parse(&args[3]), parse(&args[4]) as f64),
        Some("compare") => compare(&args[1..]),
        _ => Err("usage: export-throughput compare [--spans N] [--rate R] [--rounds K]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("export-throughput: {e}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn parse(s: &str) -> u64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

fn attributes(i: u64) -> [KeyValue; 6] {
    [
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new("http.route", "/users/{id}"),
        KeyValue::new("http.response.status_code", 200_i64),
        KeyValue::new("url.path", format!("/users/{}", i % 1000)),
        KeyValue::new("url.scheme", "http"),
        KeyValue::new("user_agent.original", "load/1.0"),
    ]
}

/// Starts and ends the `i`th server span through the OpenTelemetry API.
fn server_span(tracer: &opentelemetry_sdk::trace::SdkTracer, i: u64) {
    let mut span = tracer
        .span_builder("GET /users/{id}")
        .with_kind(SpanKind::Server)
        .start(tracer);
    span.set_attributes(attributes(i));
    span.end();
}

/// Paces `spans` calls of `make` at `rate` per second, in 1 ms slices.
fn paced(spans: u64, rate: f64, mut make: impl FnMut(u64)) {
    let start = Instant::now();
    let mut made = 0;
    while made < spans {
        let due = ((start.elapsed().as_secs_f64() * rate) as u64).min(spans);
        while made < due {
            make(made);
            made += 1;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn emit(mode: &str, endpoint: &str, spans: u64, rate: f64) -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let _entered = runtime.enter();
    match mode {
        "ours" => {
            let telemetry = otel_kit_init::builder()
                .service_name("export-throughput")
                .otlp_endpoint(endpoint)
                .otlp_protocol(otel_kit_init::config::OtlpProtocol::Grpc)
                .metrics_exporter(otel_kit_init::Exporter::None)
                .logs_exporter(otel_kit_init::Exporter::None)
                .without_tracing_subscriber()
                .init()?;
            let tracer = telemetry.tracer_provider().tracer("load");
            paced(spans, rate, |i| server_span(&tracer, i));
            telemetry.shutdown()?;
        }
        "sdk" | "sdk-tracing" => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()?;
            let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .build();
            let tracer = provider.tracer("load");
            if mode == "sdk" {
                paced(spans, rate, |i| server_span(&tracer, i));
            } else {
                use tracing_subscriber::prelude::*;
                let subscriber =
                    tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer));
                tracing::subscriber::with_default(subscriber, || {
                    paced(spans, rate, |i| {
                        let span = tracing::info_span!(
                            "GET /users/{id}",
                            otel.kind = "server",
                            http.request.method = "GET",
                            http.route = "/users/{id}",
                            http.response.status_code = 200_i64,
                            url.path = format!("/users/{}", i % 1000),
                            url.scheme = "http",
                            user_agent.original = "load/1.0",
                        );
                        drop(span.entered());
                    });
                });
            }
            provider.shutdown()?;
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    let cpu =
        http_peers::process::cpu_time(std::process::id(), http_peers::process::clock_ticks_per_second())?;
    println!("CPU_NS {}", cpu.as_nanos());
    Ok(())
}

fn compare(args: &[String]) -> Result<(), BoxError> {
    let (mut spans, mut rate, mut rounds) = (200_000u64, 20_000u64, 3usize);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--spans" => spans = parse(value),
            "--rate" => rate = parse(value),
            "--rounds" => rounds = parse(value) as usize,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let exe = std::env::current_exe()?;
    let mut per_span: Vec<Vec<f64>> = vec![Vec::new(); MODES.len()];
    let mut accepted: Vec<Vec<f64>> = vec![Vec::new(); MODES.len()];
    for round in 0..rounds {
        for (m, mode) in MODES.iter().enumerate() {
            let sink = runtime.block_on(CountingSink::start())?;
            let output = Command::new(&exe)
                .args([
                    "emit",
                    mode,
                    &sink.endpoint(),
                    &spans.to_string(),
                    &rate.to_string(),
                ])
                .stderr(Stdio::inherit())
                .output()?;
            if !output.status.success() {
                return Err(format!("{mode} failed").into());
            }
            let stdout = String::from_utf8_lossy(&output.stdout);
            let cpu_ns: f64 = stdout
                .lines()
                .find_map(|l| l.strip_prefix("CPU_NS "))
                .and_then(|v| v.trim().parse().ok())
                .ok_or("no CPU_NS line")?;
            let received = sink.spans() as f64;
            let us = cpu_ns / 1000.0 / received.max(1.0);
            println!(
                "round {round} {mode:<12} received {received:>8.0} of {spans}  CPU {:>6.2} s  {us:>5.2} us/span  \
                 {:>8.0} spans per CPU-second",
                cpu_ns / 1e9,
                received / (cpu_ns / 1e9)
            );
            per_span[m].push(us);
            accepted[m].push(received / spans as f64);
        }
    }
    println!("\nmedians over {rounds} rounds ({spans} spans at {rate}/s per run):");
    let base = median(&per_span[1]).unwrap_or(f64::NAN);
    for (m, mode) in MODES.iter().enumerate() {
        let us = median(&per_span[m]).unwrap_or(f64::NAN);
        println!(
            "  {mode:<12} {us:>5.2} us of CPU per accepted span ({:>8.0} per CPU-second), {:.4} accepted, {:.2}x the SDK's",
            1e6 / us,
            median(&accepted[m]).unwrap_or(f64::NAN),
            us / base
        );
    }
    Ok(())
}
