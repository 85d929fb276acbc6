//! Memory of a server under a flood of hostile requests with the collector down, and a
//! check that it stays within the documented bound.
//!
//! The server ([`server`]: axum behind `ServerLayer`, the kit's span queue exporting
//! over gRPC to a black hole that accepts and never answers, so the queue stays full) is
//! a child process; this process sends the flood ([`flood`]) and reads the server's
//! `VmRSS` and `VmHWM` from `/proc/<pid>/status`, so the figures are the server's alone.
//! Three runs, each with a fresh server and the same number of requests:
//!
//! - ordinary requests (short path, query, user agent, captured header), default cap;
//! - hostile ones (a 60 KB path or query, a 200–400 KiB `User-Agent` and captured
//!   header, all different), default cap (4 KiB);
//! - the same hostile ones uncapped (`max_request_value_bytes(usize::MAX)`).
//!
//! The check: the hostile peak minus the ordinary peak must stay within the bound
//! [`bound`] states; the binary exits non-zero when it does not.
//!
//! ```sh
//! cargo bench -p otel-kit-http --bench hostile_requests
//! cargo test -p otel-kit-http --bench hostile_requests   # the check alone, as .ci/run runs it
//! ```
//!
//! Run as a test (`cargo test`, no `--bench` argument) it leaves out the uncapped run
//! (1.8 GiB and half a minute, to show what the cap saves) and checks the same bound.
#![allow(missing_docs)]

mod flood;
mod server;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

use flood::{CONCURRENCY, Shape, flood};
use server::MAX_BUF_SIZE;

/// Requests per run: more than the queue and one export hold (2,048 + 512), so the
/// queue is full and drops.
// Counts the server's live heap, to tell what it holds from what the allocator keeps.
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

const COUNT: usize = 3_000;
/// Ordinary requests before the measured flood, so lazily built state (connections,
/// the exporter's channel, allocator arenas) is in the baseline.
const WARM_UP: usize = 200;

const QUEUE: usize = 2_048;
const EXPORT_BATCH: usize = 512;
/// Request strings each server span holds: `url.path`, `url.query`,
/// `user_agent.original`, and one captured header value.
const STRINGS_PER_SPAN: usize = 4;
const CAP: usize = 4 << 10;

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let benchmark = all.iter().any(|a| a == "--bench");
    let args: Vec<String> = all.into_iter().filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("serve") => server::serve(&args[1], &args[2]),
        _ => compare(benchmark),
    }
}

struct Measurement {
    before: f64,
    peak: f64,
    after: f64,
    queued: u64,
    dropped: u64,
    heap: f64,
    took: Duration,
}

/// The three runs (two when not `benchmark`) and the check.
fn compare(benchmark: bool) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("{COUNT} requests per run from {CONCURRENCY} connections (after {WARM_UP} ordinary ones)\n");
    println!(
        "| run | RSS before | peak RSS (VmHWM) | RSS after | live heap after | queued, dropped | time |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let mut peaks = Vec::new();
    let runs = [
        ("capped", Shape::Ordinary),
        ("capped", Shape::Hostile),
        ("uncapped", Shape::Hostile),
    ];
    for (mode, shape) in runs.into_iter().take(if benchmark { 3 } else { 2 }) {
        let m = runtime.block_on(measure(mode, shape));
        println!(
            "| {} {mode} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.1} MiB | {}, {} | {:.1} s |",
            shape.name(),
            m.before,
            m.peak,
            m.after,
            m.heap,
            m.queued,
            m.dropped,
            m.took.as_secs_f64()
        );
        peaks.push(m.peak);
    }
    let growth = peaks[1] - peaks[0];
    let (bound, formula) = bound();
    println!("\nhostile minus ordinary peak, capped: {growth:.1} MiB; bound {formula}");
    if let Some(uncapped) = peaks.get(2) {
        println!("the cap saves {:.1} MiB of peak", uncapped - peaks[1]);
    }
    if growth > bound {
        eprintln!("FAILED: {growth:.1} MiB exceeds the bound of {bound:.1} MiB");
        std::process::exit(1);
    }
}

/// What hostile requests may add to the server's peak over ordinary ones, in MiB, and
/// the formula with its terms:
///
/// - each span the queue holds (`QUEUE`) carries `STRINGS_PER_SPAN` request strings of at
///   most `CAP` bytes; the export in progress holds its `EXPORT_BATCH` spans up to three
///   times: as spans, as the protobuf request the kit encodes (kept whole for a retry),
///   and as tonic's frame of it, which the collector never reads;
/// - hyper holds per connection at most the head being served (whose header values are
///   slices of its read buffer) and the read buffer that follows it, each at most
///   `MAX_BUF_SIZE`.
fn bound() -> (f64, String) {
    let spans = (QUEUE + 3 * EXPORT_BATCH) * STRINGS_PER_SPAN * CAP;
    let hyper = CONCURRENCY * 2 * MAX_BUF_SIZE;
    let mib = |bytes: usize| bytes as f64 / f64::from(1 << 20);
    let total = mib(spans + hyper);
    let formula = format!(
        "(2,048 queued + 3 × 512 exporting) × {STRINGS_PER_SPAN} strings × {} KiB \
         + {CONCURRENCY} connections × 2 × {} MiB hyper buffer = {:.0} + {:.0} = {total:.0} MiB",
        CAP >> 10,
        MAX_BUF_SIZE >> 20,
        mib(spans),
        mib(hyper)
    );
    (total, formula)
}

async fn measure(mode: &str, shape: Shape) -> Measurement {
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let me = std::env::current_exe().expect("this binary");
    let mut child = Command::new(me)
        .args(["serve", mode, &hole.endpoint()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("server process");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let port = reply(&mut out, "listening")[0].parse().expect("port");

    flood(port, Shape::Ordinary, WARM_UP).await;
    let (before, _) = memory(&child);
    let took = flood(port, shape, COUNT).await;
    let (after, peak) = memory(&child);
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "stats").expect("ask for stats");
    let stats = reply(&mut out, "stats");
    drop(stdin);
    child.wait().expect("server exit");
    Measurement {
        before,
        peak,
        after,
        queued: stats[0].parse().expect("queued"),
        dropped: stats[1].parse().expect("dropped"),
        heap: stats[2].parse::<f64>().expect("heap") / f64::from(1 << 20),
        took,
    }
}

/// The words after `tag` on the server's next line.
fn reply(out: &mut BufReader<ChildStdout>, tag: &str) -> Vec<String> {
    let mut line = String::new();
    out.read_line(&mut line).expect("server output");
    let rest = line
        .strip_prefix(tag)
        .unwrap_or_else(|| panic!("expected {tag:?} from the server, got {line:?}"));
    rest.split_whitespace().map(str::to_owned).collect()
}

/// The server's `VmRSS` and `VmHWM`, in MiB.
fn memory(child: &Child) -> (f64, f64) {
    let path = format!("/proc/{}/status", child.id());
    let status = std::fs::read_to_string(&path).expect("the server's /proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
