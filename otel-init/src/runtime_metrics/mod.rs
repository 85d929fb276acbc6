//! Process and tokio runtime metrics (the `runtime-metrics` cargo feature, on by
//! default): what operators look at for saturation, CPU, memory, threads, file
//! descriptors, and the runtime's workers, tasks and queues.
//!
//! - [`process`](self#process-metrics): the `process.*` metrics of semantic
//!   conventions v1.42, read from `/proc/self` on Linux (`process.rs`). Other
//!   platforms get none of them.
//! - [`tokio`](self#tokio-metrics): the runtimes' `RuntimeMetrics` under the kit's own
//!   `tokio.*` namespace (`tokio.rs`), the stable ones always and what
//!   `--cfg tokio_unstable` adds when the application builds with it.
//!
//! Everything is read by observable instruments' callbacks, when the metric reader
//! collects (each export, each scrape): the request path runs none of this code and
//! records nothing. `init()` registers them on its meter provider with the runtime
//! current when it runs (named `main`), unless
//! [`Builder::without_runtime_metrics`](crate::Builder::without_runtime_metrics) or
//! `OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED=false` turns them off;
//! [`Builder::tokio_runtime`](crate::Builder::tokio_runtime) and
//! [`Telemetry::observe_tokio_runtime`](crate::Telemetry::observe_tokio_runtime) name
//! other runtimes, before and after start-up.
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

mod process;
mod tokio;

pub(crate) use self::tokio::Runtimes;
pub use self::tokio::{TOKIO_RUNTIME_NAME, TOKIO_WORKER_INDEX};

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::MeterProvider;

/// The namespaces of the kit's own metrics and attributes (not in the semantic
/// conventions); otel-kit-testing's registry check accepts them.
///
/// ```
/// assert!(otel_kit_init::runtime_metrics::KIT_NAMESPACES.contains(&"tokio"));
/// ```
pub const KIT_NAMESPACES: &[&str] = otel_kit_core::KIT_NAMESPACES;

/// The variable that turns the runtime metrics off (`false`), as the OpenTelemetry Java
/// agent's `otel.instrumentation.runtime-telemetry.enabled` does; unset, they follow
/// `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED` as every instrumentation does.
pub const ENABLED_VARIABLE: &str = "OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED";

/// Registers the process and tokio instruments on `meter_provider`; the returned list
/// is where later runtimes are added.
pub(crate) fn register(
    meter_provider: &impl MeterProvider,
    runtimes: Vec<(String, ::tokio::runtime::Handle)>,
) -> Runtimes {
    let scope = InstrumentationScope::builder("otel-kit-init")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(opentelemetry_semantic_conventions::SCHEMA_URL)
        .build();
    let meter = meter_provider.meter_with_scope(scope);
    let list = Runtimes::default();
    for (name, handle) in runtimes {
        list.add(name, handle);
    }
    process::register(&meter);
    self::tokio::register(&meter, &list);
    list
}
