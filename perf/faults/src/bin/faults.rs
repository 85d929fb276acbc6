//! `faults [--rounds N] [--closed-loop-requests N]`: every fault against the healthy collector, in rounds (each
//! round runs all six, in a rotated order), then the medians and the ratios to healthy.
//! Build with `--release`; the service binary `faults-service` must sit next to it.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use faults::run::{Load, RunResult, run};
use faults::scenario::Fault;
use http_peers::stats::median;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The closed loop measures throughput: long enough (about 5 s) that one scheduling
    // hiccup of a shared machine does not decide the figure.
    let mut load = Load {
        closed_loop_requests: 20_000,
        ..Load::default()
    };
    let mut rounds = 5;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<usize>().ok());
        match (flag.as_str(), value) {
            ("--rounds", Some(n)) => rounds = n,
            ("--closed-loop-requests", Some(n)) => load.closed_loop_requests = n,
            _ => {
                eprintln!("usage: faults [--rounds N] [--closed-loop-requests N]");
                return ExitCode::from(2);
            }
        }
    }
    let bin = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name("faults-service"),
        Err(e) => {
            eprintln!("faults: {e}");
            return ExitCode::FAILURE;
        }
    };
    match compare(&bin, rounds, &load) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faults: {e}");
            ExitCode::FAILURE
        }
    }
}

fn compare(bin: &Path, rounds: usize, load: &Load) -> Result<(), http_peers::load::BoxError> {
    let mut results: Vec<Vec<RunResult>> = Fault::ALL.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for k in 0..Fault::ALL.len() {
            let i = (k + round) % Fault::ALL.len();
            let r = run(bin, Fault::ALL[i], load)?;
            println!(
                "round {round} {:<22} p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms  {:>5.0} req/s  CPU {:>5.0} us/req  \
                 peak RSS {:>5.1} MiB  dropped {:>6}  failed {:>5}  resumed {:?}",
                r.fault.name(),
                ms(r.p50),
                ms(r.p99),
                ms(r.max),
                r.throughput,
                r.cpu_per_request.as_secs_f64() * 1e6,
                mib(r.rss_peak),
                r.exit.counters.dropped,
                r.exit.counters.failed,
                r.resumed_after.map(ms),
            );
            results[i].push(r);
        }
    }
    let med = |runs: &[RunResult], f: fn(&RunResult) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let healthy_p99 = med(&results[0], |r| ms(r.p99)).unwrap_or(f64::NAN);
    let healthy_tput = med(&results[0], |r| r.throughput).unwrap_or(f64::NAN);
    println!(
        "\nmedians over {rounds} rounds; {} req/s fixed rate for {:?}, then {} requests closed-loop on {} connections",
        load.rate, load.measure, load.closed_loop_requests, load.connections
    );
    println!(
        "| collector | p50 ms | p99 ms | p99 vs healthy | throughput req/s | throughput vs healthy | CPU us/req | peak RSS MiB | resumed after |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (i, runs) in results.iter().enumerate() {
        let p99 = med(runs, |r| ms(r.p99)).unwrap_or(f64::NAN);
        let tput = med(runs, |r| r.throughput).unwrap_or(f64::NAN);
        let resumed = med(runs, |r| r.resumed_after.map_or(f64::NAN, ms)).unwrap_or(f64::NAN);
        println!(
            "| {} | {:.2} | {p99:.2} | {:+.1}% | {tput:.0} | {:+.1}% | {:.0} | {:.1} | {resumed:.0} ms |",
            Fault::ALL[i].name(),
            med(runs, |r| ms(r.p50)).unwrap_or(f64::NAN),
            (p99 / healthy_p99 - 1.0) * 100.0,
            (tput / healthy_tput - 1.0) * 100.0,
            med(runs, |r| r.cpu_per_request.as_secs_f64() * 1e6).unwrap_or(f64::NAN),
            med(runs, |r| mib(r.rss_peak)).unwrap_or(f64::NAN),
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}
