//! [`MetricExporter`]: our OTLP metric exporter, over `MetricEncoder`, with the
//! temporality it asks of the SDK's aggregation, writing the kit's exemplars onto
//! histogram points.

use std::sync::Arc;
use std::time::SystemTime;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use otel_kit_core::__private::exemplar::Reservoirs;

use super::exporter::{Encoder, ProtoExporter, lenient, strict};
use crate::error::{BuildError, BuildWarning};
use crate::export_stats::ExportStats;
use crate::exporter_builder::{ExporterBuilder, MetricExport};
use crate::otlp_encoding::{ExemplarSource, MetricEncoder};

impl Encoder for MetricEncoder {
    const VALUES: &'static str = "metric attribute values";

    /// Each collection carries its resource; none is kept.
    fn set_resource(&mut self, _resource: &Resource) {}

    fn dropped_values(&self) -> u64 {
        MetricEncoder::dropped_values(self)
    }
}

/// An OTLP metric exporter (gRPC or HTTP/protobuf) for the SDK's periodic reader, as
/// [`SpanExporter`](crate::SpanExporter) is for spans; with the reservoirs of an
/// [`ExemplarMeterProvider`](crate::exemplar::ExemplarMeterProvider), it writes
/// their exemplars onto histogram, sum and gauge points.
///
/// ```
/// use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
/// use otel_kit_otlp::MetricExporter;
///
/// let exporter = MetricExporter::builder()
///     .with_endpoint("http://localhost:4318/v1/metrics")
///     .with_temporality(Temporality::Delta)
///     .build()?;
/// let provider = SdkMeterProvider::builder()
///     .with_reader(PeriodicReader::builder(exporter).build())
///     .build();
/// # drop(provider);
/// # Ok::<(), otel_kit_otlp::BuildError>(())
/// ```
#[derive(Debug)]
pub struct MetricExporter {
    exporter: ProtoExporter<MetricEncoder>,
    temporality: Temporality,
    exemplars: Option<Arc<Reservoirs>>,
}

impl MetricExporter {
    /// The settings, from the defaults ([`ExporterBuilder`]).
    pub fn builder() -> ExporterBuilder<MetricExport> {
        ExporterBuilder::new()
    }

    /// What it has delivered and lost so far (metric data points, in collections).
    pub fn stats(&self) -> Arc<ExportStats> {
        self.exporter.stats()
    }
}

impl ExporterBuilder<MetricExport> {
    /// The exporter; `Err` naming the setting to fix when one cannot be used.
    pub fn build(self) -> Result<MetricExporter, BuildError> {
        strict(self.build_lenient()?)
    }

    /// The exporter, built without any certificate it cannot use, as
    /// [`ExporterBuilder::<SpanExport>::build_lenient`](crate::ExporterBuilder::build_lenient).
    pub fn build_lenient(self) -> Result<(MetricExporter, Vec<BuildWarning>), BuildError> {
        lenient(
            self.settings,
            self.runtime,
            &super::services::METRICS,
            |exporter| MetricExporter {
                exporter,
                temporality: self.signal.temporality,
                exemplars: self.signal.exemplars,
            },
        )
    }
}

/// How many data points a collection holds.
fn data_points(metrics: &ResourceMetrics) -> u64 {
    fn count<T>(data: &MetricData<T>) -> usize {
        match data {
            MetricData::Gauge(g) => g.data_points().count(),
            MetricData::Sum(s) => s.data_points().count(),
            MetricData::Histogram(h) => h.data_points().count(),
            MetricData::ExponentialHistogram(h) => h.data_points().count(),
        }
    }
    let points: usize = metrics
        .scope_metrics()
        .flat_map(|s| s.metrics())
        .map(|m| match m.data() {
            AggregatedMetrics::F64(d) => count(d),
            AggregatedMetrics::U64(d) => count(d),
            AggregatedMetrics::I64(d) => count(d),
        })
        .sum();
    points as u64
}

/// The end of the period of the collection's delta points (histograms and sums), if it
/// has any.
fn delta_until(metrics: &ResourceMetrics) -> Option<SystemTime> {
    fn delta_time<T>(data: &MetricData<T>) -> Option<SystemTime> {
        match data {
            MetricData::Histogram(h) if h.temporality() == Temporality::Delta => Some(h.time()),
            MetricData::Sum(s) if s.temporality() == Temporality::Delta => Some(s.time()),
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

impl PushMetricExporter for MetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        otel_kit_core::__private::cardinality_overflow::warn_of_overflows(metrics);
        let exemplars: Option<&Reservoirs> = self.exemplars.as_deref();
        let result = self
            .exporter
            .export_with(data_points(metrics), |encoder, out| {
                encoder.encode(metrics, exemplars.map(|r| r as &dyn ExemplarSource), out)
            })
            .await;
        if let Some(reservoirs) = &self.exemplars {
            // Sums and gauges sample anew in each collection cycle.
            reservoirs.collected();
            // A delta point holds only its period's measurements: its exemplars must
            // not come again on the next one (sent or not, the point is not retried).
            if let Some(until) = delta_until(metrics) {
                reservoirs.forget_until(until);
            }
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
