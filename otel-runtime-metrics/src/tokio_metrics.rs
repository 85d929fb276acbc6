//! The tokio runtimes' metrics (`tokio.*`, the kit's own namespace: the semantic
//! conventions define none for Rust runtimes), read from
//! [`tokio::runtime::RuntimeMetrics`] at collection time. Every point carries
//! `tokio.runtime.name`; per-worker ones also `tokio.worker.index`.
//!
//! The runtimes are a shared list the callbacks walk ([`TokioRuntimes`]), so a runtime
//! added after start-up is collected by the instruments registered once.

use opentelemetry::metrics::{Meter, ObservableCounter, ObservableUpDownCounter};
use otel_kit_semconv::kit::metric;
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

/// A per-runtime count: its name, unit, description and reading.
type RuntimeCount = (
    &'static str,
    &'static str,
    &'static str,
    fn(&RuntimeMetrics) -> usize,
);

/// A per-worker counter: its name, unit, description and reading.
#[cfg(all(tokio_unstable, target_has_atomic = "64"))]
type WorkerCounter = (
    &'static str,
    &'static str,
    &'static str,
    fn(&RuntimeMetrics, usize) -> u64,
);

/// Registers the `tokio.*` instruments on `meter`, over `runtimes`.
pub(crate) fn register(meter: &Meter, runtimes: &TokioRuntimes) {
    let counts: [RuntimeCount; 3] = [
        (
            metric::TOKIO_WORKER_COUNT,
            "{thread}",
            "Worker threads of the runtime",
            RuntimeMetrics::num_workers,
        ),
        (
            metric::TOKIO_TASK_ALIVE_COUNT,
            "{task}",
            "Tasks alive in the runtime",
            RuntimeMetrics::num_alive_tasks,
        ),
        (
            metric::TOKIO_GLOBAL_QUEUE_DEPTH,
            "{task}",
            "Tasks waiting in the runtime's global (injection) queue",
            RuntimeMetrics::global_queue_depth,
        ),
    ];
    for (name, unit, description, value) in counts {
        let _ = per_runtime(meter, runtimes, name, unit, description, value);
    }
    #[cfg(target_has_atomic = "64")]
    {
        let r = runtimes.clone();
        let _ = meter
            .f64_observable_counter(metric::TOKIO_WORKER_BUSY_TIME)
            .with_unit("s")
            .with_description("Time the worker spent running tasks")
            .with_callback(move |o| {
                r.each_worker(|a, m, w| o.observe(m.worker_total_busy_duration(w).as_secs_f64(), a));
            })
            .build();
        let _ = per_worker(
            meter,
            runtimes,
            metric::TOKIO_WORKER_PARKS,
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
    let counts: [RuntimeCount; 3] = [
        (
            metric::TOKIO_BLOCKING_THREAD_COUNT,
            "{thread}",
            "Blocking threads",
            RuntimeMetrics::num_blocking_threads,
        ),
        (
            metric::TOKIO_BLOCKING_THREAD_IDLE_COUNT,
            "{thread}",
            "Idle blocking threads",
            RuntimeMetrics::num_idle_blocking_threads,
        ),
        (
            metric::TOKIO_BLOCKING_QUEUE_DEPTH,
            "{task}",
            "Tasks waiting for a blocking thread",
            RuntimeMetrics::blocking_queue_depth,
        ),
    ];
    for (name, unit, description, value) in counts {
        let _ = per_runtime(meter, runtimes, name, unit, description, value);
    }
    let r = runtimes.clone();
    let _ = meter
        .i64_observable_up_down_counter(metric::TOKIO_WORKER_LOCAL_QUEUE_DEPTH)
        .with_unit("{task}")
        .with_description("Tasks waiting in the worker's local queue")
        .with_callback(move |o| r.each_worker(|a, m, w| o.observe(count(m.worker_local_queue_depth(w)), a)))
        .build();
    for (name, unit, description, value) in [
        (
            metric::TOKIO_TASK_SPAWNED,
            "{task}",
            "Tasks spawned in the runtime",
            RuntimeMetrics::spawned_tasks_count as fn(&RuntimeMetrics) -> u64,
        ),
        (
            metric::TOKIO_TASK_REMOTE_SCHEDULED,
            "{task}",
            "Tasks scheduled from outside the runtime",
            RuntimeMetrics::remote_schedule_count,
        ),
        (
            metric::TOKIO_TASK_BUDGET_FORCED_YIELDS,
            "{yield}",
            "Times a task was forced to yield after exhausting its budget",
            RuntimeMetrics::budget_forced_yield_count,
        ),
    ] {
        let r = runtimes.clone();
        let _ = meter
            .u64_observable_counter(name)
            .with_unit(unit)
            .with_description(description)
            .with_callback(move |o| r.each(|a, m| o.observe(value(m), a)))
            .build();
    }
    let counters: [WorkerCounter; 3] = [
        (
            metric::TOKIO_WORKER_POLLS,
            "{poll}",
            "Tasks polled by the worker",
            RuntimeMetrics::worker_poll_count,
        ),
        (
            metric::TOKIO_WORKER_STEALS,
            "{task}",
            "Tasks the worker stole",
            RuntimeMetrics::worker_steal_count,
        ),
        (
            metric::TOKIO_WORKER_OVERFLOWS,
            "{overflow}",
            "Times the worker's local queue overflowed",
            RuntimeMetrics::worker_overflow_count,
        ),
    ];
    for (name, unit, description, value) in counters {
        let _ = per_worker(meter, runtimes, name, unit, description, value);
    }
}
