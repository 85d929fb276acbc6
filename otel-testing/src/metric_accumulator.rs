//! Turns the harness's delta exports into cumulative totals that `reset()` can clear.

use crate::model::{
    AttributeValue, HistogramPoint, MetricData, MetricRecord, Number, NumberPoint, Temporality,
};

/// Cumulative state of every metric seen since the last reset.
#[derive(Debug, Default)]
pub(crate) struct MetricAccumulator {
    metrics: Vec<MetricRecord>,
}

impl MetricAccumulator {
    /// Folds one export into the state: delta sums and histograms add up, cumulative
    /// data and gauges replace what was there.
    pub(crate) fn merge(&mut self, incoming: MetricRecord) {
        let existing = self.metrics.iter_mut().find(|m| {
            m.name == incoming.name
                && m.scope.name == incoming.scope.name
                && m.scope.version == incoming.scope.version
        });
        let Some(existing) = existing else {
            let mut incoming = incoming;
            mark_cumulative(&mut incoming.data);
            self.metrics.push(incoming);
            return;
        };
        existing.description = incoming.description;
        existing.unit = incoming.unit;
        match (&mut existing.data, incoming.data) {
            (
                MetricData::Sum {
                    points, is_monotonic, ..
                },
                MetricData::Sum {
                    points: new,
                    is_monotonic: m,
                    temporality: Temporality::Delta,
                },
            ) => {
                *is_monotonic = m;
                merge_points(points, new, add_number);
            }
            (
                MetricData::Histogram { points, .. },
                MetricData::Histogram {
                    points: new,
                    temporality: Temporality::Delta,
                },
            )
            | (
                MetricData::ExponentialHistogram { points, .. },
                MetricData::ExponentialHistogram {
                    points: new,
                    temporality: Temporality::Delta,
                },
            ) => merge_points(points, new, add_histogram),
            (MetricData::Gauge(points), MetricData::Gauge(new)) => {
                merge_points(points, new, |old, new| *old = new)
            }
            (slot, mut other) => {
                mark_cumulative(&mut other);
                *slot = other;
            }
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<MetricRecord> {
        self.metrics.clone()
    }
}

fn mark_cumulative(data: &mut MetricData) {
    match data {
        MetricData::Sum { temporality, .. }
        | MetricData::Histogram { temporality, .. }
        | MetricData::ExponentialHistogram { temporality, .. } => *temporality = Temporality::Cumulative,
        _ => {}
    }
}

trait Point {
    fn attributes(&self) -> &[(String, AttributeValue)];
}

impl Point for NumberPoint {
    fn attributes(&self) -> &[(String, AttributeValue)] {
        &self.attributes
    }
}

impl Point for HistogramPoint {
    fn attributes(&self) -> &[(String, AttributeValue)] {
        &self.attributes
    }
}

fn same_attributes(a: &[(String, AttributeValue)], b: &[(String, AttributeValue)]) -> bool {
    a.len() == b.len() && a.iter().all(|kv| b.contains(kv))
}

fn merge_points<P: Point>(points: &mut Vec<P>, new: Vec<P>, combine: impl Fn(&mut P, P)) {
    for point in new {
        match points
            .iter_mut()
            .find(|p| same_attributes(p.attributes(), point.attributes()))
        {
            Some(existing) => combine(existing, point),
            None => points.push(point),
        }
    }
}

fn add_number(old: &mut NumberPoint, new: NumberPoint) {
    old.value = match (old.value, new.value) {
        (Number::Int(a), Number::Int(b)) => Number::Int(a.saturating_add(b)),
        (a, b) => Number::Double(a.as_f64() + b.as_f64()),
    };
    if !new.exemplars.is_empty() {
        old.exemplars = new.exemplars;
    }
}

fn add_histogram(old: &mut HistogramPoint, new: HistogramPoint) {
    old.count += new.count;
    old.sum = match (old.sum, new.sum) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    };
    old.min = match (old.min, new.min) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    old.max = match (old.max, new.max) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if old.bounds == new.bounds && old.bucket_counts.len() == new.bucket_counts.len() {
        for (o, n) in old.bucket_counts.iter_mut().zip(&new.bucket_counts) {
            *o += n;
        }
    } else {
        old.bounds = new.bounds;
        old.bucket_counts = new.bucket_counts;
    }
    if !new.exemplars.is_empty() {
        old.exemplars = new.exemplars;
    }
}
