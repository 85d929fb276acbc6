//! SIGTERM in the middle of a load: the service stops accepting, finishes the requests
//! in flight, the guard flushes within its timeout, and every span ended before the
//! signal reaches the collector. Runs when `TEST_RELIABILITY` is set.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use faults::child::ServiceChild;
use faults::run::order_path;
use faults::scenario::{Collector, Fault};

#[test]
fn sigterm_under_load_drains_and_flushes_everything() {
    if std::env::var_os("TEST_RELIABILITY").is_none_or(|v| v.is_empty()) {
        eprintln!("skipped: TEST_RELIABILITY is not set (.ci/run sets it)");
        return;
    }
    let collector = Collector::start(Fault::Healthy).expect("collector");
    // A long schedule delay and a large queue: what reaches the collector after the
    // signal is the shutdown flush's work.
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        ("OTEL_BSP_SCHEDULE_DELAY", "30000".to_owned()),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "65536".to_owned()),
    ];
    let service = ServiceChild::start(Path::new(env!("CARGO_BIN_EXE_faults-service")), &env).expect("start");
    let addr = service.addr();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    // Eight clients, each sending requests back to back on its own connections.
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (stop, ok, refused) = (Arc::clone(&stop), Arc::clone(&ok), Arc::clone(&refused));
            runtime.spawn(async move {
                let client = reqwest::Client::builder().no_proxy().build().unwrap();
                let mut i = c;
                while !stop.load(Ordering::Acquire) {
                    match client.get(format!("http://{addr}{}", order_path(i))).send().await {
                        Ok(r) if r.status() == 200 => ok.fetch_add(1, Ordering::AcqRel),
                        _ => refused.fetch_add(1, Ordering::AcqRel),
                    };
                    i += 8;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(3));
    let answered_before = ok.load(Ordering::Acquire);
    assert!(answered_before > 100, "the load is running: {answered_before}");
    let signalled = Instant::now();
    let exit = service.terminate().expect("terminate");
    let took = signalled.elapsed();
    stop.store(true, Ordering::Release);
    runtime.block_on(async {
        for client in clients {
            let _ = client.await;
        }
    });

    println!(
        "answered {} ({} before the signal), refused after it {}; exit after {took:?}; {:?}; ended at signal {}; \
         collector {}",
        ok.load(Ordering::Acquire),
        answered_before,
        refused.load(Ordering::Acquire),
        exit.counters,
        exit.ended_at_signal,
        collector.spans()
    );
    assert!(exit.success, "stderr:\n{}", exit.stderr);
    // Drain (requests in flight) plus the guard's 5 s shutdown timeout, with margin.
    assert!(took < Duration::from_secs(8), "exit took {took:?}");
    let c = exit.counters;
    assert!(exit.ended_at_signal > 0);
    assert_eq!((c.dropped, c.failed), (0, 0), "{c:?}");
    assert_eq!(c.exported, c.ended, "every ended span exported: {c:?}");
    assert!(
        collector.spans() >= exit.ended_at_signal,
        "the collector has {} spans, {} had ended at the signal",
        collector.spans(),
        exit.ended_at_signal
    );
    assert_eq!(collector.spans(), c.ended, "the collector has every span");
}
