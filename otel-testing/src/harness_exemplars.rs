//! The kit's exemplars on the harness's histogram points, as otel-kit-init's OTLP
//! exporter writes them: the harness's meter provider is an `ExemplarMeterProvider`, so
//! `has_exemplar_in` works on code under test exactly as on what `init()` exports.

use opentelemetry::KeyValue;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{Exemplar, exemplar, metric};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, HistogramDataPoint, MetricData, ResourceMetrics};
use otel_kit_core::sdk::exemplar::{ExemplarValue, Reservoirs, StoredExemplar};

/// Adds to each histogram point of `request` (opentelemetry-proto's transform of
/// `collected`, which keeps its order) the exemplars kept for it, then forgets them:
/// the harness collects delta points.
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
            let Some(metric::Data::Histogram(proto)) = &mut proto.data else {
                continue;
            };
            let (time, points) = match m.data() {
                AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                    (h.time(), attribute_sets(h.data_points()))
                }
                AggregatedMetrics::U64(MetricData::Histogram(h)) => {
                    (h.time(), attribute_sets(h.data_points()))
                }
                AggregatedMetrics::I64(MetricData::Histogram(h)) => {
                    (h.time(), attribute_sets(h.data_points()))
                }
                _ => continue,
            };
            until = until.max(Some(time));
            for (attributes, point) in points.iter().zip(&mut proto.data_points) {
                reservoirs.for_point(scope.scope().name(), m.name(), attributes, time, &mut |e| {
                    point.exemplars.push(proto_exemplar(e));
                });
            }
        }
    }
    if let Some(until) = until {
        reservoirs.forget_until(until);
    }
}

fn attribute_sets<'a, T: 'a>(
    points: impl Iterator<Item = &'a HistogramDataPoint<T>>,
) -> Vec<Vec<&'a KeyValue>> {
    points.map(|p| p.attributes().collect()).collect()
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
