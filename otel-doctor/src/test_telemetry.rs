//! One test span, one metric point and one log record, made by the SDK as an
//! application's would be, and held for the exporters to send by hand.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogProcessor, SdkLogRecord, SdkLoggerProvider};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality};
use opentelemetry_sdk::trace::{SdkTracerProvider, Span, SpanData, SpanProcessor};

/// The instrumentation scope of everything the doctor sends.
pub(crate) const SCOPE: &str = "cargo-otel-doctor";

/// What the doctor's providers ended.
#[derive(Debug, Clone)]
struct Held<T>(Arc<Mutex<Vec<T>>>);

impl<T> Default for Held<T> {
    fn default() -> Self {
        Held(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<T> Held<T> {
    fn push(&self, item: T) {
        if let Ok(mut items) = self.0.lock() {
            items.push(item);
        }
    }

    fn take(&self) -> Vec<T> {
        self.0
            .lock()
            .map(|mut items| std::mem::take(&mut *items))
            .unwrap_or_default()
    }
}

impl SpanProcessor for Held<SpanData> {
    fn on_start(&self, _: &mut Span, _: &Context) {}

    fn on_end(&self, span: SpanData) {
        self.push(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _: Duration) -> OTelSdkResult {
        Ok(())
    }
}

impl LogProcessor for Held<(SdkLogRecord, InstrumentationScope)> {
    fn emit(&self, record: &mut SdkLogRecord, scope: &InstrumentationScope) {
        self.push((record.clone(), scope.clone()));
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
}

/// A manual reader the doctor keeps a handle on after the provider takes it.
#[derive(Debug, Clone)]
struct SharedReader(Arc<ManualReader>);

impl MetricReader for SharedReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline);
    }

    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(rm)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// The test span.
pub(crate) fn span(resource: &Resource) -> Vec<SpanData> {
    let held = Held::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(held.clone())
        .with_resource(resource.clone())
        .build();
    provider
        .tracer(SCOPE)
        .in_span("cargo otel-doctor test span", |_| {});
    let _ = provider.shutdown();
    held.take()
}

/// The test log records (one), with their scope.
pub(crate) fn log_records(resource: &Resource) -> Vec<(SdkLogRecord, InstrumentationScope)> {
    let held = Held::default();
    let provider = SdkLoggerProvider::builder()
        .with_log_processor(held.clone())
        .with_resource(resource.clone())
        .build();
    let logger = provider.logger(SCOPE);
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Info);
    record.set_severity_text("INFO");
    record.set_body("cargo otel-doctor test log record".into());
    logger.emit(record);
    let _ = provider.shutdown();
    held.take()
}

/// The test metric: one counter point.
pub(crate) fn metrics(resource: &Resource) -> ResourceMetrics {
    let reader = SharedReader(Arc::new(ManualReader::builder().build()));
    let provider = SdkMeterProvider::builder()
        .with_reader(reader.clone())
        .with_resource(resource.clone())
        .build();
    provider
        .meter(SCOPE)
        .u64_counter("otel_doctor.test")
        .with_description("One point sent by cargo otel-doctor")
        .build()
        .add(1, &[KeyValue::new("check", "export")]);
    let mut collected = ResourceMetrics::default();
    let _ = reader.collect(&mut collected);
    let _ = provider.shutdown();
    collected
}
