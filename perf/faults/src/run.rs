//! One measured run: the service under a fixed-rate load, then a closed loop, while the
//! collector plays a [`Fault`]; then the collector heals and the time until export
//! resumes is measured; then SIGTERM.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_peers::load::{self, BoxError};
use http_peers::sink::Behaviour;
use http_peers::stats::percentile_sorted;

use crate::child::{Counters, Exit, ServiceChild};
use crate::scenario::{Collector, Fault};

/// How a run is driven.
#[derive(Debug, Clone)]
pub struct Load {
    /// Requests per second of the fixed-rate phase.
    pub rate: f64,
    /// Warm-up at that rate, not measured.
    pub warmup: Duration,
    /// The measured fixed-rate phase.
    pub measure: Duration,
    /// Requests of the closed-loop phase (throughput).
    pub closed_loop_requests: usize,
    /// Connections of the load generator.
    pub connections: usize,
    /// `OTEL_BSP_SCHEDULE_DELAY` of the service.
    pub schedule_delay: Duration,
}

impl Default for Load {
    fn default() -> Self {
        Load {
            rate: 300.0,
            warmup: Duration::from_millis(1500),
            measure: Duration::from_secs(6),
            closed_loop_requests: 3000,
            connections: 16,
            schedule_delay: Duration::from_secs(1),
        }
    }
}

/// What one run measured.
#[derive(Debug)]
pub struct RunResult {
    /// The fault played.
    pub fault: Fault,
    /// Latency percentiles of the fixed-rate phase, from when each request was due.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// The slowest request.
    pub max: Duration,
    /// Non-200 answers in both phases.
    pub errors: usize,
    /// Requests per second of the closed-loop phase.
    pub throughput: f64,
    /// Service CPU per request over both phases.
    pub cpu_per_request: Duration,
    /// RSS after the warm-up, and the highest sampled during the measured phases.
    pub rss_start: u64,
    /// The highest RSS sampled.
    pub rss_peak: u64,
    /// The span queue's counters before healing.
    pub before_heal: Counters,
    /// Time from healing the collector to its first newly received span.
    pub resumed_after: Option<Duration>,
    /// What the service reported at exit.
    pub exit: Exit,
}

/// The path of the `i`-th request.
pub fn order_path(i: usize) -> String {
    format!("/orders/{}", i % 1000)
}

/// Runs the service `bin` against a collector playing `fault`.
pub fn run(bin: &Path, fault: Fault, load: &Load) -> Result<RunResult, BoxError> {
    let mut collector = Collector::start(fault)?;
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        (
            "OTEL_BSP_SCHEDULE_DELAY",
            load.schedule_delay.as_millis().to_string(),
        ),
        ("OTEL_METRIC_EXPORT_INTERVAL", "1000".to_owned()),
    ];
    env.extend(collector.env());
    let service = ServiceChild::start(bin, &env)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let connections = runtime.block_on(load::connect(service.addr(), load.connections))?;
    let (connections, _) =
        runtime.block_on(load::fixed_rate(connections, load.rate, load.warmup, order_path))?;

    let rss_start = service.rss();
    let cpu_start = service.cpu();
    let sampling = Arc::new(AtomicBool::new(true));
    let rss_peak = Arc::new(AtomicU64::new(rss_start));
    let sampler = {
        let (sampling, rss_peak, pid_rss) = (
            Arc::clone(&sampling),
            Arc::clone(&rss_peak),
            service_rss(&service),
        );
        std::thread::spawn(move || {
            while sampling.load(Ordering::Acquire) {
                rss_peak.fetch_max(pid_rss(), Ordering::AcqRel);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    // Fixed rate; a collector that is killed dies halfway through.
    let half = load.measure / 2;
    let (connections, mut first) =
        runtime.block_on(load::fixed_rate(connections, load.rate, half, order_path))?;
    if fault == Fault::KilledMidRun {
        collector.kill();
    }
    let (connections, second) =
        runtime.block_on(load::fixed_rate(connections, load.rate, half, order_path))?;
    first.latencies.extend(second.latencies);
    let mut latencies = first.latencies;
    latencies.sort_unstable();
    let fixed_requests = latencies.len();

    let started = Instant::now();
    let (_connections, closed) = runtime.block_on(load::closed_loop(
        connections,
        load.closed_loop_requests,
        order_path,
    ))?;
    let throughput = closed.len() as f64 / started.elapsed().as_secs_f64();
    let cpu = service.cpu().saturating_sub(cpu_start);
    sampling.store(false, Ordering::Release);
    let _ = sampler.join();

    let before_heal = runtime.block_on(service.counters())?;
    let received = collector.spans();
    let healed_at = Instant::now();
    match fault {
        Fault::DownFromStart | Fault::KilledMidRun => collector.revive()?,
        _ => collector.set_behaviour(Behaviour::Answer),
    }
    // Keep a trickle of requests so there is something new to export.
    let mut resumed_after = None;
    let mut trickle = runtime.block_on(load::connect(service.addr(), 1))?;
    while fault.heals() && healed_at.elapsed() < Duration::from_secs(15) {
        let (c, _) = runtime.block_on(load::fixed_rate(
            trickle,
            50.0,
            Duration::from_millis(20),
            order_path,
        ))?;
        trickle = c;
        if collector.spans() > received {
            resumed_after = Some(healed_at.elapsed());
            break;
        }
    }
    let exit = service.terminate()?;
    let nth = |p: f64| Duration::from_nanos(percentile_sorted(&latencies, p).unwrap_or(0));
    Ok(RunResult {
        fault,
        p50: nth(50.0),
        p99: nth(99.0),
        max: Duration::from_nanos(latencies.last().copied().unwrap_or(0)),
        errors: first.errors + second.errors,
        throughput,
        cpu_per_request: cpu
            / u32::try_from(fixed_requests + closed.len())
                .unwrap_or(u32::MAX)
                .max(1),
        rss_start,
        rss_peak: rss_peak.load(Ordering::Acquire),
        before_heal,
        resumed_after,
        exit,
    })
}

/// A function reading the service's RSS from another thread.
fn service_rss(service: &ServiceChild) -> impl Fn() -> u64 + Send + 'static {
    let pid = service.pid();
    move || http_peers::process::rss(pid).unwrap_or(0)
}
