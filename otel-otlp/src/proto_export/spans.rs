//! [`SpanExporter`]: our OTLP span exporter, over `TraceEncoder`.

use std::sync::Arc;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::SpanData;

use super::exporter::{Encoder, ProtoExporter, lenient, strict};
use crate::error::{BuildError, BuildWarning};
use crate::export_stats::ExportStats;
use crate::exporter_builder::{ExporterBuilder, SpanExport};
use crate::otlp_encoding::TraceEncoder;

impl Encoder for TraceEncoder {
    const VALUES: &'static str = "span attribute values";

    fn set_resource(&mut self, resource: &Resource) {
        TraceEncoder::set_resource(self, resource);
    }

    fn dropped_values(&self) -> u64 {
        TraceEncoder::dropped_values(self)
    }
}

/// An OTLP span exporter (gRPC or HTTP/protobuf) for any SDK span processor: each batch
/// encoded by us straight from the SDK's spans, sent from the export runtime, retried
/// as opentelemetry-otlp retries, within the export timeout.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_otlp::SpanExporter;
/// use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
///
/// let exporter = SpanExporter::builder()
///     .with_endpoint("http://localhost:4318/v1/traces")
///     .build()?;
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(SpanQueueProcessor::new(exporter, BatchSettings::SPAN_DEFAULTS))
///     .build();
/// # drop(provider);
/// # Ok::<(), otel_kit_otlp::BuildError>(())
/// ```
#[derive(Debug)]
pub struct SpanExporter(ProtoExporter<TraceEncoder>);

impl SpanExporter {
    /// The settings, from the defaults ([`ExporterBuilder`]).
    pub fn builder() -> ExporterBuilder<SpanExport> {
        ExporterBuilder::new()
    }

    /// What it has delivered and lost so far (spans, in batches).
    pub fn stats(&self) -> Arc<ExportStats> {
        self.0.stats()
    }
}

impl ExporterBuilder<SpanExport> {
    /// The exporter; `Err` naming the setting to fix when one cannot be used.
    pub fn build(self) -> Result<SpanExporter, BuildError> {
        strict(self.build_lenient()?)
    }

    /// The exporter, built without any certificate it cannot use (each left out is
    /// returned as a warning): the application starts, and the exports then fail
    /// saying why. What otel-kit-init does.
    pub fn build_lenient(self) -> Result<(SpanExporter, Vec<BuildWarning>), BuildError> {
        lenient(self.settings, self.runtime, &super::services::SPANS, SpanExporter)
    }
}

impl opentelemetry_sdk::trace::SpanExporter for SpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        // The spans go with the closure, freed once written, not after the network
        // answers.
        let items = batch.len() as u64;
        self.0
            .export_with(items, move |encoder, out| encoder.encode(&batch, out))
            .await
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.0.stop()
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.0.use_resource(resource);
    }
}
