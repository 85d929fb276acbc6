//! Export throughput: CPU per span of the exporting process, in one run, for:
//!
//! - whole pipelines: otel-kit-init's (`ours`) against the upstream SDK's defaults
//!   (`sdk`: `BatchSpanProcessor` and opentelemetry-otlp's tonic exporter) and the same
//!   through tracing-opentelemetry (`sdk-tracing`);
//! - the exporter alone, swapped under the same SDK set-up (`BatchSpanProcessor`):
//!   opentelemetry-otlp's (`sdk`) against otel-kit-otlp's (`sdk-kit-otlp`), over a
//!   no-op exporter (`sdk-noop`) whose CPU is what the spans cost without exporting;
//! - the span processor alone: otel-kit-otlp's `SpanQueueProcessor` with our exporter
//!   (`queue-kit-otlp`) and with the no-op one (`queue-noop`), against the SDK's
//!   `BatchSpanProcessor` with the same exporters.
//!
//! ```text
//! export-throughput compare [--spans N] [--rate R] [--rounds K] [--modes a,b,...]
//! export-throughput emit <mode> <endpoint> <spans> <rate>   (the child)
//! ```
//!
//! Each child makes `spans` server spans (six attributes, like an HTTP server span) at
//! `rate` per second, exports them over OTLP/gRPC (protobuf) to a counting sink in the
//! driver (except the no-op modes), shuts down (flushing), and prints the CPU time it
//! used. The driver alternates the modes for `rounds` rounds, checks that every span
//! reached the sink, and prints the medians and the ratios.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use http_peers::sink::CountingSink;
use http_peers::stats::median;
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig as _;

/// Every mode, in the order a round runs them.
const MODES: [&str; 7] = [
    "ours",
    "sdk",
    "sdk-tracing",
    "sdk-kit-otlp",
    "sdk-noop",
    "queue-kit-otlp",
    "queue-noop",
];

/// A span exporter that drops every batch: the cost of the spans and the processor
/// without any export.
#[derive(Debug)]
struct NoopExporter;

impl opentelemetry_sdk::trace::SpanExporter for NoopExporter {
    async fn export(
        &self,
        _batch: Vec<opentelemetry_sdk::trace::SpanData>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        Ok(())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("emit") if args.len() == 5 => emit(&args[1], &args[2], parse(&args[3]), parse(&args[4]) as f64),
        Some("compare") => compare(&args[1..]),
        _ => Err(
            "usage: export-throughput compare [--spans N] [--rate R] [--rounds K] [--modes a,b,...]".into(),
        ),
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
                .otlp_protocol(otel_kit_init::config::Protocol::Grpc)
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
        "sdk-kit-otlp" | "sdk-noop" | "queue-kit-otlp" | "queue-noop" => {
            use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider};
            use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
            // The SDK's defaults for both processors: queue 2048, batches of 512, 5 s.
            let builder = SdkTracerProvider::builder();
            let builder = match mode {
                "sdk-kit-otlp" => {
                    builder.with_span_processor(BatchSpanProcessor::builder(kit_exporter(endpoint)?).build())
                }
                "sdk-noop" => builder.with_span_processor(BatchSpanProcessor::builder(NoopExporter).build()),
                "queue-kit-otlp" => builder.with_span_processor(SpanQueueProcessor::new(
                    kit_exporter(endpoint)?,
                    BatchSettings::SPAN_DEFAULTS,
                )),
                _ => builder.with_span_processor(SpanQueueProcessor::new(
                    NoopExporter,
                    BatchSettings::SPAN_DEFAULTS,
                )),
            };
            let provider = builder.build();
            let tracer = provider.tracer("load");
            paced(spans, rate, |i| server_span(&tracer, i));
            provider.shutdown()?;
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    let cpu =
        http_peers::process::cpu_time(std::process::id(), http_peers::process::clock_ticks_per_second())?;
    println!("CPU_NS {}", cpu.as_nanos());
    Ok(())
}

/// otel-kit-otlp's OTLP/gRPC span exporter, as any SDK user builds it.
fn kit_exporter(endpoint: &str) -> Result<otel_kit_otlp::SpanExporter, BoxError> {
    Ok(otel_kit_otlp::SpanExporter::builder()
        .with_protocol(otel_kit_otlp::Protocol::Grpc)
        .with_endpoint(endpoint)
        .build()?)
}

/// Whether `mode` sends its spans to the sink (the no-op modes drop them).
fn exports(mode: &str) -> bool {
    !mode.ends_with("-noop")
}

fn compare(args: &[String]) -> Result<(), BoxError> {
    let (mut spans, mut rate, mut rounds) = (200_000u64, 20_000u64, 3usize);
    let mut modes: Vec<&str> = MODES.to_vec();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--spans" => spans = parse(value),
            "--rate" => rate = parse(value),
            "--rounds" => rounds = parse(value) as usize,
            "--modes" => {
                modes = value.split(',').map(str::trim).collect();
                if let Some(unknown) = modes.iter().find(|m| !MODES.contains(m)) {
                    return Err(format!("unknown mode {unknown}; the modes are {}", MODES.join(", ")).into());
                }
            }
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let exe = std::env::current_exe()?;
    let mut per_span: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
    let mut accepted: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
    for round in 0..rounds {
        for (m, mode) in modes.iter().enumerate() {
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
            // Per span made: every exporting mode must deliver them all (flagged below).
            let received = sink.spans() as f64;
            let delivered = if exports(mode) {
                received / spans as f64
            } else {
                1.0
            };
            let us = cpu_ns / 1000.0 / spans as f64;
            println!(
                "round {round} {mode:<14} received {received:>8.0} of {spans}  CPU {:>6.2} s  {us:>5.2} us/span",
                cpu_ns / 1e9,
            );
            per_span[m].push(us);
            accepted[m].push(delivered);
        }
    }
    println!("\nmedians over {rounds} rounds ({spans} spans at {rate}/s per run):");
    let of = |name: &str| {
        let m = modes.iter().position(|mode| *mode == name)?;
        median(&per_span[m])
    };
    let base = of("sdk").unwrap_or(f64::NAN);
    for (m, mode) in modes.iter().enumerate() {
        let us = median(&per_span[m]).unwrap_or(f64::NAN);
        let share = median(&accepted[m]).unwrap_or(f64::NAN);
        println!(
            "  {mode:<14} {us:>5.2} us of CPU per span ({:>8.0} per CPU-second), {share:.4} delivered, {:.2}x the SDK's{}",
            1e6 / us,
            us / base,
            if share < 1.0 { "  SPANS LOST" } else { "" }
        );
    }
    if let (Some(upstream), Some(ours), Some(noop)) = (of("sdk"), of("sdk-kit-otlp"), of("sdk-noop")) {
        println!(
            "\nthe exporter alone, under the SDK's BatchSpanProcessor: opentelemetry-otlp adds {:.2} us per span, \
             otel-kit-otlp {:.2} us: {:.2}x",
            upstream - noop,
            ours - noop,
            (ours - noop) / (upstream - noop)
        );
    }
    if let (Some(queue), Some(batch)) = (of("queue-noop"), of("sdk-noop")) {
        println!(
            "the processor alone, no-op exporter: SpanQueueProcessor {queue:.2} us per span, BatchSpanProcessor \
             {batch:.2} us: {:.2}x",
            queue / batch
        );
    }
    if let (Some(queue), Some(batch)) = (of("queue-kit-otlp"), of("sdk-kit-otlp")) {
        println!(
            "the processor with otel-kit-otlp's exporter: SpanQueueProcessor {queue:.2} us per span, \
             BatchSpanProcessor {batch:.2} us: {:.2}x",
            queue / batch
        );
    }
    Ok(())
}
