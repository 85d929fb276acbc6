//! Metric assertions: find a metric, check its unit, description, kind and points.

use std::fmt::{self, Write};

use super::failure::{RecordCheck, fail};
use crate::model::{AttributeValue, MetricData, MetricRecord, ResourceInfo, ScopeInfo, Temporality};

/// A set of exported metrics.
///
/// When the same metric was exported several times (a periodic reader, or several
/// exports reaching a collector), lookups read the most recent export.
///
/// ```
/// use opentelemetry::{KeyValue, metrics::MeterProvider as _};
/// use otel_kit_testing::TestTelemetry;
///
/// let t = TestTelemetry::new();
/// let counter = t.meter("shop").u64_counter("orders").with_unit("{order}").build();
/// counter.add(2, &[KeyValue::new("status", "ok")]);
/// counter.add(1, &[KeyValue::new("status", "ok")]);
///
/// t.metrics()
///     .metric("orders")
///     .has_unit("{order}")
///     .is_counter()
///     .point(&[("status", "ok".into())])
///     .has_value(3);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    metrics: Vec<MetricRecord>,
}

impl Metrics {
    /// Wraps a list of metrics (oldest export first).
    pub fn new(metrics: Vec<MetricRecord>) -> Self {
        Metrics { metrics }
    }

    /// All metric records, oldest export first.
    pub fn as_slice(&self) -> &[MetricRecord] {
        &self.metrics
    }

    /// The distinct metric names.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.metrics.iter().map(|m| m.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The most recent export of this metric, if any.
    pub fn find(&self, name: &str) -> Option<&MetricRecord> {
        self.metrics.iter().rev().find(|m| m.name == name)
    }

    /// The most recent export of this metric; fails listing the metrics that exist.
    #[track_caller]
    pub fn metric(&self, name: &str) -> MetricAssert<'_> {
        match self.find(name) {
            Some(metric) => MetricAssert { metric, all: self },
            None => fail(
                &format!("no metric named {name:?}"),
                &name,
                &format!("{:?}", self.names()),
                &self.listing(),
            ),
        }
    }

    /// Asserts no metric with this name was exported.
    #[track_caller]
    pub fn assert_absent(&self, name: &str) -> &Self {
        if self.find(name).is_some() {
            fail(
                &format!("metric {name:?} was exported"),
                &"absent",
                &"present",
                &self.listing(),
            );
        }
        self
    }

    /// The metrics with their points, as printed in failure messages.
    pub fn listing(&self) -> String {
        let mut out = String::from("metrics:\n");
        if self.metrics.is_empty() {
            out.push_str("  (no metrics)\n");
        }
        for name in self.names() {
            if let Some(m) = self.find(name) {
                let _ = writeln!(out, "  {} [{}, unit {:?}]", m.name, m.data.kind(), m.unit);
                for line in point_lines(&m.data) {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        out
    }
}

fn attrs_text(attributes: &[(String, AttributeValue)]) -> String {
    let items: Vec<String> = attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", items.join(", "))
}

fn point_lines(data: &MetricData) -> Vec<String> {
    match data {
        MetricData::Gauge(points) | MetricData::Sum { points, .. } => points
            .iter()
            .map(|p| format!("{} = {:?}", attrs_text(&p.attributes), p.value))
            .collect(),
        MetricData::Histogram { points, .. } | MetricData::ExponentialHistogram { points, .. } => points
            .iter()
            .map(|p| {
                format!(
                    "{} count={} sum={:?} bounds={:?}",
                    attrs_text(&p.attributes),
                    p.count,
                    p.sum,
                    p.bounds
                )
            })
            .collect(),
        MetricData::Summary(points) => points
            .iter()
            .map(|p| format!("{} count={} sum={}", attrs_text(&p.attributes), p.count, p.sum))
            .collect(),
        MetricData::Empty => Vec::new(),
    }
}

/// True when `point` carries every expected attribute with the same value and type.
fn matches(point: &[(String, AttributeValue)], expected: &[(&str, AttributeValue)]) -> bool {
    expected
        .iter()
        .all(|(k, v)| point.iter().any(|(pk, pv)| pk == k && pv == v))
}

fn expected_text(expected: &[(&str, AttributeValue)]) -> String {
    let items: Vec<String> = expected.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("a point with {{{}}}", items.join(", "))
}

/// Assertions on one metric.
#[derive(Clone, Copy)]
pub struct MetricAssert<'a> {
    pub(super) metric: &'a MetricRecord,
    all: &'a Metrics,
}

impl fmt::Debug for MetricAssert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.metric.fmt(f)
    }
}

impl RecordCheck for MetricAssert<'_> {
    fn subject(&self) -> String {
        format!("metric {:?}", self.metric.name)
    }

    fn context(&self) -> String {
        self.all.listing()
    }

    fn resource(&self) -> &ResourceInfo {
        &self.metric.resource
    }

    fn scope(&self) -> &ScopeInfo {
        &self.metric.scope
    }
}

impl<'a> MetricAssert<'a> {
    /// The metric under test.
    pub fn record(&self) -> &'a MetricRecord {
        self.metric
    }

    /// Asserts the unit.
    #[track_caller]
    pub fn has_unit(self, unit: &str) -> Self {
        self.check(self.metric.unit == unit, "unit", &unit, &self.metric.unit)
    }

    /// Asserts the description.
    #[track_caller]
    pub fn has_description(self, description: &str) -> Self {
        let actual = &self.metric.description;
        self.check(actual == description, "description", &description, actual)
    }

    /// Asserts the meter (instrumentation scope) name.
    #[track_caller]
    pub fn has_scope_name(self, name: &str) -> Self {
        self.check_scope_name(name)
    }

    /// Asserts the metric is a monotonic sum (a counter).
    #[track_caller]
    pub fn is_counter(self) -> Self {
        let ok = matches!(
            self.metric.data,
            MetricData::Sum {
                is_monotonic: true,
                ..
            }
        );
        self.check(ok, "kind", &"monotonic sum (counter)", &self.kind_text())
    }

    /// Asserts the metric is a non-monotonic sum (an up-down counter).
    #[track_caller]
    pub fn is_up_down_counter(self) -> Self {
        let ok = matches!(
            self.metric.data,
            MetricData::Sum {
                is_monotonic: false,
                ..
            }
        );
        self.check(
            ok,
            "kind",
            &"non-monotonic sum (up-down counter)",
            &self.kind_text(),
        )
    }

    /// Asserts the metric is a gauge.
    #[track_caller]
    pub fn is_gauge(self) -> Self {
        let ok = matches!(self.metric.data, MetricData::Gauge(_));
        self.check(ok, "kind", &"gauge", &self.kind_text())
    }

    /// Asserts the metric is an explicit-bucket histogram.
    #[track_caller]
    pub fn is_histogram(self) -> Self {
        let ok = matches!(self.metric.data, MetricData::Histogram { .. });
        self.check(ok, "kind", &"histogram", &self.kind_text())
    }

    /// Asserts the aggregation temporality of a sum or histogram.
    #[track_caller]
    pub fn has_temporality(self, expected: Temporality) -> Self {
        let actual = match &self.metric.data {
            MetricData::Sum { temporality, .. }
            | MetricData::Histogram { temporality, .. }
            | MetricData::ExponentialHistogram { temporality, .. } => Some(*temporality),
            _ => None,
        };
        self.check(
            actual == Some(expected),
            "temporality",
            &format!("{expected:?}"),
            &format!("{actual:?}"),
        )
    }

    /// Asserts the number of data points (attribute sets).
    #[track_caller]
    pub fn has_point_count(self, expected: usize) -> Self {
        let actual = point_lines(&self.metric.data).len();
        self.check(actual == expected, "number of points", &expected, &actual)
    }

    /// The one point whose attributes include all of `expected`.
    #[track_caller]
    pub(super) fn select<P>(
        &self,
        points: &'a [P],
        attributes: impl Fn(&P) -> &[(String, AttributeValue)],
        expected: &[(&str, AttributeValue)],
    ) -> &'a P {
        let found: Vec<&P> = points
            .iter()
            .filter(|p| matches(attributes(p), expected))
            .collect();
        match found.as_slice() {
            [point] => point,
            other => fail(
                &format!(
                    "metric {:?}: expected exactly one matching point, found {}",
                    self.metric.name,
                    other.len()
                ),
                &expected_text(expected),
                &point_lines(&self.metric.data).join("; "),
                &self.all.listing(),
            ),
        }
    }

    #[track_caller]
    pub(super) fn wrong_kind(&self, expected: &str) -> ! {
        fail(
            &format!("metric {:?}: kind", self.metric.name),
            &expected,
            &self.kind_text(),
            &self.all.listing(),
        )
    }

    fn kind_text(&self) -> String {
        match &self.metric.data {
            MetricData::Sum { is_monotonic, .. } => format!("sum (monotonic: {is_monotonic})"),
            other => other.kind().to_owned(),
        }
    }
}
