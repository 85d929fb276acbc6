//! The collector down from the start, killed mid-run, black-holed, slow, and refusing:
//! the service keeps its latency and throughput, its memory stays bounded, drops are
//! counted and reported, and export resumes once the collector is back.
//!
//! Long (about two minutes): runs when `TEST_RELIABILITY` is set (`.ci/run` sets it).
//! The full measurement with rounds is `cargo run --manifest-path perf/Cargo.toml --release -p faults --bin faults`.

use std::path::Path;
use std::time::Duration;

use faults::run::{Load, RunResult, run};
use faults::scenario::Fault;

fn enabled() -> bool {
    if std::env::var_os("TEST_RELIABILITY").is_some_and(|v| !v.is_empty()) {
        return true;
    }
    eprintln!("skipped: TEST_RELIABILITY is not set (a two-minute load test; .ci/run sets it)");
    false
}

fn show(r: &RunResult) -> String {
    format!(
        "{:<22} p50 {:>7.2?} p99 {:>7.2?} max {:>7.2?} errors {} throughput {:>6.0}/s cpu/req {:>6.1?} \
         rss {:.1} -> peak {:.1} MiB, ended {} exported {} dropped {} failed {}, resumed after {:?}",
        r.fault.name(),
        r.p50,
        r.p99,
        r.max,
        r.errors,
        r.throughput,
        r.cpu_per_request,
        r.rss_start as f64 / 1048576.0,
        r.rss_peak as f64 / 1048576.0,
        r.exit.counters.ended,
        r.exit.counters.exported,
        r.exit.counters.dropped,
        r.exit.counters.failed,
        r.resumed_after,
    )
}

#[test]
fn a_failing_collector_never_hurts_the_service() {
    if !enabled() {
        return;
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_faults-service"));
    let load = Load::default();
    let healthy = run(bin, Fault::Healthy, &load).expect("healthy run");
    println!("{}", show(&healthy));
    assert_eq!(healthy.errors, 0);
    assert_eq!(
        healthy.exit.counters.dropped, 0,
        "a healthy collector loses nothing"
    );
    assert_eq!(healthy.exit.counters.exported, healthy.exit.counters.ended);

    let mut failures = Vec::new();
    // The silent TLS peer and the silent proxy never heal here: their latency is the
    // `faults` benchmark's (docs/reliability.md), their export bounds and recovery the
    // fault matrix's (`matrix::`).
    for fault in Fault::ALL[1..].iter().filter(|f| !f.is_silent_peer()) {
        let r = run(bin, *fault, &load).expect("run");
        println!("{}", show(&r));
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(format!("{}: {what}", fault.name()));
            }
        };
        check(r.errors == 0, format!("{} requests failed", r.errors));
        check(r.exit.success, format!("exit status; stderr:\n{}", r.exit.stderr));
        // No thread waits on the exporter: the slowest request stays far below an export
        // timeout (10 s) or the slow collector's 2 s. The tail itself is compared with
        // healthy's in rounds by the `faults` binary (docs/reliability.md): in CI, next to
        // the soak on two cores, one run's p99 reached 600 ms (never seen on an idle machine).
        check(
            r.max < Duration::from_secs(1),
            format!("slowest request {:?}", r.max),
        );
        check(
            r.throughput >= healthy.throughput * 0.5,
            format!(
                "throughput {:.0}/s against healthy {:.0}/s",
                r.throughput, healthy.throughput
            ),
        );
        // Bounded queue: memory grows by at most the queues' bound over healthy's peak.
        check(
            r.rss_peak <= healthy.rss_peak + 48 * 1024 * 1024,
            format!("peak RSS {} against healthy {}", r.rss_peak, healthy.rss_peak),
        );
        // Every span is accounted for: exported, dropped (queue full) or failed (export failed).
        let c = r.exit.counters;
        check(
            c.ended == c.exported + c.dropped + c.failed,
            format!("unaccounted spans: {c:?}"),
        );
        if *fault != Fault::Slow {
            check(
                c.dropped + c.failed > 0,
                format!("nothing dropped or failed: {c:?}"),
            );
        }
        // Reported: the rate-limited warning on the console (stdout), besides the counters.
        let reported = r
            .exit
            .warnings
            .iter()
            .any(|w| w.contains("spans are being dropped"));
        if c.dropped > 0 {
            check(
                reported,
                format!("drops were not reported; warnings: {:?}", r.exit.warnings),
            );
        }
        // Export resumes once the collector is back, within one schedule delay (plus
        // the reconnection). The slow collector never left: its last slow answer is
        // still up to 2 s long.
        if *fault != Fault::Slow {
            let limit = load.schedule_delay + Duration::from_millis(500);
            check(
                r.resumed_after.is_some_and(|d| d <= limit),
                format!("export resumed after {:?} (limit {limit:?})", r.resumed_after),
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
