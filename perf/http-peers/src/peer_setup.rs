//! Each traced variant's telemetry, set up the way its users set it up: the kit's through
//! `otel_kit_init`, and in the realistic service each peer with its own recommended
//! initialisation, so that a peer's figure is what its users pay, not the kit's
//! subscriber and pipeline under another layer:
//!
//! | variant | set up with |
//! | --- | --- |
//! | the kit's (`ours-*`, `actix-ours`, `service-kit*`) | `otel_kit_init::builder().service_name(..).init()` |
//! | `service-axum-tracing-opentelemetry` | `init_tracing_opentelemetry::TracingConfig::production().with_logs(true)`, the preset its README starts with, logs exported |
//! | `service-tower-otel`, `service-contrib-tower` | the SDK's own pipeline: opentelemetry-otlp's HTTP exporters with their defaults (blocking reqwest client), batch span and log processors, a periodic metric reader, the W3C propagator, `tracing-opentelemetry` and the log appender on a `tracing_subscriber` registry, JSON lines to stdout |
//! | the hello-world peers | through `otel_kit_init`, as before (their figures compare the middleware alone) |
//!
//! Every one of them reads `OTEL_EXPORTER_OTLP_ENDPOINT` and the rest of the `OTEL_*`
//! variables `compare` sets.

use std::error::Error;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::Variant;

/// A traced variant's telemetry, until [`Telemetry::shutdown`].
pub enum Telemetry {
    /// `otel_kit_init`'s (boxed: it is far larger than the others).
    Kit(Box<otel_kit_init::Telemetry>),
    /// init-tracing-opentelemetry's guard: dropping it flushes.
    AxumTracing(init_tracing_opentelemetry::Guard),
    /// The SDK's own providers.
    Sdk(SdkPipeline),
}

/// The SDK's providers, built by hand.
pub struct SdkPipeline {
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
    logger_provider: SdkLoggerProvider,
}

impl Telemetry {
    /// The telemetry `variant`'s users set up; `None` for an untraced variant.
    pub fn start(variant: Variant) -> Result<Option<Telemetry>, Box<dyn Error>> {
        if !variant.traced() {
            return Ok(None);
        }
        let service_name = format!("http-peers-{variant}");
        Ok(Some(match variant {
            Variant::ServiceAxumTracing => Telemetry::AxumTracing(
                init_tracing_opentelemetry::TracingConfig::production()
                    .with_logs(true)
                    .init_subscriber()?,
            ),
            Variant::ServiceTowerOtel | Variant::ServiceContribTower => {
                Telemetry::Sdk(SdkPipeline::start(&service_name)?)
            }
            _ => Telemetry::Kit(Box::new(
                otel_kit_init::builder().service_name(service_name).init()?,
            )),
        }))
    }

    /// The kit's span-queue counters (ended, exported, dropped, failed); zeros for a peer,
    /// which keeps none.
    pub fn shutdown(self) -> (u64, u64, u64, u64) {
        match self {
            Telemetry::Kit(telemetry) => {
                if let Err(e) = telemetry.shutdown() {
                    eprintln!("http-peers-server: telemetry shutdown: {e}");
                }
                telemetry.span_queue_stats().map_or((0, 0, 0, 0), |stats| {
                    (stats.ended(), stats.exported(), stats.dropped(), stats.failed())
                })
            }
            Telemetry::AxumTracing(guard) => {
                drop(guard);
                (0, 0, 0, 0)
            }
            Telemetry::Sdk(pipeline) => {
                pipeline.shutdown();
                (0, 0, 0, 0)
            }
        }
    }
}

impl SdkPipeline {
    fn start(service_name: &str) -> Result<Self, Box<dyn Error>> {
        let resource = Resource::builder()
            .with_service_name(service_name.to_owned())
            .build();
        let tracer_provider = SdkTracerProvider::builder()
            .with_batch_exporter(opentelemetry_otlp::SpanExporter::builder().with_http().build()?)
            .with_resource(resource.clone())
            .build();
        let meter_provider = SdkMeterProvider::builder()
            .with_periodic_exporter(
                opentelemetry_otlp::MetricExporter::builder()
                    .with_http()
                    .build()?,
            )
            .with_resource(resource.clone())
            .build();
        let logger_provider = SdkLoggerProvider::builder()
            .with_batch_exporter(opentelemetry_otlp::LogExporter::builder().with_http().build()?)
            .with_resource(resource)
            .build();
        opentelemetry::global::set_tracer_provider(tracer_provider.clone());
        opentelemetry::global::set_meter_provider(meter_provider.clone());
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        tracing_subscriber::registry()
            .with(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
            .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("http-peers")))
            .with(OpenTelemetryTracingBridge::new(&logger_provider))
            .with(tracing_subscriber::fmt::layer().json())
            .try_init()?;
        Ok(SdkPipeline {
            tracer_provider,
            meter_provider,
            logger_provider,
        })
    }

    fn shutdown(self) {
        for (what, result) in [
            ("traces", self.tracer_provider.shutdown()),
            ("metrics", self.meter_provider.shutdown()),
            ("logs", self.logger_provider.shutdown()),
        ] {
            if let Err(e) = result {
                eprintln!("http-peers-server: {what} shutdown: {e}");
            }
        }
    }
}
