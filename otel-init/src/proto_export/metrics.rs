//! The metric exporter over `MetricEncoder`, with the temporality the configuration
//! asks of the SDK's aggregation.

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use super::exporter::{Encoder, ProtoExporter};
use crate::otlp_encoding::MetricEncoder;

impl Encoder for MetricEncoder {
    /// Each collection carries its resource; none is kept.
    fn set_resource(&mut self, _resource: &Resource) {}

    fn dropped_values(&self) -> u64 {
        MetricEncoder::dropped_values(self)
    }
}

/// OTLP/gRPC and OTLP/HTTP-protobuf metric exports, encoded by us.
#[derive(Debug)]
pub(crate) struct ProtoMetricExporter {
    exporter: ProtoExporter<MetricEncoder>,
    temporality: Temporality,
}

impl ProtoMetricExporter {
    pub(crate) fn new(exporter: ProtoExporter<MetricEncoder>, temporality: Temporality) -> Self {
        ProtoMetricExporter {
            exporter,
            temporality,
        }
    }
}

impl PushMetricExporter for ProtoMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        // No exemplars of ours yet: the SDK's own (none in 0.33) are written.
        self.exporter
            .export_with(|encoder, out| encoder.encode(metrics, None, out))
            .await
    }

    /// Every export is sent and answered before `export` returns: nothing is held.
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.exporter.stop()
    }

    fn temporality(&self) -> Temporality {
        self.temporality
    }
}
