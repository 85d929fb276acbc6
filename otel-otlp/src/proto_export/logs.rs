//! [`LogExporter`]: our OTLP log exporter, over `LogEncoder`.

use std::sync::Arc;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::LogBatch;

use super::exporter::{Encoder, ProtoExporter, lenient, strict};
use crate::error::{BuildError, BuildWarning};
use crate::export_stats::ExportStats;
use crate::exporter_builder::{ExporterBuilder, LogExport};
use crate::otlp_encoding::LogEncoder;

impl Encoder for LogEncoder {
    const VALUES: &'static str = "log values";

    fn set_resource(&mut self, resource: &Resource) {
        LogEncoder::set_resource(self, resource);
    }

    fn dropped_values(&self) -> u64 {
        LogEncoder::dropped_values(self)
    }
}

/// An OTLP log exporter (gRPC or HTTP/protobuf) for any SDK log processor, as
/// [`SpanExporter`](crate::SpanExporter) is for spans.
///
/// ```
/// use opentelemetry_sdk::logs::{BatchLogProcessor, SdkLoggerProvider};
/// use otel_kit_otlp::{LogExporter, Protocol};
///
/// let exporter = LogExporter::builder()
///     .with_protocol(Protocol::Grpc)
///     .with_endpoint("http://localhost:4317")
///     .build()?;
/// let provider = SdkLoggerProvider::builder()
///     .with_log_processor(BatchLogProcessor::builder(exporter).build())
///     .build();
/// # drop(provider);
/// # Ok::<(), otel_kit_otlp::BuildError>(())
/// ```
#[derive(Debug)]
pub struct LogExporter(ProtoExporter<LogEncoder>);

impl LogExporter {
    /// The settings, from the defaults ([`ExporterBuilder`]).
    pub fn builder() -> ExporterBuilder<LogExport> {
        ExporterBuilder::new()
    }

    /// What it has delivered and lost so far (log records, in batches).
    pub fn stats(&self) -> Arc<ExportStats> {
        self.0.stats()
    }
}

impl ExporterBuilder<LogExport> {
    /// The exporter; `Err` naming the setting to fix when one cannot be used.
    pub fn build(self) -> Result<LogExporter, BuildError> {
        strict(self.build_lenient()?)
    }

    /// The exporter, built without any certificate it cannot use, as
    /// [`ExporterBuilder::<SpanExport>::build_lenient`](crate::ExporterBuilder::build_lenient).
    pub fn build_lenient(self) -> Result<(LogExporter, Vec<BuildWarning>), BuildError> {
        lenient(self.settings, self.runtime, &super::services::LOGS, LogExporter)
    }
}

impl opentelemetry_sdk::logs::LogExporter for LogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        self.0
            .export_with(batch.iter().count() as u64, |encoder, out| {
                encoder.encode(&batch, out)
            })
            .await
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.0.stop()
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.0.use_resource(resource);
    }
}
