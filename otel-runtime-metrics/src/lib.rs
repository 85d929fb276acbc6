//! Process and tokio runtime metrics for any OpenTelemetry `MeterProvider`: what
//! operators look at for saturation, CPU, memory, threads, file descriptors, and the
//! runtimes' workers, tasks and queues.
//!
//! ```
//! use opentelemetry::metrics::MeterProvider as _;
//! use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
//! use otel_kit_runtime_metrics::TokioRuntimes;
//!
//! let exporter = InMemoryMetricExporter::default();
//! let reader = PeriodicReader::builder(exporter.clone()).build();
//! let provider = SdkMeterProvider::builder().with_reader(reader).build();
//! let runtime = tokio::runtime::Runtime::new().unwrap();
//! let runtimes = TokioRuntimes::default();
//! runtimes.add("main", runtime.handle().clone()); // more runtimes may be added any time
//! otel_kit_runtime_metrics::register(&provider.meter_with_scope(otel_kit_runtime_metrics::scope()), &runtimes);
//! provider.force_flush().unwrap();
//! assert!(exporter.get_finished_metrics().unwrap()[0].scope_metrics().next().is_some());
//! ```
//!
//! - [`register`]: puts every instrument on a meter; [`scope`] is this crate's
//!   instrumentation scope for that meter.
//! - [`TokioRuntimes`]: the runtimes observed, a shared list that grows after start-up.
//! - `process` ([below](self#process-metrics)): the `process.*` metrics of semantic
//!   conventions v1.45, read from `/proc/self` on Linux. Other platforms get none of
//!   them.
//! - `tokio` ([below](self#tokio-metrics)): the runtimes' `RuntimeMetrics` under the
//!   kit's own `tokio.*` namespace, the stable ones always and what
//!   `--cfg tokio_unstable` adds when the application builds with it.
//!
//! Everything is read by observable instruments' callbacks, when the metric reader
//! collects (each export, each scrape): the request path runs none of this code and
//! records nothing. otel-kit-init registers them on its meter provider (its
//! `runtime-metrics` feature).
//!
//! # Process metrics
//!
//! `process.cpu.time` (`cpu.mode` user, system), `process.cpu.utilization`,
//! `process.memory.usage`, `process.memory.virtual`, `process.thread.count`,
//! `process.unix.file_descriptor.count`, `process.context_switches`
//! (`process.context_switch.type`), `process.paging.faults`
//! (`system.paging.fault.type`), `process.disk.io` (`disk.io.direction`),
//! `process.uptime`.
//!
//! # Tokio metrics
//!
//! `tokio.worker.count`, `tokio.task.alive.count`, `tokio.global_queue.depth`,
//! `tokio.worker.busy_time` and `tokio.worker.parks` (per worker), each with
//! [`TOKIO_RUNTIME_NAME`]; with `tokio_unstable` also the blocking pool, spawned and
//! remotely scheduled tasks, forced yields, and per-worker polls, steals, overflows and
//! local queue depth. [`KIT_NAMESPACES`] declares the namespace to a registry check.

mod process_metrics;
mod registration;
mod runtimes;
mod tokio_metrics;

pub use registration::{KIT_NAMESPACES, register, scope};
pub use runtimes::{TOKIO_RUNTIME_NAME, TOKIO_WORKER_INDEX, TokioRuntimes};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
