//! What otel-kit-db's benches share: the providers every instrumented side records to.

use std::time::Duration;

use opentelemetry::global;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use otel_kit_testing::NoopSpanProcessor;

/// An SDK tracer provider sampling every span (its processor drops ended spans) and a
/// meter provider aggregating in memory, installed as the globals once.
pub(crate) fn install_providers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let tracer_provider = SdkTracerProvider::builder()
            .with_span_processor(NoopSpanProcessor)
            .with_sampler(Sampler::AlwaysOn)
            .build();
        global::set_tracer_provider(tracer_provider);
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(InMemoryMetricExporter::default())
                    .with_interval(Duration::from_secs(86_400))
                    .build(),
            )
            .build();
        global::set_meter_provider(meter_provider);
    });
}
