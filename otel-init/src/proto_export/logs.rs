//! The log exporter over `LogEncoder`.

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter};

use super::exporter::{Encoder, ProtoExporter};
use crate::otlp_encoding::LogEncoder;

impl Encoder for LogEncoder {
    fn set_resource(&mut self, resource: &Resource) {
        LogEncoder::set_resource(self, resource);
    }

    fn dropped_values(&self) -> u64 {
        LogEncoder::dropped_values(self)
    }
}

impl LogExporter for ProtoExporter<LogEncoder> {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        self.export_with(|encoder, out| encoder.encode(&batch, out)).await
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.stop()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.use_resource(resource);
    }
}
