//! What one run measured ([`Run`]), its one-line summary ([`describe`]) and the Markdown
//! table of medians over rounds ([`table`]), with every difference and ratio paired
//! against `plain` of the same round.

use std::time::Duration;

use crate::Variant;
use crate::stats::median;

/// The issue 17 goal: what our full pipeline may add per request over plain axum.
pub const ADDED_CPU_GOAL_US: f64 = 2.0;

/// What one run of one variant measured.
#[derive(Debug, Clone)]
pub struct Run {
    /// The variant served.
    pub variant: Variant,
    /// The round, from 1.
    pub round: usize,
    /// Measured requests.
    pub requests: usize,
    /// Wall time of the measured phase.
    pub wall: Duration,
    /// From the last response to the last span's arrival at the collector.
    pub export_tail: Duration,
    /// Server CPU time in the measured phase (until its spans were all received).
    pub server_cpu: Duration,
    /// The driver's own CPU time over the same window.
    pub driver_cpu: Duration,
    /// Median latency as the client saw it.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Peak RSS of the server, bytes.
    pub peak_rss: u64,
    /// Spans expected (warm-up + measured requests) and received, for traced variants.
    pub spans: Option<(usize, usize)>,
    /// `http.server.request.duration` as received: requests expected, requests counted
    /// by the latest export, exemplars received over all exports.
    pub duration_metric: Option<(usize, u64, u64)>,
    /// The server's span-queue counters, for traced variants.
    pub queue: Option<QueueStats>,
}

impl Run {
    /// Server CPU per measured request, in microseconds.
    pub fn cpu_per_request_us(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.requests as f64
    }

    /// Measured requests per second of wall time.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }
}

/// The server's OTLP span-queue counters, read after its telemetry shut down.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueStats {
    /// Spans ended.
    pub ended: u64,
    /// Spans exported.
    pub exported: u64,
    /// Spans dropped at the queue.
    pub dropped: u64,
    /// Spans whose export failed.
    pub failed: u64,
}

impl QueueStats {
    /// Parses the `key=value` pairs of the server's stats line.
    pub fn parse(line: &str) -> Self {
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

/// One line per run, for stderr as it finishes.
pub fn describe(r: &Run) -> String {
    let mut s = format!(
        "round {} {:<27} {:>7.0} req/s  server CPU {:>5.2} us/req  driver CPU {:>5.1} us/req  \
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
    if let Some((expected, counted, exemplars)) = r.duration_metric {
        s.push_str(&format!(
            "  duration metric {counted}/{expected} requests, {exemplars} exemplars"
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

/// How the runs were made, for the table's preamble.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    /// The driver's arguments, to print the command.
    pub args: &'a [String],
    /// The variants in round order.
    pub variants: &'a [Variant],
    /// Rounds, warm-up and measured requests per run, connections.
    pub rounds: usize,
    /// Warm-up requests per run.
    pub warmup: usize,
    /// Measured requests per run.
    pub requests: usize,
    /// Keep-alive connections.
    pub connections: usize,
    /// Cores of the machine.
    pub cores: usize,
    /// Where the spans went, in words.
    pub collector: String,
    /// Threads and pinning, in words.
    pub placement: String,
    /// `OTEL_*` settings the driver gave the servers.
    pub server_env: &'a [(&'static str, String)],
}

/// The Markdown report: medians over rounds; "added" and "ratio" are medians of the
/// per-round differences and ratios against `plain` of the same round (`actix-plain`
/// for the actix-web variants).
pub fn table(runs: &[Run], setup: &Setup<'_>) -> String {
    let of = |v: Variant| runs.iter().filter(move |r| r.variant == v);
    // `plain` for the axum variants, `actix-plain` for the actix ones.
    let plain_in = |v: Variant, round: usize| {
        runs.iter()
            .find(|r| r.variant == v.baseline() && r.round == round)
    };
    let paired = |v: Variant, f: &dyn Fn(&Run, &Run) -> f64| -> Option<f64> {
        let values: Vec<f64> = of(v)
            .filter_map(|r| plain_in(v, r.round).map(|p| f(r, p)))
            .collect();
        median(&values)
    };
    let added_cpu = |v: Variant| paired(v, &|r, p| r.cpu_per_request_us() - p.cpu_per_request_us());
    let med = |v: Variant, f: &dyn Fn(&Run) -> f64| median(&of(v).map(f).collect::<Vec<_>>());

    let mut out = String::new();
    out.push_str(&format!(
        "`cargo run --manifest-path perf/Cargo.toml --release -p http-peers --bin compare --{}{}`\n\n",
        if setup.args.is_empty() { "" } else { " " },
        setup.args.join(" ")
    ));
    out.push_str(&format!(
        "{} rounds, {} warm-up + {} measured requests per run, {} keep-alive HTTP/1.1 \
         connections, {} cores; {}; medians over rounds (CPU: min-max in brackets); \
         spans received by {}{}. Server CPU is counted until the last span of the run \
         has reached the collector.\n\n",
        setup.rounds,
        setup.warmup,
        setup.requests,
        setup.connections,
        setup.cores,
        setup.placement,
        setup.collector,
        if setup.server_env.is_empty() {
            String::new()
        } else {
            format!(
                "; servers run with {}",
                setup
                    .server_env
                    .iter()
                    .map(|(k, v)| format!("`{k}={v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    out.push_str(
        "| variant | CPU us/request | added CPU vs plain (actix: actix-plain) | CPU vs plain | throughput req/s | throughput vs plain | p50 | p99 | peak RSS | spans received | duration metric |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n",
    );
    let fmt_opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "n/a".to_owned(), f);
    for &v in dedup(setup.variants).iter() {
        let cpus: Vec<f64> = of(v).map(Run::cpu_per_request_us).collect();
        let (lo, hi) = cpus
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &c| {
                (lo.min(c), hi.max(c))
            });
        let cpu_ratio = paired(v, &|r, p| r.cpu_per_request_us() / p.cpu_per_request_us());
        let ratio = paired(v, &|r, p| r.throughput() / p.throughput());
        out.push_str(&format!(
            "| {} | {} ({lo:.2}-{hi:.2}) | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            v.name(),
            fmt_opt(median(&cpus), &|c| format!("{c:.2}")),
            if v == v.baseline() {
                "-".to_owned()
            } else {
                fmt_opt(added_cpu(v), &|a| format!("{a:+.2} us"))
            },
            fmt_opt(cpu_ratio, &|x| format!("{x:.2}x")),
            fmt_opt(med(v, &Run::throughput), &|t| format!("{t:.0}")),
            fmt_opt(ratio, &|x| format!("{x:.2}x")),
            fmt_opt(med(v, &|r| r.p50.as_secs_f64() * 1e6), &|x| format!("{x:.0} us")),
            fmt_opt(med(v, &|r| r.p99.as_secs_f64() * 1e6), &|x| format!("{x:.0} us")),
            fmt_opt(med(v, &|r| r.peak_rss as f64 / (1024.0 * 1024.0)), &|x| format!(
                "{x:.1} MiB"
            )),
            spans_cell(v, runs),
            metric_cell(v, runs),
        ));
    }

    let ours = added_cpu(Variant::OursFull);
    if let Some(ours) = ours {
        out.push_str(&format!(
            "\nGoal \"our full pipeline adds at most {ADDED_CPU_GOAL_US:.1} us of server CPU per request \
             over plain axum\": ours-full adds {ours:.2} us: {}.\n",
            if ours <= ADDED_CPU_GOAL_US {
                "met".to_owned()
            } else {
                format!("NOT met, by {:.2} us", ours - ADDED_CPU_GOAL_US)
            }
        ));
    }
    let peer = added_cpu(Variant::AxumTracingOpentelemetry);
    if let (Some(ours), Some(peer)) = (ours, peer) {
        let share = ours / peer;
        out.push_str(&format!(
            "\nTarget \"ours adds at most half of what axum-tracing-opentelemetry adds\": ours adds \
             {ours:.2} us, axum-tracing-opentelemetry {peer:.2} us, a share of {share:.2}: {}.\n",
            if share <= 0.5 { "met" } else { "NOT met" }
        ));
    }
    // Two variants of the same pipeline, paired round by round: `a` minus `b`.
    let paired = |a: Variant, b: Variant| -> Option<(f64, f64, f64)> {
        let diffs: Vec<f64> = of(a)
            .filter_map(|r| {
                of(b)
                    .find(|x| x.round == r.round)
                    .map(|x| r.cpu_per_request_us() - x.cpu_per_request_us())
            })
            .collect();
        let (lo, hi) = diffs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &c| {
                (lo.min(c), hi.max(c))
            });
        median(&diffs).map(|m| (m, lo, hi))
    };
    if let Some((added, lo, hi)) = paired(Variant::OursFullRuntime, Variant::OursFull) {
        out.push_str(&format!(
            "\nRuntime metrics and the Prometheus exporter: ours-full-runtime minus ours-full, \
             paired by round: {added:+.2} us of server CPU per request (rounds {lo:+.2} to {hi:+.2}).\n"
        ));
    }
    if let Some((added, lo, hi)) = paired(Variant::OursFullHeapKept, Variant::OursFull) {
        out.push_str(&format!(
            "\nglibc's heap kept (GLIBC_TUNABLES): ours-full-heap-kept minus ours-full, paired by \
             round: {added:+.2} us of server CPU per request (rounds {lo:+.2} to {hi:+.2}).\n"
        ));
    }
    let actix_ours = added_cpu(Variant::ActixOurs);
    let contrib = added_cpu(Variant::ActixContrib);
    if let (Some(ours), Some(contrib)) = (actix_ours, contrib) {
        let share = ours / contrib;
        out.push_str(&format!(
            "\nTarget \"on actix-web, ours adds at most half of what opentelemetry-instrumentation-actix-web \
             adds\": actix-ours adds {ours:.2} us over actix-plain, actix-contrib {contrib:.2} us, a share \
             of {share:.2}: {}.\n",
            if share <= 0.5 { "met" } else { "NOT met" }
        ));
    }
    let sampled_out = added_cpu(Variant::OursSampledOut);
    if let (Some(ours), Some(sampled_out)) = (ours, sampled_out) {
        let share = sampled_out / ours;
        out.push_str(&format!(
            "\nTarget \"a sampled-out request costs at most a third of a sampled one\": sampled out \
             adds {sampled_out:.2} us, sampled {ours:.2} us, a share of {share:.2}: {}.\n",
            if share <= 1.0 / 3.0 { "met" } else { "NOT met" }
        ));
    }
    out
}

/// Spans received over all rounds against those expected; any loss flagged.
fn spans_cell(v: Variant, runs: &[Run]) -> String {
    if !v.exports_spans() {
        return "-".to_owned();
    }
    let of = || runs.iter().filter(|r| r.variant == v);
    let (expected, received) = of()
        .filter_map(|r| r.spans)
        .fold((0, 0), |(e, r), (e1, r1)| (e + e1, r + r1));
    let dropped: u64 = of().filter_map(|r| r.queue).map(|q| q.dropped).sum();
    let mut s = format!("{received} / {expected}");
    if received != expected {
        s.push_str(" **MISSING**");
    }
    if dropped > 0 {
        s.push_str(&format!(" ({dropped} dropped at the queue)"));
    }
    s
}

/// Requests the duration metric counted over all rounds against those made, and the
/// exemplars received.
fn metric_cell(v: Variant, runs: &[Run]) -> String {
    let counts: Vec<(usize, u64, u64)> = runs
        .iter()
        .filter(|r| r.variant == v)
        .filter_map(|r| r.duration_metric)
        .collect();
    if counts.is_empty() {
        return "-".to_owned();
    }
    let (expected, counted, exemplars) = counts
        .iter()
        .fold((0u64, 0u64, 0u64), |(e, c, x), &(e1, c1, x1)| {
            (e + e1 as u64, c + c1, x + x1)
        });
    let mut s = format!("{counted} / {expected} requests, {exemplars} exemplars");
    if counted != expected {
        s.push_str(" **MISSING**");
    }
    s
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
