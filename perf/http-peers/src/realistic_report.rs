//! The realistic scenario's Markdown table: each `service-*` variant against
//! `service-plain` of the same round, beside the guides' budgets.
//!
//! The budgets (see docs/performance.md, "Realistic service"): added p99 latency under
//! 5 % at full sampling, more than 10 % a red flag; added CPU about 35 % at 100 %
//! sampling and 3.5 % at a 10 % ratio.

use crate::Variant;
use crate::report::{Run, Setup};
use crate::stats::median;

/// Added p99 latency the guides accept at full sampling, in percent.
pub const P99_BUDGET_PCT: f64 = 5.0;
/// Added p99 latency the guides call a red flag, in percent.
pub const P99_RED_FLAG_PCT: f64 = 10.0;
/// Added CPU the guides expect of an agent sampling everything, in percent.
pub const CPU_BUDGET_FULL_PCT: f64 = 35.0;
/// Added CPU the guides expect at a 10 % ratio, in percent.
pub const CPU_BUDGET_TENTH_PCT: f64 = 3.5;

/// The CPU budget that applies to `v`, in percent of the baseline's CPU.
pub fn cpu_budget_pct(v: Variant) -> f64 {
    if matches!(v, Variant::ServiceKit10 | Variant::ServiceKit1) {
        CPU_BUDGET_TENTH_PCT
    } else {
        CPU_BUDGET_FULL_PCT
    }
}

/// The verdict on an added p99 of `pct` percent.
pub fn p99_verdict(pct: f64) -> &'static str {
    if pct < P99_BUDGET_PCT {
        "within 5 %"
    } else if pct <= P99_RED_FLAG_PCT {
        "**over 5 %**"
    } else {
        "**red flag (>10 %)**"
    }
}

/// The verdict on an added CPU of `pct` percent against `budget`.
pub fn cpu_verdict(pct: f64, budget: f64) -> String {
    if pct <= budget {
        format!("within {budget} %")
    } else {
        format!("**over {budget} %**")
    }
}

fn us(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The table, with a preamble saying how the runs were made.
pub fn table(runs: &[Run], setup: &Setup<'_>, rate: f64, seconds: f64, warmup_seconds: f64) -> String {
    let of = |v: Variant| runs.iter().filter(move |r| r.variant == v);
    let paired = |v: Variant, f: &dyn Fn(&Run, &Run) -> f64| -> Option<f64> {
        let values: Vec<f64> = of(v)
            .filter_map(|r| {
                runs.iter()
                    .find(|p| p.variant == v.baseline() && p.round == r.round)
                    .map(|p| f(r, p))
            })
            .collect();
        median(&values)
    };
    let med = |v: Variant, f: &dyn Fn(&Run) -> f64| median(&of(v).map(f).collect::<Vec<_>>());
    let na = |x: Option<f64>, f: &dyn Fn(f64) -> String| x.map_or_else(|| "n/a".to_owned(), f);

    let mut out = format!(
        "`compare {}`\n\n{} rounds (the variants' order rotated each round), each run {warmup_seconds} s of \
         warm-up then {seconds} s measured at {rate} requests/s in an open loop over {} keep-alive \
         HTTP/1.1 connections (latency from when the generator woke to send each request, any wait for an idle connection included, to its whole response), {} cores; \
         {}; spans exported to {}; servers run with {}. Medians over rounds; \"added\" is the median over \
         rounds of the variant minus `service-plain` of the same round. Server CPU is `utime + stime` \
         of the whole server process until the run's last span reached the collector.\n\n",
        setup.args.join(" "),
        setup.rounds,
        setup.connections,
        setup.cores,
        setup.placement,
        setup.collector,
        setup
            .server_env
            .iter()
            .map(|(k, v)| format!("`{k}={v}`"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(
        "| variant | covers | server CPU per request (min-max) | added CPU | added CPU vs baseline (guides' budget) \
         | p50 | p99 | added p99 (guides: < 5 %, > 10 % red flag) | peak RSS | server core busy | spans received \
         | `http.server.request.duration` |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n",
    );
    let mut seen = Vec::new();
    for &v in setup.variants {
        if seen.contains(&v) {
            continue;
        }
        seen.push(v);
        let cpus: Vec<f64> = of(v).map(Run::cpu_per_request_us).collect();
        let (lo, hi) = cpus
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &c| {
                (lo.min(c), hi.max(c))
            });
        let baseline = v == v.baseline();
        let added = paired(v, &|r, p| r.cpu_per_request_us() - p.cpu_per_request_us());
        let added_pct = paired(v, &|r, p| {
            (r.cpu_per_request_us() / p.cpu_per_request_us() - 1.0) * 100.0
        });
        let p99_pct = paired(v, &|r, p| (us(r.p99) / us(p.p99) - 1.0) * 100.0);
        let p99_added = paired(v, &|r, p| us(r.p99) - us(p.p99));
        let busy = med(v, &|r| {
            r.server_cpu.as_secs_f64() / (r.wall + r.export_tail).as_secs_f64() * 100.0
        });
        out.push_str(&format!(
            "| `{}` | {} | {} µs ({lo:.1}-{hi:.1}) | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            v.name(),
            v.covers(),
            na(median(&cpus), &|c| format!("{c:.1}")),
            if baseline {
                "-".to_owned()
            } else {
                na(added, &|a| format!("{a:+.1} µs"))
            },
            if baseline {
                "-".to_owned()
            } else {
                na(added_pct, &|x| {
                    format!("{x:+.1} %: {}", cpu_verdict(x, cpu_budget_pct(v)))
                })
            },
            na(med(v, &|r| us(r.p50)), &|x| format!("{x:.0} µs")),
            na(med(v, &|r| us(r.p99)), &|x| format!("{x:.0} µs")),
            if baseline {
                "-".to_owned()
            } else {
                match (p99_added, p99_pct) {
                    (Some(a), Some(x)) => format!("{a:+.0} µs, {x:+.1} %: {}", p99_verdict(x)),
                    _ => "n/a".to_owned(),
                }
            },
            na(med(v, &|r| r.peak_rss as f64 / (1024.0 * 1024.0)), &|x| format!(
                "{x:.1} MiB"
            )),
            na(busy, &|x| format!("{x:.0} %")),
            spans_cell(v, runs),
            metric_cell(v, runs),
        ));
    }
    out
}

/// Spans received over all rounds against those expected; for a ratio-sampled variant,
/// the share of what sampling every request would have sent.
fn spans_cell(v: Variant, runs: &[Run]) -> String {
    if !v.exports_spans() {
        return "-".to_owned();
    }
    let (expected, received) = runs
        .iter()
        .filter(|r| r.variant == v)
        .filter_map(|r| r.spans)
        .fold((0, 0), |(e, r), (e1, r1)| (e + e1, r + r1));
    let dropped: u64 = runs
        .iter()
        .filter(|r| r.variant == v)
        .filter_map(|r| r.queue)
        .map(|q| q.dropped)
        .sum();
    let mut s = if v.spans_per_request().is_some() {
        let mut s = format!("{received} / {expected}");
        if received != expected {
            s.push_str(" **MISSING**");
        }
        s
    } else {
        format!(
            "{received}: {:.1} % of {expected}",
            received as f64 * 100.0 / expected.max(1) as f64
        )
    };
    if dropped > 0 {
        s.push_str(&format!(" ({dropped} dropped at the queue)"));
    }
    s
}

/// Requests the server duration metric counted over all rounds, against those made.
fn metric_cell(v: Variant, runs: &[Run]) -> String {
    let (expected, counted) = runs
        .iter()
        .filter(|r| r.variant == v)
        .filter_map(|r| r.duration_metric)
        .fold((0u64, 0u64), |(e, c), (e1, c1, _)| (e + e1 as u64, c + c1));
    if expected == 0 {
        return "-".to_owned();
    }
    let mut s = format!("{counted} / {expected} requests");
    if counted != expected {
        s.push_str(" **MISSING**");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_guides() {
        assert_eq!(p99_verdict(4.9), "within 5 %");
        assert_eq!(p99_verdict(7.0), "**over 5 %**");
        assert_eq!(p99_verdict(10.5), "**red flag (>10 %)**");
        assert_eq!(cpu_budget_pct(Variant::ServiceKit10), 3.5);
        assert_eq!(cpu_budget_pct(Variant::ServiceKit), 35.0);
        assert_eq!(cpu_verdict(36.0, 35.0), "**over 35 %**");
    }
}
