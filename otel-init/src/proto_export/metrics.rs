//! The metric exporter over `MetricEncoder`, with the temporality the configuration
//! asks of the SDK's aggregation, writing the kit's exemplars onto histogram points.

use std::sync::Arc;
use std::time::SystemTime;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use super::exporter::{Encoder, ProtoExporter};
use otel_kit_core::sdk::exemplar::Reservoirs;

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
    exemplars: Arc<Reservoirs>,
}

impl ProtoMetricExporter {
    pub(crate) fn new(
        exporter: ProtoExporter<MetricEncoder>,
        temporality: Temporality,
        exemplars: Arc<Reservoirs>,
    ) -> Self {
        ProtoMetricExporter {
            exporter,
            temporality,
            exemplars,
        }
    }
}

/// The end of the period of the collection's delta histograms, if it has any.
fn delta_histograms_until(metrics: &ResourceMetrics) -> Option<SystemTime> {
    fn delta_time<T>(data: &MetricData<T>) -> Option<SystemTime> {
        match data {
            MetricData::Histogram(h) if h.temporality() == Temporality::Delta => Some(h.time()),
            _ => None,
        }
    }
    metrics
        .scope_metrics()
        .flat_map(|s| s.metrics())
        .filter_map(|m| match m.data() {
            AggregatedMetrics::F64(d) => delta_time(d),
            AggregatedMetrics::U64(d) => delta_time(d),
            AggregatedMetrics::I64(d) => delta_time(d),
        })
        .max()
}

impl PushMetricExporter for ProtoMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let exemplars: &Reservoirs = &self.exemplars;
        let result = self
            .exporter
            .export_with(|encoder, out| encoder.encode(metrics, Some(exemplars), out))
            .await;
        // A delta point holds only its period's measurements: its exemplars must not
        // come again on the next one (sent or not, the point is not retried).
        if let Some(until) = delta_histograms_until(metrics) {
            self.exemplars.forget_until(until);
        }
        result
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
