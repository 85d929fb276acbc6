//! A soak: the service at a fixed rate for `TEST_SOAK_SECONDS` (`.ci/run` sets 300) with
//! a healthy collector: no span lost (ended = received), resident memory flat.

use std::path::Path;
use std::time::{Duration, Instant};

use faults::child::ServiceChild;
use faults::run::order_path;
use faults::scenario::{Collector, Fault};
use http_peers::load;

/// Requests per second: each makes four spans and a log record.
const RATE: f64 = 200.0;

#[test]
fn soak_loses_nothing_and_memory_stays_flat() {
    let Some(seconds) = std::env::var("TEST_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        eprintln!("skipped: TEST_SOAK_SECONDS is not set (.ci/run sets 300)");
        return;
    };
    let collector = Collector::start(Fault::Healthy).expect("collector");
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "1000".to_owned()),
    ];
    let service = ServiceChild::start(Path::new(env!("CARGO_BIN_EXE_faults-service")), &env).expect("start");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut connections = runtime
        .block_on(load::connect(service.addr(), 16))
        .expect("connect");
    // RSS every 5 s, each slice driven at the fixed rate.
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut errors = 0;
    let mut requests = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        let slice = runtime.block_on(load::fixed_rate(
            connections,
            RATE,
            Duration::from_secs(5),
            order_path,
        ));
        let (c, slice) = match slice {
            Ok(slice) => slice,
            // What the service printed is the evidence of why it dropped a connection.
            Err(error) => match service.terminate() {
                Ok(exit) => panic!(
                    "load, after {} s: {error}; service exited (success {}), warnings {:?}, stderr:\n{}",
                    started.elapsed().as_secs(),
                    exit.success,
                    exit.warnings,
                    exit.stderr
                ),
                Err(stop) => panic!("load: {error}; stopping the service: {stop}"),
            },
        };
        connections = c;
        errors += slice.errors;
        requests += slice.latencies.len();
        samples.push((started.elapsed().as_secs(), service.rss()));
    }
    let exit = service.terminate().expect("terminate");
    std::thread::sleep(Duration::from_millis(500));
    let c = exit.counters;
    let mib = |b: u64| b as f64 / 1048576.0;
    let series: Vec<String> = samples
        .iter()
        .map(|(t, rss)| format!("{t}s {:.1}", mib(*rss)))
        .collect();
    println!(
        "soak {seconds} s at {RATE}/s: {requests} requests, {errors} errors; {c:?}; collector {}; RSS MiB: {}",
        collector.spans(),
        series.join(", ")
    );
    assert_eq!(errors, 0);
    assert!(exit.success, "stderr:\n{}", exit.stderr);
    assert_eq!((c.dropped, c.failed), (0, 0), "{c:?}");
    assert_eq!(collector.spans(), c.ended, "spans ended and spans received");
    assert!(c.ended >= requests as u64 * 4, "four spans per request: {c:?}");
    // Flat: the last fifth of the run against the second fifth (after warm-up).
    let fifth = (samples.len() / 5).max(1);
    let avg = |s: &[(u64, u64)]| s.iter().map(|(_, r)| *r).sum::<u64>() / s.len().max(1) as u64;
    let early = avg(&samples[fifth.min(samples.len() - 1)..(2 * fifth).min(samples.len())]);
    let late = avg(&samples[samples.len() - fifth..]);
    assert!(
        late <= early + early / 10 + 2 * 1024 * 1024,
        "RSS grew from {:.1} MiB to {:.1} MiB",
        mib(early),
        mib(late)
    );
}
