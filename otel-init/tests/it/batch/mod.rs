//! The span and log queue processors as `init()` sets them up: the span worker idle,
//! their counters reported as metrics, and one trace's share of the span queue. (The
//! processors themselves are tested in otel-kit-processors.)

mod idle_cpu;
mod queue_metrics;
mod trace_share;
