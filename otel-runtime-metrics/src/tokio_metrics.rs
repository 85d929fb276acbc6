//! The tokio runtimes' metrics (`tokio.*`, the kit's own namespace: the semantic
//! conventions define none for Rust runtimes), read from
//! [`tokio::runtime::RuntimeMetrics`] at collection time. Every point carries
//! `tokio.runtime.name`; per-worker ones also `tokio.worker.index`.
//!
//! The runtimes are a shared list the callbacks walk ([`TokioRuntimes`]), so a runtime
//! added after start-up is collected by the instruments registered once.

use opentelemetry::metrics::{Meter, ObservableCounter, ObservableUpDownCounter};
use tokio::runtime::RuntimeMetrics;

use crate::runtimes::{TokioRuntimes, count};

/// A per-runtime up-down counter.
fn per_runtime(
    meter: &Meter,
    runtimes: &TokioRuntimes,
    name: &'static str,
    unit: &'static str,
    description: &'static str,
    value: fn(&RuntimeMetrics) -> usize,
) -> ObservableUpDownCounter<i64> {
    let r = runtimes.clone();
    meter
        .i64_observable_up_down_counter(name)
        .with_unit(unit)
        .with_description(description)
        .with_callback(move |o| r.each(|a, m| o.observe(count(value(m)), a)))
        .build()
}

/// A per-worker counter.
#[cfg(target_has_atomic = "64")]
fn per_worker(
    meter: &Meter,
    runtimes: &TokioRuntimes,
    name: &'static str,
    unit: &'static str,
    description: &'static str,
    value: fn(&RuntimeMetrics, usize) -> u64,
) -> ObservableCounter<u64> {
    let r = runtimes.clone();
    meter
        .u64_observable_counter(name)
        .with_unit(unit)
        .with_description(description)
        .with_callback(move |o| r.each_worker(|a, m, w| o.observe(value(m, w), a)))
        .build()
}

/// Registers the `tokio.*` instruments on `meter`, over `runtimes`.
pub(crate) fn register(meter: &Meter, runtimes: &TokioRuntimes) {
    let _ = per_runtime(
        meter,
        runtimes,
        "tokio.worker.count",
        "{thread}",
        "Worker threads of the runtime",
        |m| m.num_workers(),
    );
    let _ = per_runtime(
        meter,
        runtimes,
        "tokio.task.alive.count",
        "{task}",
        "Tasks alive in the runtime",
        |m| m.num_alive_tasks(),
    );
    let _ = per_runtime(
        meter,
        runtimes,
        "tokio.global_queue.depth",
        "{task}",
        "Tasks waiting in the runtime's global (injection) queue",
        |m| m.global_queue_depth(),
    );
    #[cfg(target_has_atomic = "64")]
    {
        let r = runtimes.clone();
        let _ = meter
            .f64_observable_counter("tokio.worker.busy_time")
            .with_unit("s")
            .with_description("Time the worker spent running tasks")
            .with_callback(move |o| {
                r.each_worker(|a, m, w| o.observe(m.worker_total_busy_duration(w).as_secs_f64(), a));
            })
            .build();
        let _ = per_worker(
            meter,
            runtimes,
            "tokio.worker.parks",
            "{park}",
            "Times the worker parked",
            |m, w| m.worker_park_count(w),
        );
    }
    #[cfg(all(tokio_unstable, target_has_atomic = "64"))]
    register_unstable(meter, runtimes);
}

/// What `--cfg tokio_unstable` adds.
#[cfg(all(tokio_unstable, target_has_atomic = "64"))]
fn register_unstable(meter: &Meter, runtimes: &TokioRuntimes) {
    let _ = per_runtime(
        meter,
        runtimes,
        "tokio.blocking_thread.count",
        "{thread}",
        "Blocking threads",
        |m| m.num_blocking_threads(),
    );
    let _ = per_runtime(
        meter,
        runtimes,
        "tokio.blocking_thread.idle.count",
        "{thread}",
        "Idle blocking threads",
        |m| m.num_idle_blocking_threads(),
    );
    let _ = per_runtime(
        meter,
        runtimes,
        "tokio.blocking_queue.depth",
        "{task}",
        "Tasks waiting for a blocking thread",
        |m| m.blocking_queue_depth(),
    );
    let r = runtimes.clone();
    let _ = meter
        .i64_observable_up_down_counter("tokio.worker.local_queue.depth")
        .with_unit("{task}")
        .with_description("Tasks waiting in the worker's local queue")
        .with_callback(move |o| r.each_worker(|a, m, w| o.observe(count(m.worker_local_queue_depth(w)), a)))
        .build();
    for (name, unit, value) in [
        (
            "tokio.task.spawned",
            "{task}",
            RuntimeMetrics::spawned_tasks_count as fn(&RuntimeMetrics) -> u64,
        ),
        (
            "tokio.task.remote_scheduled",
            "{task}",
            RuntimeMetrics::remote_schedule_count,
        ),
        (
            "tokio.task.budget_forced_yields",
            "{yield}",
            RuntimeMetrics::budget_forced_yield_count,
        ),
    ] {
        let r = runtimes.clone();
        let _ = meter
            .u64_observable_counter(name)
            .with_unit(unit)
            .with_callback(move |o| r.each(|a, m| o.observe(value(m), a)))
            .build();
    }
    let _ = per_worker(
        meter,
        runtimes,
        "tokio.worker.polls",
        "{poll}",
        "Tasks polled by the worker",
        |m, w| m.worker_poll_count(w),
    );
    let _ = per_worker(
        meter,
        runtimes,
        "tokio.worker.steals",
        "{task}",
        "Tasks the worker stole",
        |m, w| m.worker_steal_count(w),
    );
    let _ = per_worker(
        meter,
        runtimes,
        "tokio.worker.overflows",
        "{overflow}",
        "Times the worker's local queue overflowed",
        |m, w| m.worker_overflow_count(w),
    );
}
