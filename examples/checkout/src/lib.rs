//! The checkout demo: a shop of four services in one process, instrumented with every
//! otel-kit crate, under generated traffic with failures. See README.md.
//!
//! - [`run`]: start the shop, drive traffic, flush, print what was exported.
//! - [`serve`]: start the shop on an address and run until SIGTERM, then drain.
//! - `services/`: one short file per service (the part to copy); the notifications'
//!   queue is a tokio channel, or NATS JetStream with `NATS_URL`, and the inventory has a
//!   Redis cache with `REDIS_URL` ([`Services`]).
//! - [`fault`]: the outage `serve --fault payments` injects.
//! - [`pipelines`]: four services in one process, each with its own pipelines, the
//!   providers its instrumentations are given, and its threads' `tracing` subscriber.
//! - [`report`]: the waterfall, the RED table and the business table printed at the end.

pub mod fault;
pub mod pipelines;
pub mod report;
mod services;
pub mod system;
pub mod traffic;

use std::error::Error;
use std::net::SocketAddr;
use std::time::Duration;

pub use fault::Fault;
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

/// The variable `key`, unless unset or blank.
fn variable(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

/// `DATABASE_URL`, else a SQLite file in the temporary directory.
pub fn database_url() -> String {
    variable("DATABASE_URL").unwrap_or_else(|| {
        format!(
            "sqlite://{}",
            std::env::temp_dir().join("otel-kit-checkout.sqlite").display()
        )
    })
}

/// The servers the shop uses besides its database, none by default.
#[derive(Clone, Debug)]
pub struct Services {
    /// `NATS_URL`: the notifications go through JetStream there, not a tokio channel.
    pub nats_url: Option<String>,
    /// `REDIS_URL`: the inventory's price lookups go through a Redis cache there.
    pub redis_url: Option<String>,
    /// Names this run's NATS stream and Redis keys, so runs sharing a server (parallel
    /// tests) never meet: the process id and the start time, in hex.
    pub run_id: String,
}

impl Services {
    /// From `NATS_URL` and `REDIS_URL`.
    pub fn from_env() -> Services {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_micros();
        Services {
            nats_url: variable("NATS_URL"),
            redis_url: variable("REDIS_URL"),
            run_id: format!("{:x}{started:x}", std::process::id()),
        }
    }

    /// The start-up lines: where the queue and the cache are (no credentials).
    fn describe(&self) -> String {
        let queue = match &self.nats_url {
            Some(url) => services::notifications::Queue::JetStream {
                url,
                run: &self.run_id,
            },
            None => services::notifications::Queue::Channel,
        };
        let cache = match &self.redis_url {
            Some(url) => format!(
                "Redis at {}, keys checkout:{}:price:*",
                without_credentials(url),
                self.run_id
            ),
            None => "none".to_owned(),
        };
        format!(
            "notifications: {}
inventory cache: {cache}",
            queue.describe()
        )
    }
}

/// `url` without what comes before an `@` (a user name and password).
pub(crate) fn without_credentials(url: &str) -> &str {
    url.split('@').next_back().unwrap_or_default()
}

/// Starts the shop, sends the traffic, stops the shop, flushes the telemetry. With no
/// export configured, receives it in an embedded collector and prints the slowest and a
/// failed trace, and the RED table.
pub fn run(options: &Options) -> Result<(), BoxError> {
    let receiver_runtime = plain_runtime("otlp-receiver")?;
    let receiver = if export_configured() {
        None
    } else {
        Some(receiver_runtime.block_on(otel_kit::testing::TestCollector::start())?)
    };
    let pipelines = Pipelines::install(receiver.as_ref().map(|r| r.endpoint()).as_deref())?;
    match &receiver {
        Some(r) => println!("telemetry: embedded OTLP receiver on {}", r.endpoint()),
        None => println!("telemetry: exported as OTEL_* configures it"),
    }
    let database_url = database_url();
    println!("database: {}", without_credentials(&database_url));
    let services = Services::from_env();
    println!("{}", services.describe());

    let system = System::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        &database_url,
        &services,
        &pipelines,
        None,
    )?;
    print!("{}", pipelines.describe_metrics());
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
        println!("{}", report::business_table(metrics.as_slice()));
    }
    drop(receiver_runtime);
    Ok(())
}

/// Starts the shop with the frontend on `listen` (and `fault` injected, if any), runs
/// until SIGTERM or Ctrl-C, then drains the requests in flight and the queue, and
/// flushes the telemetry.
pub fn serve(listen: SocketAddr, fault: Option<Fault>) -> Result<(), BoxError> {
    let pipelines = Pipelines::install(None)?;
    let system = System::start(listen, &database_url(), &Services::from_env(), &pipelines, fault)?;
    tracing::info!(address = %system.frontend_addr(), "checkout serving");
    print!("{}", pipelines.describe_metrics());
    if fault == Some(Fault::Payments) {
        println!("fault: payments answers every charge 503");
    }
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
        out.push_str(&format!("  {:<13} {status}  x{count}\n", format!("{scenario:?}")));
    }
    out
}

/// How long `serve` waits for the frontend to drain; re-exported for the docs.
pub const DRAIN_TIMEOUT: Duration = system::DRAIN_TIMEOUT;

#[cfg(doctest)]
#[doc = include_str!("../../../docs/migrating.md")]
struct MigratingGuide;
