//! `fault-cell`: one cell of the fault matrix (`tests/it/matrix/`), as a process of its
//! own because `init()` sets process-wide state. It sets telemetry up with `init()` from
//! the `OTEL_*` variables (and the proxy variables) it is given, then makes a span, a
//! log record and a counter increment every 20 ms, and prints every signal's export
//! counters every 100 ms:
//!
//! `FAULTCELL stats <traces> <metrics> <logs> <queue>`, each signal as
//! `exported_batches,exported_items,failed_batches,failed_items` and the span queue as
//! `ended,exported,dropped,failed,queued`.
//!
//! A line `shutdown` on stdin (or stdin closing) shuts telemetry down and prints
//! `FAULTCELL shutdown <milliseconds> <ok|error>`, then the last counters, and exits.

use std::io::BufRead as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use otel_kit_init::{Signal, Telemetry};

/// The bound given to `Telemetry::shutdown`; the matrix checks it holds.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fault-cell: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _entered = runtime.enter();
    let telemetry = match otel_kit_init::builder()
        .service_name("fault-cell")
        .shutdown_timeout(SHUTDOWN_TIMEOUT)
        .without_runtime_metrics()
        .init()
    {
        Ok(telemetry) => Arc::new(telemetry),
        Err(e) => {
            eprintln!("fault-cell: init: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let emitter = {
        let (telemetry, stop) = (Arc::clone(&telemetry), Arc::clone(&stop));
        std::thread::spawn(move || emit(&telemetry, &stop))
    };
    let reporter = {
        let (telemetry, stop) = (Arc::clone(&telemetry), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                println!("{}", stats_line(&telemetry));
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    // Until `shutdown` or the end of stdin.
    for line in std::io::stdin().lock().lines() {
        match line {
            Ok(line) if line.trim() == "shutdown" => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    stop.store(true, Ordering::Release);
    let _ = emitter.join();
    let _ = reporter.join();
    let started = Instant::now();
    let result = telemetry.shutdown();
    let took = started.elapsed();
    println!(
        "FAULTCELL shutdown {} {}",
        took.as_millis(),
        match &result {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("error: {e}"),
        }
    );
    println!("{}", stats_line(&telemetry));
    let _ = std::io::Write::flush(&mut std::io::stdout());
    // Now, not when the runtime is dropped: that waits for its blocking threads, and an
    // export stuck on a silent peer would hold the process past the bound just measured.
    std::process::exit(0)
}

/// A span, a log record and a counter increment every 20 ms, until `stop`.
fn emit(telemetry: &Telemetry, stop: &AtomicBool) {
    let tracer = telemetry.tracer_provider().tracer("fault-cell");
    let logger = telemetry.logger_provider().logger("fault-cell");
    let counter = telemetry
        .meter_provider()
        .meter("fault-cell")
        .u64_counter("fault_cell.ticks")
        .build();
    let mut i = 0u64;
    while !stop.load(Ordering::Acquire) {
        let mut span = tracer.start("tick");
        span.end();
        let mut record = logger.create_log_record();
        record.set_severity_number(Severity::Info);
        record.set_body(format!("tick {i}").into());
        logger.emit(record);
        counter.add(1, &[]);
        i += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stats_line(telemetry: &Telemetry) -> String {
    let signal = |s: Signal| {
        telemetry.export_stats(s).map_or_else(
            || "-".to_owned(),
            |e| {
                format!(
                    "{},{},{},{}",
                    e.exported_batches(),
                    e.exported_items(),
                    e.failed_batches(),
                    e.failed_items()
                )
            },
        )
    };
    let queue = telemetry.span_queue_stats().map_or_else(
        || "-".to_owned(),
        |q| {
            format!(
                "{},{},{},{},{}",
                q.ended(),
                q.exported(),
                q.dropped(),
                q.failed(),
                q.queued()
            )
        },
    );
    format!(
        "FAULTCELL stats {} {} {} {queue}",
        signal(Signal::Traces),
        signal(Signal::Metrics),
        signal(Signal::Logs)
    )
}
