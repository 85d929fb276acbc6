//! The span and log queue processors as `init()` sets them up: the span worker idle,
//! and their counters reported as metrics. (The processors themselves are tested in
//! otel-kit-processors.)

mod idle_cpu;
mod queue_metrics;
