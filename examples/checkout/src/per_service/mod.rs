//! Four services in one process, each with its own `service.name`.
//!
//! In production each service is its own process and calls `otel_kit_init::init()` once in
//! `main`. This demo starts the whole system with one command, so each service runs on
//! its own tokio runtime whose threads know which service they belong to, and gets its
//! own otel-kit-init pipelines (resource, exporters, batch queue). The global providers
//! installed here hand each span, measurement and log record to the pipelines of the
//! service whose thread produced it. None of this is needed in a real service.

mod logger;
mod meter;
mod tracer;

use std::cell::Cell;
use std::sync::Arc;

use otel_kit_init::subscriber::{Console, ConsoleFormat, LogFilter};
use otel_kit_init::{InitError, ShutdownError, Telemetry};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

/// The services of the demo, each with its own `service.name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// The HTTP API clients call (axum).
    Frontend,
    /// Places orders over gRPC (tonic); owns the inventory table (sqlx).
    Orders,
    /// Charges cards over HTTP (axum, called with reqwest); asks an LLM for a fraud check.
    Payments,
    /// Sends confirmations; fed through a queue.
    Notifications,
}

impl Service {
    /// Every service, in the order of their index.
    pub const ALL: [Service; 4] = [
        Service::Frontend,
        Service::Orders,
        Service::Payments,
        Service::Notifications,
    ];

    /// Its `service.name`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Frontend => "frontend",
            Service::Orders => "orders",
            Service::Payments => "payments",
            Service::Notifications => "notifications",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

thread_local! {
    /// The service the current thread works for; `None` on the traffic generator's,
    /// the LLM mock's and the exporters' threads, whose telemetry is not recorded.
    static CURRENT: Cell<Option<usize>> = const { Cell::new(None) };
}

fn current() -> Option<usize> {
    CURRENT.with(Cell::get)
}

/// A runtime for `service`: its threads record telemetry as that service.
pub fn runtime(service: Service, worker_threads: usize) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads)
        .thread_name(service.name())
        .on_thread_start(move || CURRENT.with(|c| c.set(Some(service.index()))))
        .enable_all()
        .build()
}

/// A runtime whose threads belong to no service (the traffic generator, the mock LLM).
pub fn unattributed_runtime(name: &str) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(name)
        .enable_all()
        .build()
}

/// The pipelines of every service, installed behind the global providers.
pub struct Pipelines {
    telemetry: Vec<Telemetry>,
}

impl Pipelines {
    /// Builds one otel-kit-init pipeline per service from the `OTEL_*` environment (with
    /// `endpoint` instead of the configured one when given), installs the routing global
    /// providers, the propagators and the `tracing` subscriber.
    pub fn install(endpoint: Option<&str>) -> Result<Pipelines, InitError> {
        let mut telemetry = Vec::new();
        for service in Service::ALL {
            let mut builder = otel_kit_init::builder()
                .service_name(service.name())
                .environment(environment_without_service_name)
                .without_globals()
                .without_tracing_subscriber();
            if let Some(endpoint) = endpoint {
                builder = builder
                    .otlp_endpoint(endpoint)
                    .otlp_protocol(otel_kit_init::config::OtlpProtocol::Grpc);
            }
            telemetry.push(builder.init()?);
        }
        let tracers: Arc<[_]> = telemetry.iter().map(|t| t.tracer_provider().clone()).collect();
        let meters: Arc<[_]> = telemetry.iter().map(|t| t.meter_provider().clone()).collect();
        let loggers: Arc<[_]> = telemetry.iter().map(|t| t.logger_provider().clone()).collect();
        let tracer_provider = tracer::RoutingTracerProvider::new(tracers);
        let logger_provider = logger::RoutingLoggerProvider::new(loggers);
        opentelemetry::global::set_tracer_provider(tracer_provider.clone());
        opentelemetry::global::set_meter_provider(meter::RoutingMeterProvider::new(meters));
        telemetry[0].propagators().clone().install_global();

        use opentelemetry::trace::TracerProvider as _;
        let (filter, _) =
            LogFilter::from_rust_log(std::env::var("RUST_LOG").ok().as_deref().or(Some("info")));
        let layers = otel_kit_init::subscriber::layers(
            tracer_provider.tracer("checkout"),
            &logger_provider,
            Console::stdout(ConsoleFormat::Text),
            &filter,
        );
        // The console shows warnings and errors only, on stderr, under the progress bar;
        // every log record at `info` and above is exported.
        let console = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(LevelFilter::WARN);
        let subscriber = tracing_subscriber::registry()
            .with(layers.traces.and_then(layers.logs))
            .with(console);
        // A second install (tests calling `run` twice) keeps the first subscriber.
        let _ = tracing::subscriber::set_global_default(subscriber);
        quiet_service_panics();
        Ok(Pipelines { telemetry })
    }

    /// Spans each service dropped because its queue was full.
    pub fn dropped_spans(&self) -> u64 {
        self.telemetry.iter().map(Telemetry::dropped_spans).sum()
    }

    /// Exports what every service has recorded so far (metrics included).
    pub fn force_flush(&self) -> Result<(), ShutdownError> {
        self.telemetry.iter().try_for_each(Telemetry::force_flush)
    }

    /// Flushes and shuts down every service's pipelines.
    pub fn shutdown(&self) -> Result<(), ShutdownError> {
        let mut first_error = None;
        for telemetry in &self.telemetry {
            if let Err(error) = telemetry.shutdown() {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The process environment without the service name: one process, four services, so
/// `OTEL_SERVICE_NAME` (which otel-kit-init lets win over code) would make them one.
fn environment_without_service_name(key: &str) -> Option<String> {
    let value = std::env::var(key).ok()?;
    match key {
        "OTEL_SERVICE_NAME" => None,
        "OTEL_RESOURCE_ATTRIBUTES" => Some(
            value
                .split(',')
                .filter(|pair| pair.split('=').next().map(str::trim) != Some("service.name"))
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => Some(value),
    }
}

/// A panic on a service's thread is caught and logged by the service (and recorded on
/// its span); the default hook would print it again, with a backtrace, over the progress
/// bar. Panics elsewhere still print.
fn quiet_service_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if current().is_none() {
            default_hook(info);
        }
    }));
}
