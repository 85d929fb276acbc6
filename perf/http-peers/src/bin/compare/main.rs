//! The load comparison driver. See README.md; in short:
//!
//! ```text
//! cargo run --manifest-path perf/Cargo.toml --release -p http-peers --bin compare -- --requests 100000 --connections 16 --rounds 3
//! ```
//!
//! Starts an in-process OTLP/gRPC receiver (a span-counting sink by default, or
//! `otel_kit_testing::TestCollector` with `--collector test-collector`, or the real rotel
//! collector forwarding to the counting sink with `--collector rotel`), then, round after
//! round, runs each variant's server as a child process (this same executable with
//! `--serve`), warms it up, drives a fixed number of requests over keep-alive HTTP/1.1
//! connections in a closed loop, and measures the server's CPU time, throughput, latency
//! percentiles, peak RSS and, for traced variants, the spans the collector received.
//! Prints one line per run on stderr and a Markdown table of medians on stdout.

use std::error::Error;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use http_peers::collector::Collector;
use http_peers::report::{QueueStats, Run, Setup, describe, table};
use http_peers::server::{LISTENING_MARKER, STATS_MARKER};
use http_peers::sink::CountingSink;
use http_peers::stats::percentile_sorted;
use http_peers::{Variant, load, pin, process};
use otel_kit_testing::TestCollector;

type BoxError = Box<dyn Error + Send + Sync>;

mod options;

use options::{CollectorKind, Options, USAGE};

/// With `--pin`: the server's CPU, and the driver's (with rotel's).
const SERVER_CPU: usize = 0;
const DRIVER_CPU: usize = 1;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The driver runs each server as `<this executable> --serve <variant> <addr>`, so the
    // server is always the build of the same sources as the driver.
    if args.first().map(String::as_str) == Some("--serve") {
        return serve(&args[1..]);
    }
    let options = match Options::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("compare: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match compare(&options, &args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: &[String]) -> ExitCode {
    let parsed = (|| -> Result<(Variant, SocketAddr, Option<usize>), String> {
        let variant = args.first().ok_or("--serve needs a variant")?;
        let variant = variant.parse::<Variant>().map_err(|e| e.to_string())?;
        let addr = args.get(1).map_or("127.0.0.1:0", String::as_str);
        let addr = addr.parse().map_err(|e| format!("bad address {addr:?}: {e}"))?;
        let workers = args
            .get(2)
            .map(|w| {
                w.parse::<usize>()
                    .map_err(|e| format!("bad worker count {w:?}: {e}"))
            })
            .transpose()?;
        Ok((variant, addr, workers))
    })();
    let result = parsed
        .map_err(Into::into)
        .and_then(|(variant, addr, workers)| http_peers::server::run(variant, addr, workers));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-peers server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn compare(o: &Options, args: &[String]) -> Result<(), BoxError> {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    if o.pin {
        if cores < 2 {
            return Err(format!("--pin needs 2 cores, this process may use {cores}").into());
        }
        // Before any thread or child exists, so all of them inherit it.
        pin::pin_this_process(DRIVER_CPU)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // The collector gets a runtime (and thread) of its own: on the load generator's
    // runtime its answers would wait behind the client, and the servers' exporter, which
    // sends one batch at a time, would fall behind for reasons that are not theirs.
    let collector_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("collector")
        .enable_all()
        .build()?;
    let collector = match o.collector {
        CollectorKind::Counting => Collector::Counting(collector_runtime.block_on(CountingSink::start())?),
        CollectorKind::TestCollector => Collector::Test(collector_runtime.block_on(TestCollector::start())?),
        CollectorKind::Rotel => collector_runtime.block_on(Collector::start_rotel())?,
    };
    let mut server_env = server_environment();
    if let Some(realistic) = &o.realistic {
        // The stub the realistic handler calls, on the load generator's runtime (and CPU).
        let stub = runtime.block_on(http_peers::realistic::serve_stub())?;
        server_env.push((http_peers::realistic::STUB_ENV, stub));
        server_env.push((http_peers::realistic::DB_ENV, realistic.db.clone()));
    }
    eprintln!(
        "settings for the servers: {}",
        server_env
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let exe = std::env::current_exe()?;
    let ticks = process::clock_ticks_per_second();
    let placement = if o.pin {
        format!(
            "the server pinned to CPU {SERVER_CPU} with one tokio worker thread (its export threads \
             on the same CPU), the load generator, the sink and rotel pinned to CPU {DRIVER_CPU}"
        )
    } else {
        "the server on a multi-thread runtime (one worker per core), nothing pinned".to_owned()
    };
    let (endpoint, protocol) = collector.endpoint();
    eprintln!(
        "collector: {}, {protocol} at {endpoint}; {cores} cores; {placement}; \
         {} rounds x {} variants; {} warm-up + {} measured requests over {} connections",
        collector.description(),
        o.rounds,
        o.variants.len(),
        o.warmup,
        o.requests,
        o.connections
    );

    let bench = Bench {
        runtime: &runtime,
        collector: &collector,
        exe: &exe,
        server_env: &server_env,
        ticks,
    };
    let mut runs = Vec::new();
    for round in 1..=o.rounds {
        // The realistic rounds rotate their order, so no variant always follows the same one.
        let mut order = o.variants.clone();
        if o.realistic.is_some() && !order.is_empty() {
            let len = order.len();
            order.rotate_left((round - 1) % len);
        }
        for &variant in &order {
            let run = run_variant(&bench, variant, round, o)?;
            eprintln!("{}", describe(&run));
            runs.push(run);
        }
    }
    let setup = Setup {
        args,
        variants: &o.variants,
        rounds: o.rounds,
        warmup: o.warmup,
        requests: o.requests,
        connections: o.connections,
        cores,
        collector: collector.description().to_owned(),
        placement,
        server_env: &server_env,
    };
    match &o.realistic {
        Some(r) => println!(
            "{}",
            http_peers::realistic_report::table(&runs, &setup, r.rate, r.seconds, r.warmup_seconds)
        ),
        None => println!("{}", table(&runs, &setup)),
    }
    drop(collector);
    collector_runtime.shutdown_background();
    Ok(())
}

/// The settings passed to the servers, unless the driver's own environment sets them
/// (then those reach the servers unchanged).
///
/// - `OTEL_BSP_MAX_QUEUE_SIZE`: 16384. The default queue (2048) drops spans when the
///   closed loop outruns the export thread for a moment (measured here: up to 16% of a
///   run's spans), and a dropped span is never encoded nor sent: the variant that drops
///   most would look cheapest. 16384 kept every span in trials on 2 cores; the table
///   flags any run that lost some. Only the slots a backlog uses count in the RSS.
/// - `OTEL_BSP_SCHEDULE_DELAY`: 100 ms instead of 5 s, so the last partial batch of a
///   phase leaves promptly and the CPU window can close once every span has arrived.
///   Under load batches fill (512 spans) long before either delay.
/// - `OTEL_METRIC_EXPORT_INTERVAL`: 1000 ms instead of 60 s, so the duration metric is
///   exported (and paid for) during every run, not only at shutdown.
fn server_environment() -> Vec<(&'static str, String)> {
    let defaults = [
        ("OTEL_BSP_MAX_QUEUE_SIZE", "16384".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "1000".to_owned()),
    ];
    defaults
        .into_iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .collect()
}

/// Kills the server if the driver bails out while it still runs (by its own pid).
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// What every run shares.
struct Bench<'a> {
    runtime: &'a tokio::runtime::Runtime,
    collector: &'a Collector,
    exe: &'a Path,
    server_env: &'a [(&'static str, String)],
    ticks: u64,
}

fn run_variant(bench: &Bench<'_>, variant: Variant, round: usize, o: &Options) -> Result<Run, BoxError> {
    let Bench {
        runtime,
        collector,
        exe,
        server_env,
        ticks,
    } = *bench;
    collector.reset();
    let (endpoint, protocol) = collector.endpoint();
    let mut command = pin::command(exe, o.pin.then_some(SERVER_CPU));
    command.args(["--serve", variant.name(), "127.0.0.1:0"]);
    if o.pin {
        command.arg("1");
    }
    let mut server = ServerProcess(
        command
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
            .envs(server_env.iter().map(|(k, v)| (k, v)))
            .envs(variant.env().iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?,
    );
    let pid = server.0.id();
    let stdout = server.0.stdout.take().ok_or("server stdout was not piped")?;
    let (lines, markers) = mpsc::channel::<String>();
    let verbose = o.verbose;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with(LISTENING_MARKER) || line.starts_with(STATS_MARKER) {
                if lines.send(line).is_err() {
                    break;
                }
            } else if verbose {
                eprintln!("  [{variant}] {line}");
            }
        }
    });
    let listening = markers
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| format!("{variant}: the server did not start listening within 30 s"))?;
    let addr: SocketAddr = listening
        .strip_prefix(LISTENING_MARKER)
        .unwrap_or_default()
        .trim()
        .parse()
        .map_err(|e| format!("{variant}: bad listening line {listening:?}: {e}"))?;

    // A traced variant's CPU window closes only once every span of the phase has reached
    // the collector, so it includes encoding and exporting them, also when the export
    // thread runs behind the requests; the warm-up's spans are out before it opens.
    let stall = Duration::from_secs(2) + schedule_delay(server_env);
    // A variant sampling a ratio sends no fixed number of spans: wait until they stop.
    let exported = |requests: usize| match variant.spans_per_request() {
        Some(per_request) => wait_for_spans(collector, requests * per_request, stall),
        None if variant.exports_spans() => wait_for_spans(collector, usize::MAX, stall),
        None => Duration::ZERO,
    };
    let mut warmup = o.warmup;
    let mut requests = o.requests;
    let measured = runtime.block_on(async {
        let connections = load::connect(addr, o.connections).await?;
        let connections = match &o.realistic {
            Some(r) => {
                let (c, run) =
                    load::fixed_rate(connections, r.rate, secs(r.warmup_seconds), service_path).await?;
                check_statuses(variant, &run)?;
                warmup = run.latencies.len();
                c
            }
            None => load::closed_loop(connections, o.warmup, user_path).await?.0,
        };
        exported(warmup);
        let server_before = process::cpu_time(pid, ticks)?;
        let driver_before = process::cpu_time(std::process::id(), ticks)?;
        let start = Instant::now();
        let (connections, mut latencies) = match &o.realistic {
            Some(r) => {
                let (c, run) = load::fixed_rate(connections, r.rate, secs(r.seconds), service_path).await?;
                check_statuses(variant, &run)?;
                // Without the generator's timer lateness (tokio's timer has a resolution
                // of 1 ms, as much as the service's own latency here).
                (c, run.latencies_from_wake)
            }
            None => load::closed_loop(connections, o.requests, user_path).await?,
        };
        requests = latencies.len();
        let wall = start.elapsed();
        let export_tail = exported(warmup + requests);
        let server_cpu = process::cpu_time(pid, ticks)?.saturating_sub(server_before);
        let driver_cpu = process::cpu_time(std::process::id(), ticks)?.saturating_sub(driver_before);
        let peak_rss = process::peak_rss(pid)?;
        drop(connections);
        latencies.sort_unstable();
        let pct = |p| Duration::from_nanos(percentile_sorted(&latencies, p).unwrap_or_default());
        Ok::<_, BoxError>((
            wall,
            export_tail,
            server_cpu,
            driver_cpu,
            pct(50.0),
            pct(99.0),
            peak_rss,
        ))
    })?;
    let (wall, export_tail, server_cpu, driver_cpu, p50, p99, peak_rss) = measured;

    // Closing stdin asks the server to stop, flush its telemetry and print its counters.
    drop(server.0.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = server.0.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            return Err(format!("{variant}: the server did not stop within 60 s").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        return Err(format!("{variant}: the server exited with {status}").into());
    }
    let queue = markers
        .recv_timeout(Duration::from_secs(5))
        .ok()
        .map(|line| QueueStats::parse(&line));

    let spans = if variant.exports_spans() {
        // A ratio-sampled variant: what every request sampled would send.
        let expected = (warmup + requests) * variant.spans_per_request().unwrap_or(3);
        // The server's shutdown returned after its last export was answered, so every
        // span that was going to arrive has.
        wait_for_spans(collector, expected, Duration::from_secs(5));
        Some((expected, collector.spans()))
    } else {
        None
    };
    if let Some(sink) = collector.sink().filter(|_| o.verbose) {
        eprintln!(
            "  sink: {} trace exports, {} metrics exports, {} other, {} malformed",
            sink.trace_exports(),
            sink.metric_exports(),
            sink.other_exports(),
            sink.malformed()
        );
    }
    // The server's shutdown flushed its metrics too; rotel may hold them up to 100 ms.
    let duration_metric = match collector.sink() {
        Some(sink) if variant.records_duration_metric() => {
            let expected = warmup + requests;
            let deadline = Instant::now() + Duration::from_secs(5);
            while sink.duration_metric().count < expected as u64 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            let counts = sink.duration_metric();
            Some((expected, counts.count, counts.exemplars))
        }
        _ => None,
    };
    collector.reset();

    Ok(Run {
        variant,
        round,
        requests,
        wall,
        export_tail,
        server_cpu,
        driver_cpu,
        p50,
        p99,
        peak_rss,
        spans,
        duration_metric,
        queue: queue.filter(|_| variant.traced()),
    })
}

/// The servers' `OTEL_BSP_SCHEDULE_DELAY` (5 s when unset or unreadable).
fn schedule_delay(server_env: &[(&'static str, String)]) -> Duration {
    const NAME: &str = "OTEL_BSP_SCHEDULE_DELAY";
    server_env
        .iter()
        .find(|(k, _)| *k == NAME)
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var(NAME).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(5), Duration::from_millis)
}

/// Waits until the collector holds `count` spans, or `stall` passed without a new span
/// arriving (spans dropped at the server's queue never come); returns how long it waited.
fn wait_for_spans(collector: &Collector, count: usize, stall: Duration) -> Duration {
    let start = Instant::now();
    let mut last = collector.spans();
    let mut last_change = Instant::now();
    while last < count && last_change.elapsed() < stall {
        std::thread::sleep(collector.poll_interval());
        let now = collector.spans();
        if now != last {
            (last, last_change) = (now, Instant::now());
        }
    }
    start.elapsed()
}

/// The realistic load's paths: `/users/1` .. `/users/1000`, the rows seeded.
fn service_path(i: usize) -> String {
    format!("/users/{}", i % http_peers::realistic::USERS + 1)
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// A fixed-rate phase in which any answer was not 200 fails the run.
fn check_statuses(variant: Variant, run: &load::FixedRateRun) -> Result<(), BoxError> {
    if run.errors > 0 {
        return Err(format!(
            "{variant}: {} of {} requests did not answer 200",
            run.errors,
            run.latencies.len()
        )
        .into());
    }
    Ok(())
}

/// The load's paths: `/users/0` .. `/users/9999`.
fn user_path(i: usize) -> String {
    format!("/users/{}", i % 10_000)
}
