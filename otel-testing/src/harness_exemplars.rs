//! The kit's exemplars on the harness's histogram, sum and gauge points, as
//! otel-kit-init's OTLP exporter writes them: the harness's meter provider is an
//! `ExemplarMeterProvider`, so `has_exemplar_in` works on code under test exactly as
//! on what `init()` exports.

use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{Exemplar, exemplar, metric};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use otel_kit_core::__private::exemplar::{ExemplarValue, Reservoirs, StoredExemplar};

/// Adds to each histogram, sum and gauge point of `request` (opentelemetry-proto's
/// transform of `collected`, which keeps its order) the exemplars kept for it, then
/// forgets them: the harness collects delta points.
pub(crate) fn add(
    reservoirs: &Reservoirs,
    collected: &ResourceMetrics,
    request: &mut ExportMetricsServiceRequest,
) {
    let Some(resource_metrics) = request.resource_metrics.first_mut() else {
        return;
    };
    let mut until = None;
    for (scope, proto_scope) in collected.scope_metrics().zip(&mut resource_metrics.scope_metrics) {
        for (m, proto) in scope.metrics().zip(&mut proto_scope.metrics) {
            let (time, points) = match m.data() {
                AggregatedMetrics::F64(data) => points(data),
                AggregatedMetrics::U64(data) => points(data),
                AggregatedMetrics::I64(data) => points(data),
            };
            let mut proto_points: Vec<&mut Vec<Exemplar>> = match &mut proto.data {
                Some(metric::Data::Histogram(h)) => {
                    h.data_points.iter_mut().map(|p| &mut p.exemplars).collect()
                }
                Some(metric::Data::Sum(s)) => s.data_points.iter_mut().map(|p| &mut p.exemplars).collect(),
                Some(metric::Data::Gauge(g)) => g.data_points.iter_mut().map(|p| &mut p.exemplars).collect(),
                _ => continue,
            };
            until = until.max(Some(time));
            for (attributes, exemplars) in points.iter().zip(&mut proto_points) {
                reservoirs.for_point(scope.scope().name(), m.name(), attributes, time, &mut |e| {
                    exemplars.push(proto_exemplar(e));
                });
            }
        }
    }
    reservoirs.collected();
    if let Some(until) = until {
        reservoirs.forget_until(until);
    }
}

/// The time of a histogram's, sum's or gauge's points and each point's attributes (none
/// for an exponential histogram, which gets no exemplars of ours).
fn points<T>(data: &MetricData<T>) -> (SystemTime, Vec<Vec<&KeyValue>>) {
    match data {
        MetricData::Histogram(h) => (
            h.time(),
            h.data_points().map(|p| p.attributes().collect()).collect(),
        ),
        MetricData::Sum(s) => (
            s.time(),
            s.data_points().map(|p| p.attributes().collect()).collect(),
        ),
        MetricData::Gauge(g) => (
            g.time(),
            g.data_points().map(|p| p.attributes().collect()).collect(),
        ),
        MetricData::ExponentialHistogram(h) => (h.time(), Vec::new()),
    }
}

fn proto_exemplar(e: &StoredExemplar) -> Exemplar {
    let time_unix_nano = e
        .time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let (trace_id, span_id) = e.span.map_or((Vec::new(), Vec::new()), |s| {
        (s.trace_id.to_bytes().to_vec(), s.span_id.to_bytes().to_vec())
    });
    Exemplar {
        filtered_attributes: Vec::new(),
        time_unix_nano,
        span_id,
        trace_id,
        value: Some(match e.value {
            ExemplarValue::Double(d) => exemplar::Value::AsDouble(d),
            ExemplarValue::Int(i) => exemplar::Value::AsInt(i),
        }),
    }
}
