//! `ExportMetricsServiceRequest`, written from the SDK's `ResourceMetrics`.

use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, Metric, MetricData, ResourceMetrics};

use super::exemplars::ExemplarSource;
use super::metric_points::{self, ExemplarLookup, Number, Period};
use super::request_frame::{RequestFrame, scope_message};
use super::time::nanos;
use super::wire;

/// Encodes collections of metrics as OTLP `ExportMetricsServiceRequest` protobuf
/// bytes, written straight from the SDK's `ResourceMetrics`, equal to what
/// opentelemetry-proto's transform and prost produce for them: gauges, sums,
/// histograms and exponential histograms of every number type, with their temporality.
///
/// The resource comes with each collection (the SDK gives it there, not to the
/// exporter) and is encoded once per request, each scope once; the buffers are kept
/// from one collection to the next. Histogram, sum and gauge data points get, after
/// the SDK's own exemplars, those an [`ExemplarSource`] gives. An attribute value with no OTLP form
/// is left out and counted in [`dropped_values`](Self::dropped_values).
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
/// use otel_kit_otlp::otlp_encoding::MetricEncoder;
///
/// let exporter = InMemoryMetricExporter::default();
/// let provider = SdkMeterProvider::builder()
///     .with_reader(PeriodicReader::builder(exporter.clone()).build())
///     .build();
/// provider.meter("checkout").u64_counter("orders.paid").build().add(1, &[]);
/// provider.force_flush()?;
///
/// let mut encoder = MetricEncoder::default();
/// let mut body = Vec::new();
/// for metrics in exporter.get_finished_metrics()? {
///     encoder.encode(&metrics, None, &mut body);
///     assert!(body.windows(11).any(|w| w == b"orders.paid"));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct MetricEncoder {
    frame: RequestFrame,
}

impl MetricEncoder {
    /// Writes the `ExportMetricsServiceRequest` for `metrics` into `out`, replacing what
    /// it held and keeping its capacity; histogram, sum and gauge points get `exemplars`'
    /// exemplars.
    pub fn encode(
        &mut self,
        metrics: &ResourceMetrics,
        exemplars: Option<&dyn ExemplarSource>,
        out: &mut Vec<u8>,
    ) {
        self.frame.set_resource(metrics.resource());
        self.frame.write(out, |out| {
            let mut dropped = 0;
            for scope_metrics in metrics.scope_metrics() {
                let scope = scope_metrics.scope();
                dropped += scope_message(out, scope, scope.name(), |out| {
                    let mut dropped = 0;
                    for m in scope_metrics.metrics() {
                        let extra = exemplars.map(|source| ExemplarLookup {
                            source,
                            scope: scope.name(),
                            metric: m.name(),
                        });
                        dropped += metric(out, m, extra);
                    }
                    dropped
                });
            }
            dropped
        });
    }

    /// How many attribute values, in all, had no OTLP form and were left out.
    pub fn dropped_values(&self) -> u64 {
        self.frame.dropped_values()
    }
}

/// One `ScopeMetrics.metrics` field. Returns how many attributes were left out.
fn metric(out: &mut Vec<u8>, m: &Metric, extra: Option<ExemplarLookup<'_>>) -> u32 {
    let nested = wire::begin(out, 2, 2);
    wire::bytes(out, 1, m.name().as_bytes());
    wire::bytes(out, 2, m.description().as_bytes());
    wire::bytes(out, 3, m.unit().as_bytes());
    let dropped = match m.data() {
        AggregatedMetrics::F64(data) => metric_data(out, data, extra),
        AggregatedMetrics::U64(data) => metric_data(out, data, extra),
        AggregatedMetrics::I64(data) => metric_data(out, data, extra),
    };
    wire::end(out, nested);
    dropped
}

/// `Metric.data`, the oneof. Returns how many attributes were left out.
fn metric_data<T: Number>(out: &mut Vec<u8>, data: &MetricData<T>, extra: Option<ExemplarLookup<'_>>) -> u32 {
    let mut dropped = 0;
    match data {
        MetricData::Gauge(gauge) => {
            let nested = wire::begin(out, 5, 2);
            let period = Period {
                start: gauge.start_time().map_or(0, nanos),
                time: nanos(gauge.time()),
            };
            for p in gauge.data_points() {
                dropped += metric_points::number(
                    out,
                    period,
                    gauge.time(),
                    p.value(),
                    p.exemplars(),
                    || p.attributes(),
                    extra,
                );
            }
            wire::end(out, nested);
        }
        MetricData::Sum(sum) => {
            let nested = wire::begin(out, 7, 2);
            let period = Period {
                start: nanos(sum.start_time()),
                time: nanos(sum.time()),
            };
            for p in sum.data_points() {
                dropped += metric_points::number(
                    out,
                    period,
                    sum.time(),
                    p.value(),
                    p.exemplars(),
                    || p.attributes(),
                    extra,
                );
            }
            wire::varint(out, 2, temporality(sum.temporality()));
            wire::varint(out, 3, u64::from(sum.is_monotonic()));
            wire::end(out, nested);
        }
        MetricData::Histogram(histogram) => {
            let nested = wire::begin(out, 9, 3);
            let period = Period {
                start: nanos(histogram.start_time()),
                time: nanos(histogram.time()),
            };
            for p in histogram.data_points() {
                dropped += metric_points::histogram(out, period, histogram.time(), p, extra);
            }
            wire::varint(out, 2, temporality(histogram.temporality()));
            wire::end(out, nested);
        }
        MetricData::ExponentialHistogram(histogram) => {
            let nested = wire::begin(out, 10, 3);
            let period = Period {
                start: nanos(histogram.start_time()),
                time: nanos(histogram.time()),
            };
            for p in histogram.data_points() {
                dropped += metric_points::exponential_histogram(out, period, p);
            }
            wire::varint(out, 2, temporality(histogram.temporality()));
            wire::end(out, nested);
        }
    }
    dropped
}

/// `AggregationTemporality`: anything but delta is cumulative, as opentelemetry-proto
/// has it.
fn temporality(t: Temporality) -> u64 {
    match t {
        Temporality::Delta => 1,
        _ => 2,
    }
}
