//! Counts one histogram's data points, recorded measurements and exemplars in an encoded
//! `ExportMetricsServiceRequest`, by walking the wire format (`src/wire.rs`).

use crate::wire::{Field, for_each_field, for_each_len_field};

/// What one metrics export held of the histogram asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistogramCounts {
    /// Data points (one per attribute set).
    pub points: u64,
    /// The sum of the points' `count` within one `ResourceMetrics` (one export of the
    /// server's), the largest if the request holds several: the measurements they
    /// aggregate, since the start of the process with cumulative temporality (the SDK's
    /// default). A collector that batches two cumulative exports into one request must
    /// not count them twice.
    pub count: u64,
    /// Exemplars attached to the points.
    pub exemplars: u64,
}

/// Counts the points of the histogram named `name` in `message`, an encoded
/// `ExportMetricsServiceRequest`; `None` if the bytes are not valid protobuf.
pub fn count_histogram(message: &[u8], name: &str) -> Option<HistogramCounts> {
    let mut counts = HistogramCounts::default();
    // resource_metrics (1) > scope_metrics (2) > metrics (2)
    for_each_len_field(message, 1, |resource_metrics| {
        let before = counts.count;
        counts.count = 0;
        let walked = for_each_len_field(resource_metrics, 2, |scope_metrics| {
            for_each_len_field(scope_metrics, 2, |metric| {
                let (mut named, mut histogram) = (false, None);
                // Metric: name (1), histogram (9); the order on the wire is not promised.
                for_each_field(metric, |number, value| {
                    match (number, value) {
                        (1, Field::Len(n)) => named = n == name.as_bytes(),
                        (9, Field::Len(h)) => histogram = Some(h),
                        _ => {}
                    }
                    Some(())
                })?;
                match histogram {
                    Some(h) if named => add_points(h, &mut counts),
                    _ => Some(()),
                }
            })
        });
        counts.count = counts.count.max(before);
        walked
    })?;
    Some(counts)
}

/// Histogram: data_points (1); HistogramDataPoint: count (4, fixed64), exemplars (8).
fn add_points(histogram: &[u8], counts: &mut HistogramCounts) -> Option<()> {
    for_each_len_field(histogram, 1, |point| {
        counts.points += 1;
        for_each_field(point, |number, value| {
            match (number, value) {
                (4, Field::Fixed64(c)) => counts.count += c,
                (8, Field::Len(_)) => counts.exemplars += 1,
                _ => {}
            }
            Some(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::metrics::v1::{
        Exemplar, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics,
        ScopeMetrics, metric,
    };
    use prost::Message as _;

    fn histogram(name: &str, counts: &[(u64, usize)]) -> Metric {
        Metric {
            name: name.into(),
            data: Some(metric::Data::Histogram(Histogram {
                data_points: counts
                    .iter()
                    .map(|&(count, exemplars)| HistogramDataPoint {
                        count,
                        exemplars: vec![Exemplar::default(); exemplars],
                        ..Default::default()
                    })
                    .collect(),
                aggregation_temporality: 2,
            })),
            ..Default::default()
        }
    }

    #[test]
    fn counts_only_the_named_histogram() {
        let gauge = Metric {
            name: "http.server.request.duration".into(),
            data: Some(metric::Data::Gauge(Gauge {
                data_points: vec![NumberDataPoint::default(); 3],
            })),
            ..Default::default()
        };
        let scope = |metrics| ScopeMetrics {
            metrics,
            ..Default::default()
        };
        let request = ExportMetricsServiceRequest {
            resource_metrics: vec![
                ResourceMetrics {
                    scope_metrics: vec![
                        scope(vec![histogram(
                            "http.server.request.duration",
                            &[(10, 2), (5, 0)],
                        )]),
                        scope(vec![histogram("other", &[(99, 4)]), gauge]),
                    ],
                    ..Default::default()
                },
                ResourceMetrics {
                    scope_metrics: vec![scope(vec![histogram("http.server.request.duration", &[(7, 1)])])],
                    ..Default::default()
                },
            ],
        };
        let bytes = request.encode_to_vec();
        assert_eq!(
            count_histogram(&bytes, "http.server.request.duration"),
            // Two exports batched by the collector: the larger cumulative total (10 + 5),
            // not the sum of both.
            Some(HistogramCounts {
                points: 3,
                count: 15,
                exemplars: 3
            })
        );
        assert_eq!(
            count_histogram(&bytes, "absent"),
            Some(HistogramCounts::default())
        );
        assert_eq!(count_histogram(&bytes[..bytes.len() - 1], "other"), None);
    }
}
