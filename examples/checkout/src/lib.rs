//! The checkout demo: a shop of four services in one process, instrumented with every
//! otel-kit crate, under generated traffic with failures. See README.md.
//!
//! - [`run`]: start the shop, drive traffic, flush, print what was exported.
//! - [`serve`]: start the shop on an address and run until SIGTERM, then drain.
//! - `services/`: one short file per service (the part to copy).
//! - [`pipelines`]: four services in one process, each with its own pipelines, the
//!   providers its instrumentations are given, and its threads' `tracing` subscriber.
//! - [`report`]: the waterfall and the RED table printed at the end.

pub mod pipelines;
pub mod report;
mod services;
pub mod system;
pub mod traffic;

use std::error::Error;
use std::net::SocketAddr;
use std::time::Duration;

pub use pipelines::{Pipelines, Service, ServiceTelemetry};
pub use system::System;

use pipelines::plain_runtime;

/// The generated code for `proto/orders.proto`.
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod proto {
    tonic::include_proto!("checkout.orders.v1");
}

/// Boxed errors, as `main` reports them.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// How much traffic [`run`] sends.
#[derive(Clone, Debug)]
pub struct Options {
    /// Checkouts in total.
    pub checkouts: usize,
    /// Checkouts in flight at once.
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            checkouts: 200,
            concurrency: 8,
        }
    }
}

/// True when the environment says where to export (then no embedded receiver runs).
pub fn export_configured() -> bool {
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_TRACES_EXPORTER",
    ]
    .iter()
    .any(|key| std::env::var(key).is_ok_and(|v| !v.trim().is_empty()))
}

/// `DATABASE_URL`, else a SQLite file in the temporary directory.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                std::env::temp_dir().join("otel-kit-checkout.sqlite").display()
            )
        })
}

/// Starts the shop, sends the traffic, stops the shop, flushes the telemetry. With no
/// export configured, receives it in an embedded collector and prints the slowest and a
/// failed trace, and the RED table.
pub fn run(options: &Options) -> Result<(), BoxError> {
    let receiver_runtime = plain_runtime("otlp-receiver")?;
    let receiver = if export_configured() {
        None
    } else {
        Some(receiver_runtime.block_on(otel_kit_testing::TestCollector::start())?)
    };
    let pipelines = Pipelines::install(receiver.as_ref().map(|r| r.endpoint()).as_deref())?;
    match &receiver {
        Some(r) => println!("telemetry: embedded OTLP receiver on {}", r.endpoint()),
        None => println!("telemetry: exported as OTEL_* configures it"),
    }
    let database_url = database_url();
    println!(
        "database: {}",
        database_url.split('@').next_back().unwrap_or_default()
    );

    let system = System::start(SocketAddr::from(([127, 0, 0, 1], 0)), &database_url, &pipelines)?;
    let frontend = system.frontend_addr();
    println!(
        "frontend: http://{frontend}  ({} checkouts, {} at a time)",
        options.checkouts, options.concurrency
    );
    let traffic_runtime = plain_runtime("traffic")?;
    let traffic = traffic_runtime.block_on(traffic::drive(frontend, options.checkouts, options.concurrency));
    // Metrics first, while the pool their gauges observe is still open.
    pipelines.force_flush()?;
    system.stop();
    pipelines.shutdown()?;

    println!("\n{}", traffic_summary(&traffic));
    if pipelines.dropped_spans() > 0 {
        println!("spans dropped by full queues: {}", pipelines.dropped_spans());
    }
    if let Some(receiver) = receiver {
        let spans = receiver.spans();
        let metrics = receiver.metrics();
        let logs = receiver.logs();
        let correlated = logs.as_slice().iter().filter(|l| l.trace_id.is_some()).count();
        println!(
            "received: {} spans, {} metric streams, {} log records ({} in a trace)\n",
            spans.len(),
            metrics.as_slice().len(),
            logs.len(),
            correlated
        );
        println!("{}", report::waterfalls(spans.as_slice()));
        println!("{}", report::red_table(metrics.as_slice(), traffic.elapsed));
    }
    drop(receiver_runtime);
    Ok(())
}

/// Starts the shop with the frontend on `listen`, runs until SIGTERM or Ctrl-C, then
/// drains the requests in flight and the queue, and flushes the telemetry.
pub fn serve(listen: SocketAddr) -> Result<(), BoxError> {
    let pipelines = Pipelines::install(None)?;
    let system = System::start(listen, &database_url(), &pipelines)?;
    tracing::info!(address = %system.frontend_addr(), "checkout serving");
    println!("frontend: http://{}", system.frontend_addr());
    let signals = plain_runtime("signals")?;
    let signal = signals.block_on(termination())?;
    tracing::info!(signal, "draining");
    // Metrics first, while the pool their gauges observe is still open.
    pipelines.force_flush()?;
    system.stop();
    pipelines.shutdown()?;
    Ok(())
}

/// Waits for SIGTERM (what Kubernetes sends) or Ctrl-C.
async fn termination() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = term.recv() => Ok("SIGTERM"),
            result = tokio::signal::ctrl_c() => result.map(|()| "SIGINT"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
    }
}

/// One line per scenario and status.
fn traffic_summary(traffic: &traffic::TrafficReport) -> String {
    let total: usize = traffic.responses.values().sum();
    let seconds = traffic.elapsed.as_secs_f64().max(f64::EPSILON);
    let mut out = format!(
        "traffic: {total} responses in {:.1} s ({:.0}/s), {} without a response\n",
        seconds,
        total as f64 / seconds,
        traffic.transport_errors
    );
    for ((scenario, status), count) in &traffic.responses {
        out.push_str(&format!("  {:<12} {status}  x{count}\n", format!("{scenario:?}")));
    }
    out
}

/// How long `serve` waits for the frontend to drain; re-exported for the docs.
pub const DRAIN_TIMEOUT: Duration = system::DRAIN_TIMEOUT;

#[cfg(doctest)]
#[doc = include_str!("../../../docs/migrating.md")]
struct MigratingGuide;
