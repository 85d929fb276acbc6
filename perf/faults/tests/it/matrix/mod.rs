//! The fault matrix: protocol (gRPC, HTTP/protobuf) x path (plain, TLS, through
//! tinyproxy, through a faulty proxy hop) x fault (refused; silent before the TLS
//! handshake, after it, after the request head; a slow drip; a reset mid-response; 503
//! or 429 with `Retry-After`, gRPC `UNAVAILABLE` or `RESOURCE_EXHAUSTED` with
//! `RetryInfo`; garbage; a peer that vanished without a reset). Every signal is exported
//! through `init()`, each cell in processes of its own (`fault-cell`), the cells side by
//! side.
//!
//! Every cell: healthy first (every signal delivered), then the fault for 6 s, then
//! lifted behind the same address. It asserts that no signal goes longer than the export
//! timeout + its period + a margin without an export ending (a stuck export shows as a
//! long wait), that every signal counts its failed exports, that export resumes within a
//! bound without a restart, that every span is accounted for, and that shutdown returns
//! within its bound both during the fault (a second process) and after it.
//!
//! Runs when `TEST_RELIABILITY` is set; the proxy columns need `TEST_TINYPROXY`. With
//! `TEST_OTLP_COLLECTOR_BIN` the healthy peer is rotel, relaying to the `TestCollector`
//! (which answers the status rows itself).
//! `TEST_FAULT_MATRIX_CELLS=<text>` runs only the cells whose name (`gRPC TLS garbage
//! bytes`) contains the text; `TEST_FAULT_MATRIX_JOBS` sets how many run at once (6).

mod axes;
mod cell;
mod child;
mod zero_timeout;

use std::path::Path as FsPath;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axes::{Fault, PROTOCOLS, Path, protocol_name};
use cell::{Report, SIGNALS, Setup};
use otel_kit_testing::Protocol;

/// Why a cell left out by `TEST_FAULT_MATRIX_CELLS` did not run.
const NOT_SELECTED: &str = "not selected";

/// A cell's place and what became of it.
struct Outcome {
    protocol: Protocol,
    path: Path,
    fault: Fault,
    result: Result<Report, String>,
}

impl Outcome {
    fn name(&self) -> String {
        format!(
            "{} {} {}",
            protocol_name(self.protocol),
            self.path.name(),
            self.fault.name()
        )
    }

    /// What the table shows.
    fn cell_text(&self) -> String {
        match &self.result {
            Err(why) if why.starts_with("n/a") => "n/a".to_owned(),
            Err(why) if why == NOT_SELECTED => "-".to_owned(),
            Err(_) => "skipped".to_owned(),
            Ok(report) if report.passed() => {
                let wait = report.longest_wait.iter().max().copied().unwrap_or_default();
                let resumed = report
                    .resumed_after
                    .iter()
                    .flatten()
                    .max()
                    .copied()
                    .unwrap_or_default();
                format!("{:.1} s / {:.1} s", wait.as_secs_f64(), resumed.as_secs_f64())
            }
            Ok(_) => "**FAIL**".to_owned(),
        }
    }
}

#[test]
fn every_fault_on_every_path_ends_each_export_in_time_and_recovers() {
    if std::env::var_os("TEST_RELIABILITY").is_none_or(|v| v.is_empty()) {
        eprintln!("skipped: TEST_RELIABILITY is not set (.ci/run sets it)");
        return;
    }
    let tinyproxy = otel_kit_testing::Tinyproxy::binary_from_env();
    let rotel = otel_kit_testing::Rotel::binary_from_env();
    let setup = Setup::new(FsPath::new(env!("CARGO_BIN_EXE_fault-cell")), tinyproxy, rotel);
    let filter = std::env::var("TEST_FAULT_MATRIX_CELLS").unwrap_or_default();
    let jobs = std::env::var("TEST_FAULT_MATRIX_JOBS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(6)
        .max(1);

    let mut cells = Vec::new();
    for fault in Fault::ALL {
        for protocol in PROTOCOLS {
            for path in Path::ALL {
                cells.push((protocol, path, fault));
            }
        }
    }
    let started = Instant::now();
    let todo = Mutex::new(cells.into_iter());
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let next = todo.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((protocol, path, fault)) = next else {
                        break;
                    };
                    let mut outcome = Outcome {
                        protocol,
                        path,
                        fault,
                        result: Err(String::new()),
                    };
                    outcome.result = if let Some(why) = fault.not_applicable(path) {
                        Err(format!("n/a: {why}"))
                    } else if !outcome.name().contains(&filter) {
                        Err(NOT_SELECTED.to_owned())
                    } else if path.needs_tinyproxy() && setup.tinyproxy.is_none() {
                        Err("TEST_TINYPROXY is not set".to_owned())
                    } else {
                        let cell_started = Instant::now();
                        let report = cell::run(&setup, protocol, path, fault);
                        println!(
                            "{} in {:.1?}: {}",
                            outcome.name(),
                            cell_started.elapsed(),
                            if report.passed() {
                                "ok".to_owned()
                            } else {
                                report.problems.join("; ")
                            }
                        );
                        Ok(report)
                    };
                    done.lock().unwrap_or_else(|e| e.into_inner()).push(outcome);
                }
            });
        }
    });
    let wall = started.elapsed();
    let outcomes = done.into_inner().unwrap_or_else(|e| e.into_inner());
    print_table(&outcomes, wall, jobs);

    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| match &o.result {
            Ok(report) if !report.passed() => Some(format!("{}: {}", o.name(), report.problems.join("; "))),
            _ => None,
        })
        .collect();
    let ran = outcomes.iter().filter(|o| o.result.is_ok()).count();
    assert!(ran > 0 || !filter.is_empty(), "no cell ran");
    assert!(
        failed.is_empty(),
        "{} of {ran} cells failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The matrix as a Markdown table (rows: faults; columns: protocol x path), each cell
/// the longest wait for an export to end during the fault and the time export took to
/// resume after it (the worst signal's), then each cell's figures per signal.
fn print_table(outcomes: &[Outcome], wall: Duration, jobs: usize) {
    let columns: Vec<(Protocol, Path)> = PROTOCOLS
        .iter()
        .flat_map(|p| Path::ALL.iter().map(move |path| (*p, *path)))
        .collect();
    println!(
        "\nfault matrix: {} cells run, {} at a time, in {:.0} s; each cell: the longest wait for an export to end \
         during the fault / export resumed after the fault was lifted (worst signal)\n",
        outcomes.iter().filter(|o| o.result.is_ok()).count(),
        jobs,
        wall.as_secs_f64()
    );
    let header: Vec<String> = columns
        .iter()
        .map(|(p, path)| format!("{} {}", protocol_name(*p), path.name()))
        .collect();
    println!("| fault | {} |", header.join(" | "));
    println!("| --- |{}", " --- |".repeat(columns.len()));
    for fault in Fault::ALL {
        let row: Vec<String> = columns
            .iter()
            .map(|(protocol, path)| {
                outcomes
                    .iter()
                    .find(|o| o.fault == fault && o.protocol == *protocol && o.path == *path)
                    .map_or_else(|| "?".to_owned(), Outcome::cell_text)
            })
            .collect();
        println!("| {} | {} |", fault.name(), row.join(" | "));
    }
    println!();
    for outcome in outcomes {
        let Ok(report) = &outcome.result else { continue };
        let per_signal: Vec<String> = SIGNALS
            .iter()
            .enumerate()
            .map(|(k, name)| {
                format!(
                    "{name}: wait {:.1?}, failed {} batches / {} items, resumed {:?}",
                    report.longest_wait[k], report.failed[k].0, report.failed[k].1, report.resumed_after[k]
                )
            })
            .collect();
        println!(
            "{}: {}; spans dropped {}; shutdown during the fault {:?}, after {:?}{}",
            outcome.name(),
            per_signal.join("; "),
            report.dropped_spans,
            report.shutdown_in_fault,
            report.shutdown_after,
            if report.passed() {
                String::new()
            } else {
                format!("; FAIL: {}", report.problems.join("; "))
            }
        );
    }
}
