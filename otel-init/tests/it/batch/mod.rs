//! The span queue processor as `init()` sets it up: its idle worker, and its counters
//! reported as metrics. (The processor itself is tested in otel-kit-otlp.)

mod idle_cpu;
mod span_queue_metrics;
