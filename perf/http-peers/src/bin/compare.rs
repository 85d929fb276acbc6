//! The load comparison driver. See README.md; in short:
//!
//! ```text
//! cargo run --release -p http-peers --bin compare -- --requests 100000 --connections 16 --rounds 3
//! ```
//!
//! Starts an in-process OTLP/gRPC receiver (a span-counting sink by default, or
//! `otel_kit_testing::TestCollector` with `--collector test-collector`), then, round after
//! round, runs each variant's server as a child process (this same executable with
//! `--serve`), warms it up, drives a fixed number of requests over keep-alive HTTP/1.1
//! connections in a closed loop, and measures the server's CPU time, throughput, latency
//! percentiles, peak RSS and, for traced variants, the spans the collector received.
//! Prints one line per run on stderr and a Markdown table of medians on stdout.

use std::error::Error;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use http_peers::server::{LISTENING_MARKER, STATS_MARKER};
use http_peers::sink::CountingSink;
use http_peers::stats::{median, percentile_sorted};
use http_peers::{Variant, load, process};
use otel_kit_testing::TestCollector;

type BoxError = Box<dyn Error + Send + Sync>;

const USAGE: &str = "\
usage: compare [--requests N] [--connections C] [--rounds R] [--warmup W]
               [--variants plain,ours,axum-tracing-opentelemetry,tower-http]
               [--collector counting|test-collector] [--verbose]

  --requests N     measured requests per run (default 100000)
  --connections C  keep-alive HTTP/1.1 connections, each in a closed loop (default 16)
  --rounds R       rounds; each runs every variant once, in the order given (default 3)
  --warmup W       requests before measuring, on the same connections (default 10000)
  --variants LIST  comma-separated (default: all four; include plain for the ratios)
  --collector KIND where the servers export OTLP/gRPC: `counting` (default), an
                   in-process sink that counts spans on the wire and keeps nothing, or
                   `test-collector`, otel_kit_testing::TestCollector, which decodes and
                   stores every span (several us of driver CPU per span on the same cores)
  --verbose        echo the servers' own output";

#[derive(Debug, Clone)]
struct Options {
    requests: usize,
    connections: usize,
    rounds: usize,
    warmup: usize,
    variants: Vec<Variant>,
    collector: CollectorKind,
    verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CollectorKind {
    Counting,
    TestCollector,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = Options {
            requests: 100_000,
            connections: 16,
            rounds: 3,
            warmup: 10_000,
            variants: Variant::ALL.to_vec(),
            collector: CollectorKind::Counting,
            verbose: false,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
            let number = |name: &str, v: String| {
                v.replace('_', "")
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0 || name == "--warmup")
                    .ok_or_else(|| format!("{name}: {v:?} is not a positive integer"))
            };
            match arg.as_str() {
                "--requests" => o.requests = number(arg, value(arg)?)?,
                "--connections" => o.connections = number(arg, value(arg)?)?,
                "--rounds" => o.rounds = number(arg, value(arg)?)?,
                "--warmup" => o.warmup = number(arg, value(arg)?)?,
                "--variants" => {
                    o.variants = value(arg)?
                        .split(',')
                        .map(|v| v.trim().parse::<Variant>().map_err(|e| e.to_string()))
                        .collect::<Result<_, _>>()?;
                }
                "--collector" => {
                    o.collector = match value(arg)?.as_str() {
                        "counting" => CollectorKind::Counting,
                        "test-collector" => CollectorKind::TestCollector,
                        other => return Err(format!("--collector: unknown kind {other:?}")),
                    }
                }
                "--verbose" => o.verbose = true,
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(o)
    }
}

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
    let parsed = (|| -> Result<(Variant, SocketAddr), String> {
        let variant = args.first().ok_or("--serve needs a variant")?;
        let variant = variant.parse::<Variant>().map_err(|e| e.to_string())?;
        let addr = args.get(1).map_or("127.0.0.1:0", String::as_str);
        let addr = addr.parse().map_err(|e| format!("bad address {addr:?}: {e}"))?;
        Ok((variant, addr))
    })();
    let result = parsed
        .map_err(Into::into)
        .and_then(|(variant, addr)| http_peers::server::run(variant, addr));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-peers server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one run of one variant measured.
#[derive(Debug, Clone)]
struct Run {
    variant: Variant,
    round: usize,
    requests: usize,
    wall: Duration,
    /// From the last response to the last span's arrival at the collector.
    export_tail: Duration,
    server_cpu: Duration,
    driver_cpu: Duration,
    p50: Duration,
    p99: Duration,
    peak_rss: u64,
    /// Spans expected (warm-up + measured requests) and received, for traced variants.
    spans: Option<(usize, usize)>,
    queue: Option<QueueStats>,
}

impl Run {
    fn cpu_per_request_us(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.requests as f64
    }

    fn throughput(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }
}

/// The server's OTLP span-queue counters, read after its telemetry shut down.
#[derive(Debug, Clone, Copy, Default)]
struct QueueStats {
    ended: u64,
    exported: u64,
    dropped: u64,
    failed: u64,
}

impl QueueStats {
    fn parse(line: &str) -> Self {
        let mut s = QueueStats::default();
        for (key, value) in line.split_whitespace().filter_map(|kv| kv.split_once('=')) {
            let value = value.parse().unwrap_or_default();
            match key {
                "ended" => s.ended = value,
                "exported" => s.exported = value,
                "dropped" => s.dropped = value,
                "failed" => s.failed = value,
                _ => {}
            }
        }
        s
    }
}

/// Where the servers export: both speak OTLP/gRPC on loopback.
enum Collector {
    Counting(CountingSink),
    Test(TestCollector),
}

impl Collector {
    fn endpoint(&self) -> String {
        match self {
            Collector::Counting(s) => s.endpoint(),
            Collector::Test(c) => c.endpoint(),
        }
    }

    fn description(&self) -> &'static str {
        match self {
            Collector::Counting(_) => "an in-process counting sink (http_peers::sink::CountingSink)",
            Collector::Test(_) => "an in-process `otel_kit_testing::TestCollector`",
        }
    }

    fn spans(&self) -> usize {
        match self {
            Collector::Counting(s) => usize::try_from(s.spans()).unwrap_or(usize::MAX),
            Collector::Test(c) => c.spans().len(),
        }
    }

    /// How often to count while waiting: counting is an atomic load for the sink, a copy
    /// of every stored span for the test collector.
    fn poll_interval(&self) -> Duration {
        match self {
            Collector::Counting(_) => Duration::from_millis(2),
            Collector::Test(_) => Duration::from_millis(100),
        }
    }

    fn reset(&self) {
        match self {
            Collector::Counting(s) => s.reset(),
            Collector::Test(c) => c.reset(),
        }
    }
}

fn compare(o: &Options, args: &[String]) -> Result<(), BoxError> {
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
    };
    let batch_env = batch_environment();
    eprintln!(
        "span batch settings for the servers: {}",
        batch_env
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let exe = std::env::current_exe()?;
    let ticks = process::clock_ticks_per_second();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    eprintln!(
        "collector: {}, OTLP/gRPC at {}; {cores} cores; \
         {} rounds x {} variants; {} warm-up + {} measured requests over {} connections",
        collector.description(),
        collector.endpoint(),
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
        batch_env: &batch_env,
        ticks,
    };
    let mut runs = Vec::new();
    for round in 1..=o.rounds {
        for &variant in &o.variants {
            let run = run_variant(&bench, variant, round, o)?;
            eprintln!("{}", describe(&run));
            runs.push(run);
        }
    }
    println!(
        "{}",
        table(&runs, o, args, cores, collector.description(), &batch_env)
    );
    drop(collector);
    collector_runtime.shutdown_background();
    Ok(())
}

/// The batch span processor settings passed to the servers, unless the driver's own
/// environment sets them (then those reach the servers unchanged).
///
/// - `OTEL_BSP_MAX_QUEUE_SIZE`: 16384. The default queue (2048) drops spans when the
///   closed loop outruns the export thread for a moment (measured here: up to 16% of a
///   run's spans), and a dropped span is never encoded nor sent: the variant that drops
///   most would look cheapest. 16384 kept every span in trials on 2 cores; the table
///   flags any run that lost some. Only the slots a backlog uses count in the RSS.
/// - `OTEL_BSP_SCHEDULE_DELAY`: 100 ms instead of 5 s, so the last partial batch of a
///   phase leaves promptly and the CPU window can close once every span has arrived.
///   Under load batches fill (512 spans) long before either delay.
fn batch_environment() -> Vec<(&'static str, String)> {
    let defaults = [
        ("OTEL_BSP_MAX_QUEUE_SIZE", "16384".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
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
    batch_env: &'a [(&'static str, String)],
    ticks: u64,
}

fn run_variant(bench: &Bench<'_>, variant: Variant, round: usize, o: &Options) -> Result<Run, BoxError> {
    let Bench {
        runtime,
        collector,
        exe,
        batch_env,
        ticks,
    } = *bench;
    collector.reset();
    let mut server = ServerProcess(
        Command::new(exe)
            .args(["--serve", variant.name(), "127.0.0.1:0"])
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
            .envs(batch_env.iter().map(|(k, v)| (k, v)))
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
    let stall = Duration::from_secs(2) + schedule_delay(batch_env);
    let exported = |count: usize| {
        if variant.exports_spans() {
            wait_for_spans(collector, count, stall)
        } else {
            Duration::ZERO
        }
    };
    let measured = runtime.block_on(async {
        let connections = load::connect(addr, o.connections).await?;
        let (connections, _) = load::closed_loop(connections, o.warmup, user_path).await?;
        exported(o.warmup);
        let server_before = process::cpu_time(pid, ticks)?;
        let driver_before = process::cpu_time(std::process::id(), ticks)?;
        let start = Instant::now();
        let (connections, mut latencies) = load::closed_loop(connections, o.requests, user_path).await?;
        let wall = start.elapsed();
        let export_tail = exported(o.warmup + o.requests);
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
        let expected = o.warmup + o.requests;
        // The server's shutdown returned after its last export was answered, so every
        // span that was going to arrive has.
        wait_for_spans(collector, expected, Duration::from_secs(5));
        Some((expected, collector.spans()))
    } else {
        None
    };
    collector.reset();

    Ok(Run {
        variant,
        round,
        requests: o.requests,
        wall,
        export_tail,
        server_cpu,
        driver_cpu,
        p50,
        p99,
        peak_rss,
        spans,
        queue: queue.filter(|_| variant.traced()),
    })
}

/// The servers' `OTEL_BSP_SCHEDULE_DELAY` (5 s when unset or unreadable).
fn schedule_delay(batch_env: &[(&'static str, String)]) -> Duration {
    const NAME: &str = "OTEL_BSP_SCHEDULE_DELAY";
    batch_env
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

fn describe(r: &Run) -> String {
    let mut s = format!(
        "round {} {:<27} {:>7.0} req/s  server CPU {:>5.1} us/req  driver CPU {:>5.1} us/req  \
         p50 {:>6.0} us  p99 {:>6.0} us  peak RSS {:>6.1} MiB",
        r.round,
        r.variant.name(),
        r.throughput(),
        r.cpu_per_request_us(),
        r.driver_cpu.as_secs_f64() * 1e6 / r.requests as f64,
        r.p50.as_secs_f64() * 1e6,
        r.p99.as_secs_f64() * 1e6,
        r.peak_rss as f64 / (1024.0 * 1024.0),
    );
    if let Some((expected, received)) = r.spans {
        s.push_str(&format!(
            "  spans {received}/{expected}, last {:.0} ms after the last response",
            r.export_tail.as_secs_f64() * 1e3
        ));
    }
    if let Some(q) = r.queue {
        s.push_str(&format!(
            " (queue: ended {} exported {} dropped {} failed {})",
            q.ended, q.exported, q.dropped, q.failed
        ));
    }
    s
}

/// The Markdown report: medians over rounds; "added" and "ratio" are medians of the
/// per-round differences and ratios against `plain` of the same round.
fn table(
    runs: &[Run],
    o: &Options,
    args: &[String],
    cores: usize,
    collector: &str,
    batch_env: &[(&'static str, String)],
) -> String {
    let of = |v: Variant| runs.iter().filter(move |r| r.variant == v);
    let plain_in = |round: usize| {
        runs.iter()
            .find(|r| r.variant == Variant::Plain && r.round == round)
    };
    let paired = |v: Variant, f: &dyn Fn(&Run, &Run) -> f64| -> Option<f64> {
        let values: Vec<f64> = of(v).filter_map(|r| plain_in(r.round).map(|p| f(r, p))).collect();
        median(&values)
    };
    let med = |v: Variant, f: &dyn Fn(&Run) -> f64| median(&of(v).map(f).collect::<Vec<_>>());

    let mut out = String::new();
    out.push_str(&format!(
        "`cargo run --release -p http-peers --bin compare --{}{}`\n\n",
        if args.is_empty() { "" } else { " " },
        args.join(" ")
    ));
    out.push_str(&format!(
        "{} rounds, {} warm-up + {} measured requests per run, {} keep-alive HTTP/1.1 connections, \
         {cores} cores; medians over rounds (CPU: min-max in brackets); spans received as \
         OTLP/gRPC protobuf by {collector}{}. Server CPU is counted until the last span \
         of the run has been exported.\n\n",
        o.rounds,
        o.warmup,
        o.requests,
        o.connections,
        if batch_env.is_empty() {
            String::new()
        } else {
            format!(
                "; servers run with {}",
                batch_env
                    .iter()
                    .map(|(k, v)| format!("`{k}={v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    out.push_str(
        "| variant | CPU us/request | added CPU vs plain | throughput req/s | throughput vs plain | p50 | p99 | peak RSS | spans received |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
    );
    let fmt_opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "n/a".to_owned(), f);
    for &v in dedup(&o.variants).iter() {
        let cpus: Vec<f64> = of(v).map(Run::cpu_per_request_us).collect();
        let (lo, hi) = cpus
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &c| {
                (lo.min(c), hi.max(c))
            });
        let added = paired(v, &|r, p| r.cpu_per_request_us() - p.cpu_per_request_us());
        let ratio = paired(v, &|r, p| r.throughput() / p.throughput());
        let spans = if v.exports_spans() {
            let (expected, received) = of(v)
                .filter_map(|r| r.spans)
                .fold((0, 0), |(e, r), (e1, r1)| (e + e1, r + r1));
            let dropped: u64 = of(v).filter_map(|r| r.queue).map(|q| q.dropped).sum();
            let mut s = format!("{received} / {expected}");
            if received != expected {
                s.push_str(" **MISSING**");
            }
            if dropped > 0 {
                s.push_str(&format!(" ({dropped} dropped at the queue)"));
            }
            s
        } else {
            "-".to_owned()
        };
        out.push_str(&format!(
            "| {} | {} ({lo:.1}-{hi:.1}) | {} | {} | {} | {} | {} | {} | {} |\n",
            v.name(),
            fmt_opt(median(&cpus), &|c| format!("{c:.1}")),
            if v == Variant::Plain {
                "-".to_owned()
            } else {
                fmt_opt(added, &|a| format!("{a:+.1} us"))
            },
            fmt_opt(med(v, &Run::throughput), &|t| format!("{t:.0}")),
            fmt_opt(ratio, &|x| format!("{x:.2}x")),
            fmt_opt(med(v, &|r| r.p50.as_secs_f64() * 1e6), &|x| format!("{x:.0} us")),
            fmt_opt(med(v, &|r| r.p99.as_secs_f64() * 1e6), &|x| format!("{x:.0} us")),
            fmt_opt(med(v, &|r| r.peak_rss as f64 / (1024.0 * 1024.0)), &|x| format!(
                "{x:.1} MiB"
            )),
            spans,
        ));
    }

    let ours = paired(Variant::Ours, &|r, p| {
        r.cpu_per_request_us() - p.cpu_per_request_us()
    });
    let peer = paired(Variant::AxumTracingOpentelemetry, &|r, p| {
        r.cpu_per_request_us() - p.cpu_per_request_us()
    });
    if let (Some(ours), Some(peer)) = (ours, peer) {
        let share = ours / peer;
        out.push_str(&format!(
            "\nTarget \"ours adds at most half of what axum-tracing-opentelemetry adds\": ours adds \
             {ours:.1} us, axum-tracing-opentelemetry {peer:.1} us, a share of {share:.2}: {}.\n",
            if share <= 0.5 { "met" } else { "NOT met" }
        ));
    }
    let sampled_out = paired(Variant::OursSampledOut, &|r, p| {
        r.cpu_per_request_us() - p.cpu_per_request_us()
    });
    if let (Some(ours), Some(sampled_out)) = (ours, sampled_out) {
        let share = sampled_out / ours;
        out.push_str(&format!(
            "\nTarget \"a sampled-out request costs at most a third of a sampled one\": sampled out \
             adds {sampled_out:.1} us, sampled {ours:.1} us, a share of {share:.2}: {}.\n",
            if share <= 1.0 / 3.0 { "met" } else { "NOT met" }
        ));
    }
    out
}

fn dedup(variants: &[Variant]) -> Vec<Variant> {
    let mut seen = Vec::new();
    for &v in variants {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// The load's paths: `/users/0` .. `/users/9999`.
fn user_path(i: usize) -> String {
    format!("/users/{}", i % 10_000)
}
