//! Four services in one process, each with its own `service.name`.
//!
//! In production each service is its own process and calls `otel_kit::init()` once in
//! `main`. This demo starts the whole system with one command, so each service gets its
//! own otel-kit-init pipelines (resource, exporters, batch queue) built without globals,
//! and hands their providers to every instrumentation it uses. Its `tracing` spans and
//! log events reach the same pipelines through a subscriber set on its runtime's threads.
//! None of this is needed in a real service.

use std::cell::RefCell;

use otel_kit::http::Providers;
use otel_kit::opentelemetry::trace::TracerProvider as _;
use otel_kit::opentelemetry_sdk::trace::SdkTracer;
use otel_kit::subscriber::{Console, ConsoleFormat, LogFilter};
use otel_kit::tracing_subscriber::filter::LevelFilter;
use otel_kit::tracing_subscriber::prelude::*;
use otel_kit::{InitError, ShutdownError, Telemetry};
use tracing::Dispatch;
use tracing::dispatcher::DefaultGuard;

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
    /// Every service, in the order [`Pipelines`] keeps them.
    pub const ALL: [Service; 4] = [
        Service::Frontend,
        Service::Orders,
        Service::Payments,
        Service::Notifications,
    ];

    /// Its `service.name`, also the name of its runtime's threads.
    pub fn name(self) -> &'static str {
        match self {
            Service::Frontend => "frontend",
            Service::Orders => "orders",
            Service::Payments => "payments",
            Service::Notifications => "notifications",
        }
    }
}

/// One service's pipelines, the [`Providers`] its instrumentations are given, and the
/// `tracing` subscriber of its threads.
pub struct ServiceTelemetry {
    service: Service,
    telemetry: Telemetry,
    providers: Providers,
    subscriber: Dispatch,
}

thread_local! {
    /// Keeps a service runtime's subscriber the default of the thread for its whole life.
    static SUBSCRIBER: RefCell<Option<DefaultGuard>> = const { RefCell::new(None) };
}

impl ServiceTelemetry {
    fn init(
        service: Service,
        endpoint: Option<&str>,
        filter: &LogFilter,
        (prometheus_host, prometheus_port): (&str, u16),
    ) -> Result<Self, InitError> {
        let mut builder = otel_kit::builder()
            .service_name(service.name())
            .environment(environment_without_service_name)
            .prometheus_address(prometheus_host, prometheus_port)
            .without_globals();
        if let Some(endpoint) = endpoint {
            builder = builder
                .otlp_endpoint(endpoint)
                .otlp_protocol(otel_kit::config::Protocol::Grpc);
        }
        let telemetry = builder.init()?;
        let providers = Providers::new()
            .tracer_provider(telemetry.tracer_provider().clone())
            .meter_provider(telemetry.meter_provider().clone())
            .propagator(telemetry.propagators().clone())
            // Exception and GenAI log events: without globals, nothing else sends them.
            .logger_provider(telemetry.logger_provider().clone());
        // Only the traces and the OTLP logs of otel-kit-init's layers: the console is
        // the process's own (see `console`). With logs sent over OTLP, each line is a
        // log record only, not a span event too.
        let layers = otel_kit::subscriber::layers_with_span_events(
            telemetry.tracer_provider().tracer("checkout"),
            telemetry.logger_provider(),
            Console::stdout(ConsoleFormat::Text),
            filter,
            telemetry.span_events(),
        );
        let subscriber = otel_kit::tracing_subscriber::registry()
            .with(layers.traces.and_then(layers.logs))
            .with(console());
        Ok(ServiceTelemetry {
            service,
            telemetry,
            providers,
            subscriber: Dispatch::new(subscriber),
        })
    }

    /// What every otel-kit instrumentation of this service is given.
    pub fn providers(&self) -> Providers {
        self.providers.clone()
    }

    /// The meter of the service's own business metrics (`services/business_metrics.rs`).
    pub fn meter(&self) -> otel_kit::opentelemetry::metrics::Meter {
        use otel_kit::opentelemetry::metrics::MeterProvider as _;
        self.telemetry.meter_provider().meter("checkout")
    }

    /// Where this service serves `/metrics`, when `OTEL_METRICS_EXPORTER` names
    /// `prometheus` and its port was free.
    pub fn metrics_address(&self) -> Option<std::net::SocketAddr> {
        self.telemetry.prometheus_address()
    }

    /// A tracer of this service, for the spans the demo opens by hand (the inventory
    /// lookup).
    pub fn tracer(&self, name: &'static str) -> SdkTracer {
        self.telemetry.tracer_provider().tracer(name)
    }

    /// A runtime for this service. Its threads (workers and blocking) start with this
    /// service's subscriber as their default, so every task on them, including those
    /// axum, tonic and hyper spawn for connections, logs as this service. That needs
    /// nothing at each spawn, unlike `WithSubscriber` on each future. Its `tokio.*`
    /// runtime metrics are this service's (`tokio.runtime.name` = the service's name).
    pub fn runtime(&self, worker_threads: usize) -> std::io::Result<tokio::runtime::Runtime> {
        let subscriber = self.subscriber.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads)
            .thread_name(self.service.name())
            .on_thread_start(move || {
                SUBSCRIBER.set(Some(tracing::dispatcher::set_default(&subscriber)));
            })
            .enable_all()
            .build()?;
        self.telemetry
            .observe_tokio_runtime(self.service.name(), runtime.handle());
        Ok(runtime)
    }
}

/// A runtime whose threads belong to no service (the traffic generator, the mock LLM,
/// the embedded receiver): the process's console is all their `tracing` reaches.
pub fn plain_runtime(name: &str) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(name)
        .enable_all()
        .build()
}

/// The log records exported without `RUST_LOG`: `info` and up, but only warnings and
/// errors of async-nats, whose `info` events (connected, reconnected) are the client's
/// diagnostics, with fields of no namespace (`server`, `max_payload`).
const DEFAULT_LOG_FILTER: &str = "info,async_nats=warn";

/// The pipelines of every service.
pub struct Pipelines {
    services: Vec<ServiceTelemetry>,
}

impl Pipelines {
    /// Builds one otel-kit-init pipeline per service from the `OTEL_*` environment (with
    /// `endpoint` instead of the configured one when given), and the global `tracing`
    /// subscriber for threads of no service: the console only.
    pub fn install(endpoint: Option<&str>) -> Result<Pipelines, InitError> {
        let (filter, _) = LogFilter::from_rust_log(
            std::env::var("RUST_LOG")
                .ok()
                .as_deref()
                .or(Some(DEFAULT_LOG_FILTER)),
        );
        let (config, _) = otel_kit::config::Config::from_lookup(environment_without_service_name);
        let (host, port) = (
            config.export.prometheus.host.as_str(),
            config.export.prometheus.port,
        );
        let services = Service::ALL
            .into_iter()
            .map(|service| {
                ServiceTelemetry::init(service, endpoint, &filter, (host, metrics_port(port, service)))
            })
            .collect::<Result<_, _>>()?;
        // A second install (tests calling `run` twice) keeps the first subscriber.
        let _ =
            tracing::subscriber::set_global_default(otel_kit::tracing_subscriber::registry().with(console()));
        quiet_service_panics();
        Ok(Pipelines { services })
    }

    /// One service's pipelines.
    pub fn service(&self, service: Service) -> &ServiceTelemetry {
        &self.services[service as usize]
    }

    /// Where each service serves `/metrics` (see [`metrics_port`]): one line per
    /// service, none when the Prometheus exporter is off.
    pub fn describe_metrics(&self) -> String {
        self.services
            .iter()
            .filter_map(|s| Some((s.service.name(), s.metrics_address()?)))
            .map(|(name, address)| format!("metrics: {name} http://{address}/metrics\n"))
            .collect()
    }

    /// Spans each service dropped because its queue was full.
    pub fn dropped_spans(&self) -> u64 {
        self.services.iter().map(|s| s.telemetry.dropped_spans()).sum()
    }

    /// Exports what every service has recorded so far (metrics included).
    pub fn force_flush(&self) -> Result<(), ShutdownError> {
        self.services.iter().try_for_each(|s| s.telemetry.force_flush())
    }

    /// Flushes and shuts down every service's pipelines.
    pub fn shutdown(&self) -> Result<(), ShutdownError> {
        let mut first_error = None;
        for service in &self.services {
            if let Err(error) = service.telemetry.shutdown() {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The port `service` serves `/metrics` on: `OTEL_EXPORTER_PROMETHEUS_PORT` (default
/// 9464) for the frontend and the next three for orders, payments and notifications, in
/// that order; 0 (any free port) stays 0 for all four, and past 65535 is 0 too.
pub fn metrics_port(configured: u16, service: Service) -> u16 {
    if configured == 0 {
        return 0;
    }
    configured.checked_add(service as u16).unwrap_or(0)
}

/// The console shows warnings and errors only, on stderr, under the progress bar;
/// every log record at `info` and above is exported.
fn console<S>() -> impl otel_kit::tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> otel_kit::tracing_subscriber::registry::LookupSpan<'a>,
{
    otel_kit::tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(LevelFilter::WARN)
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
        let thread = std::thread::current();
        if !Service::ALL.iter().any(|s| thread.name() == Some(s.name())) {
            default_hook(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_serves_metrics_on_the_next_port() {
        let ports = Service::ALL.map(|s| metrics_port(9464, s));
        assert_eq!(ports, [9464, 9465, 9466, 9467]);
        assert_eq!(Service::ALL.map(|s| metrics_port(0, s)), [0; 4], "any free port");
        assert_eq!(metrics_port(65535, Service::Orders), 0, "past the last port");
    }
}
